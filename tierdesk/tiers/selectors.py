"""Reads for tiers: what a tier includes, which calendar a channel runs on, their versions."""

from django.db.models import Prefetch, QuerySet

from tierdesk.accounts.access import require_configurer
from tierdesk.accounts.models import User
from tierdesk.errors import NotFound
from tierdesk.tiers.models import (
    BusinessCalendar,
    CalendarVersion,
    ChannelCoverage,
    SlaTarget,
    Tier,
    TierPolicyVersion,
)


def tiers_with_terms() -> QuerySet[Tier]:
    """Every tier with its coverage and targets, in two extra queries however many tiers."""
    return Tier.objects.prefetch_related(
        Prefetch("coverage", queryset=ChannelCoverage.objects.select_related("calendar")),
        Prefetch("targets", queryset=SlaTarget.objects.order_by("metric", "priority")),
    )


def allowed_channels(tier: Tier) -> list[str]:
    return sorted(c.channel for c in tier.coverage.all())


def coverage_calendar(*, tier: Tier, channel: str) -> BusinessCalendar | None:
    coverage = (
        ChannelCoverage.objects.select_related("calendar")
        .filter(tier=tier, channel=channel)
        .first()
    )
    return coverage.calendar if coverage else None


def calendars_for(actor: User) -> QuerySet[BusinessCalendar]:
    """Every calendar with its hours, custom days and versions, in four queries."""
    require_configurer(actor)
    return BusinessCalendar.objects.order_by("name").prefetch_related(
        "hours", "days", Prefetch("versions", queryset=CalendarVersion.objects.order_by("number"))
    )


def calendar_for(actor: User, calendar_id: int) -> BusinessCalendar:
    calendar = calendars_for(actor).filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(f"No calendar {calendar_id}.")
    return calendar


def calendar_versions(actor: User, calendar_id: int) -> QuerySet[CalendarVersion]:
    calendar = calendar_for(actor, calendar_id)
    return CalendarVersion.objects.filter(calendar=calendar).order_by("number")


def policy_versions(actor: User, tier_id: int) -> QuerySet[TierPolicyVersion]:
    require_configurer(actor)
    if not Tier.objects.filter(pk=tier_id).exists():
        raise NotFound(f"No tier {tier_id}.")
    return TierPolicyVersion.objects.filter(tier_id=tier_id).order_by("number")


def tiers_on_calendar(calendar: BusinessCalendar) -> list[Tier]:
    """Tiers whose current coverage staffs a channel on ``calendar``."""
    return list(Tier.objects.filter(coverage__calendar=calendar).distinct().order_by("rank"))


def tier_for(actor: User, tier_id: int) -> Tier:
    """One tier with its coverage and targets, for the people who configure tiers."""
    require_configurer(actor)
    tier = tiers_with_terms().filter(pk=tier_id).first()
    if tier is None:
        raise NotFound(f"No tier {tier_id}.")
    return tier
