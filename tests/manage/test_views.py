"""The managers' pages: who may open them, forms that go through the services, the preview."""

import re

import pytest
import time_machine
from django.contrib.messages import get_messages

from tests.manage.conftest import form_data
from tests.sla.test_preview import NOW
from tierdesk.accounts.models import AgentGroup, Skill
from tierdesk.audit.models import ConfigChange, Subject
from tierdesk.manage.calendar_forms import CalendarForm
from tierdesk.manage.tier_forms import PolicyForm
from tierdesk.sla.models import SlaClock
from tierdesk.tiers.models import BusinessCalendar, CalendarVersion, Tier, TierPolicyVersion


def _pages(tiers):
    calendar = BusinessCalendar.objects.order_by("pk").first()
    return [
        "/manage/tiers/",
        f"/manage/tiers/{tiers['Premium'].pk}/",
        "/manage/calendars/",
        f"/manage/calendars/{calendar.pk}/",
        "/manage/team/",
    ]


def _policy_post(tier):
    tier = Tier.objects.prefetch_related("targets", "coverage").get(pk=tier.pk)
    return form_data(PolicyForm(tier=tier, calendars=list(BusinessCalendar.objects.all())))


def test_every_page_opens_to_a_manager_with_a_csrf_token_in_every_form(signed_in, mia, tiers):
    client = signed_in(mia)
    for path in _pages(tiers):
        html = client.get(path).content.decode()
        forms = len(re.findall(r"<form method=\"post\"", html))
        assert forms >= 1, path
        assert html.count('name="csrfmiddlewaretoken"') >= forms, path


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_agents_and_customers_get_403_on_every_page_and_post(signed_in, persona, request, tiers):
    client = signed_in(request.getfixturevalue(persona))
    before = ConfigChange.objects.count(), TierPolicyVersion.objects.count()
    for path in _pages(tiers):
        assert client.get(path).status_code == 403, path
    premium = tiers["Premium"].pk
    assert client.post(f"/manage/tiers/{premium}/settings/", {}).status_code == 403
    assert client.post(f"/manage/tiers/{premium}/policy/", {}).status_code == 403
    assert client.post(f"/manage/tiers/{premium}/reapply/").status_code == 403
    assert (ConfigChange.objects.count(), TierPolicyVersion.objects.count()) == before


