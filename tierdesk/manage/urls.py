"""The managers' configuration pages: tiers, calendars, groups and agents, customers."""

from django.urls import path
from django.views.generic import RedirectView

from tierdesk.manage import calendar_views, customer_views, team_views, tier_views

app_name = "manage"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="manage:tiers"), name="index"),
    path("tiers/", tier_views.tier_list, name="tiers"),
    path("tiers/<int:tier_id>/", tier_views.tier_page, name="tier"),
    path("tiers/<int:tier_id>/settings/", tier_views.tier_settings, name="tier_settings"),
    path("tiers/<int:tier_id>/policy/", tier_views.tier_policy, name="tier_policy"),
    path("tiers/<int:tier_id>/reapply/", tier_views.tier_reapply, name="tier_reapply"),
    path("tiers/<int:tier_id>/escalations/", tier_views.escalation_add, name="escalation_add"),
    path(
        "tiers/<int:tier_id>/escalations/<int:rule_id>/remove/",
        tier_views.escalation_remove,
        name="escalation_remove",
    ),
    path("calendars/", calendar_views.calendar_list, name="calendars"),
    path("calendars/<int:calendar_id>/", calendar_views.calendar_page, name="calendar"),
    path(
        "calendars/<int:calendar_id>/rules/", calendar_views.calendar_rules, name="calendar_rules"
    ),
    path("calendars/<int:calendar_id>/days/", calendar_views.calendar_day, name="calendar_day"),
    path(
        "calendars/<int:calendar_id>/days/<str:day>/remove/",
        calendar_views.calendar_day_remove,
        name="calendar_day_remove",
    ),
    path(
        "calendars/<int:calendar_id>/reapply/",
        calendar_views.calendar_reapply,
        name="calendar_reapply",
    ),
    path("team/", team_views.team_page, name="team"),
    path("team/groups/", team_views.group_create, name="group_new"),
    path("team/groups/<int:group_id>/", team_views.group_edit, name="group"),
    path("team/agents/<int:agent_id>/", team_views.agent_edit, name="agent"),
    path("team/skills/", team_views.skill_create, name="skill"),
    path("customers/", customer_views.organization_list, name="organizations"),
    path(
        "customers/<int:organization_id>/",
        customer_views.organization_page,
        name="organization",
    ),
    path(
        "customers/<int:organization_id>/edit/",
        customer_views.organization_edit,
        name="organization_edit",
    ),
]
