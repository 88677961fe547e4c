"""Reads for tiers: what a tier includes and which calendar a channel runs on."""

from django.db.models import Prefetch, QuerySet

from tierdesk.tiers.models import BusinessCalendar, ChannelCoverage, SlaTarget, Tier


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