def test_signed_out_visitors_are_sent_to_sign_in(client, tiers):
    response = client.get("/manage/tiers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_post_without_its_csrf_token_is_refused(signed_in, mia, tiers):
    client = signed_in(mia, csrf=True)
    response = client.post(
        f"/manage/tiers/{tiers['Basic'].pk}/settings/", {"tier-routing_priority": 5}
    )
    assert response.status_code == 403
    assert Tier.objects.get(pk=tiers["Basic"].pk).routing_priority == 10


def test_a_manager_saves_tier_settings_and_the_history_shows_who_and_what(signed_in, mia, tiers):
    basic = tiers["Basic"]
    client = signed_in(mia)
    page = client.get(f"/manage/tiers/{basic.pk}/")
    data = form_data(page.context["settings_form"]) | {"tier-routing_priority": "42"}
    response = client.post(f"/manage/tiers/{basic.pk}/settings/", data)
    assert response.status_code == 302
    assert Tier.objects.get(pk=basic.pk).routing_priority == 42
    change = ConfigChange.objects.get(
        subject=Subject.TIER, subject_id=basic.pk, action="tier settings"
    )
    assert (change.actor, change.before, change.after) == (
        mia,
        {"routing_priority": 10},
        {"routing_priority": 42},
    )
    html = client.get(f"/manage/tiers/{basic.pk}/").content.decode()
    assert "routing priority</th><td>10</td><td>42</td>" in html
    assert "mia" in html


def test_shortening_a_target_previews_the_breaches_then_saves_and_reapplies(
    signed_in, mia, tiers, premium_desk
):
    premium = tiers["Premium"]
    client = signed_in(mia)
    data = _policy_post(premium) | {
        "normal__first_response__h": "0",
        "normal__first_response__m": "30",
    }
    versions = TierPolicyVersion.objects.filter(tier=premium).count()
    with time_machine.travel(NOW, tick=False):
        preview = client.post(f"/manage/tiers/{premium.pk}/policy/", data)
        assert preview.status_code == 200
        html = preview.content.decode()
        assert "Before you save: 2 open tickets would breach" in html
        assert TierPolicyVersion.objects.filter(tier=premium).count() == versions
        saved = client.post(f"/manage/tiers/{premium.pk}/policy/", data | {"decision": "reapply"})
    assert saved.status_code == 302
    assert TierPolicyVersion.objects.filter(tier=premium).count() == versions + 1
    assert SlaClock.objects.filter(tier=premium, breached_at=NOW).count() == 2
    said = [str(m) for m in get_messages(saved.wsgi_request)]
    assert said == [
        f"Premium: saved as policy version {versions + 1}. Re-applied to 5 open tickets."
    ]


def test_a_longer_target_saves_without_a_preview(signed_in, mia, tiers):
    premium = tiers["Premium"]
    data = _policy_post(premium) | {
        "normal__first_response__h": "3",
        "normal__first_response__m": "15",
    }
    response = signed_in(mia).post(f"/manage/tiers/{premium.pk}/policy/", data)
    assert response.status_code == 302
    assert premium.targets.get(priority="normal", metric="first_response").target_seconds == 11_700


def test_a_refused_promise_is_shown_by_its_field_and_nothing_is_saved(signed_in, mia, tiers):
    premium = tiers["Premium"]
    data = _policy_post(premium)
    del data["on_email"]
    before = TierPolicyVersion.objects.count(), ConfigChange.objects.count()
    response = signed_in(mia).post(f"/manage/tiers/{premium.pk}/policy/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was saved. Every tier answers email" in html
    assert 'id="id_on_email-error">email cannot be removed</p>' in html
    assert 'aria-invalid="true" aria-describedby="id_on_email-error"' in html
    assert (TierPolicyVersion.objects.count(), ConfigChange.objects.count()) == before


def test_a_zero_target_is_refused_by_its_cell(signed_in, mia, tiers):
    premium = tiers["Premium"]
    data = _policy_post(premium) | {"high__resolution__h": "0", "high__resolution__m": "0"}
    response = signed_in(mia).post(f"/manage/tiers/{premium.pk}/policy/", data)
    assert response.status_code == 422
    assert "A target must be at least a minute" in response.content.decode()


def _calendar_post(calendar):
    return form_data(CalendarForm(calendar=calendar))


def test_an_unknown_zone_is_refused_by_its_field(signed_in, mia, tiers):
    calendar = BusinessCalendar.objects.order_by("pk").first()
    data = _calendar_post(calendar) | {"time_zone": "Mars/Olympus"}
    before = CalendarVersion.objects.count()
    response = signed_in(mia).post(f"/manage/calendars/{calendar.pk}/rules/", data)
    assert response.status_code == 422
    assert 'id="id_time_zone-error">unknown time zone</p>' in response.content.decode()
    assert CalendarVersion.objects.count() == before


def test_a_holiday_added_today_previews_later_dues_then_saves(signed_in, mia, tiers, premium_desk):
    email_calendar = premium_desk["a"].tier.coverage.get(channel="email").calendar
    client = signed_in(mia)
    day = {"day": NOW.date().isoformat(), "closed": "1", "note": "Office move"}
    with time_machine.travel(NOW, tick=False):
        preview = client.post(f"/manage/calendars/{email_calendar.pk}/days/", day)
        assert preview.status_code == 200
        html = preview.content.decode()
        assert "<strong>5</strong> would fall due later" in html
        assert not email_calendar.days.filter(day=NOW.date()).exists()
        saved = client.post(
            f"/manage/calendars/{email_calendar.pk}/days/", day | {"decision": "save"}
        )
    assert saved.status_code == 302
    assert email_calendar.days.get(day=NOW.date()).note == "Office move"
    change = ConfigChange.objects.filter(subject=Subject.CALENDAR).latest("id")
    assert change.after == {f"day.{NOW.date().isoformat()}": ["closed"]}
    assert change.actor == mia


def test_a_manager_sets_skills_and_seniority_but_not_roles(signed_in, mia, alice, tiers):
    billing = Skill.objects.create(name="Billing")
    client = signed_in(mia)
    data = {
        f"agent-{alice.pk}-seniority": "1",
        f"agent-{alice.pk}-skills": [str(billing.pk)],
        f"agent-{alice.pk}-role": "admin",
    }
    response = client.post(f"/manage/team/agents/{alice.pk}/", data)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.seniority, alice.role, list(alice.skills.all())) == (1, "agent", [billing])
    change = ConfigChange.objects.get(subject=Subject.AGENT, subject_id=alice.pk)
    assert change.after == {"seniority": "Junior", "skills": ["Billing"]}


def test_an_admin_changes_a_role(signed_in, dave, alice, tiers):
    data = {f"agent-{alice.pk}-seniority": "3", f"agent-{alice.pk}-role": "manager"}
    response = signed_in(dave).post(f"/manage/team/agents/{alice.pk}/", data)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.role == "manager"


def test_a_manager_edits_a_group(signed_in, mia, alice, eve, tiers):
    group = AgentGroup.objects.create(name="Tier 2")
    skill = Skill.objects.create(name="Networks")
    prefix = f"group-{group.pk}"
    data = {
        f"{prefix}-lead": str(alice.pk),
        f"{prefix}-members": [str(alice.pk), str(eve.pk)],
        f"{prefix}-skills": [str(skill.pk)],
    }
    response = signed_in(mia).post(f"/manage/team/groups/{group.pk}/", data)
    assert response.status_code == 302
    assert sorted(group.members.values_list("username", flat=True)) == ["alice", "eve"]
    assert group.skills.get() == skill
    assert ConfigChange.objects.get(subject=Subject.GROUP).after["lead"] == "alice"


def test_a_manager_adds_an_escalation_rule_and_a_refusal_names_its_field(signed_in, mia, tiers):
    basic = tiers["Basic"]
    client = signed_in(mia)
    url = f"/manage/tiers/{basic.pk}/escalations/"
    refused = client.post(
        url, {"escalation-on": "breach", "escalation-action": "reassign_to_group"}
    )
    assert refused.status_code == 422
    assert (
        'id="id_escalation-group-error">reassigning needs a group</p>' in refused.content.decode()
    )
    added = client.post(url, {"escalation-on": "breach", "escalation-action": "notify_assignee"})
    assert added.status_code == 302
    page = client.get(f"/manage/tiers/{basic.pk}/").content.decode()
    assert "On breach of any metric: notify the assignee" in page
