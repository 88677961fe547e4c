"""Reads for the tier review: the tiers' promises, SQL aggregates of what was delivered, and
the reviews themselves. Every count is grouped in the database."""

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from tierdesk.accounts.models import User
from tierdesk.customers.models import InteractionKind, Organization
from tierdesk.domain.kpi.review import MissCell, OrgUsage
from tierdesk.errors import Conflict, NotFound
from tierdesk.reports.access import require_reviewer
from tierdesk.reports.models import ReviewState, TierReview
from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.tickets.models import Ticket
from tierdesk.tiers.models import Channel, Priority, Tier

VERDICTS = (ClockState.ACHIEVED, ClockState.BREACHED)


def review_tiers() -> list[Tier]:
    """Every tier, entry tier first, with its channels, calendars and targets."""
    return list(
        Tier.objects.order_by("rank").prefetch_related("coverage__calendar__hours", "targets")
    )


def tier_zone(tier: Tier) -> ZoneInfo:
    """The zone the tier is staffed in: its email calendar's (every default tier has email),
    else its first channel's by name, else UTC."""
    coverage = sorted(tier.coverage.all(), key=lambda c: (c.channel != Channel.EMAIL, c.channel))
    return ZoneInfo(coverage[0].calendar.time_zone if coverage else "UTC")


def miss_cells(
    *, tier: Tier, metric: str, start: datetime, end: datetime, zone: ZoneInfo
) -> list[MissCell]:
    """Clocks of one metric with a verdict, started in [start, end) on the tier's tickets,
    counted by the weekday and hour of their start in ``zone``."""
    rows = (
        SlaClock.objects.filter(
            ticket__tier=tier,
            metric=metric,
            state__in=VERDICTS,
            started_at__gte=start,
            started_at__lt=end,
        )
        .annotate(
            wd=ExtractIsoWeekDay("started_at", tzinfo=zone),
            h=ExtractHour("started_at", tzinfo=zone),
        )
        .values("wd", "h")
        .annotate(misses=Count("pk", filter=Q(state=ClockState.BREACHED)), clocks=Count("pk"))
        .order_by("wd", "h")
    )
    return [MissCell(r["wd"] - 1, r["h"], r["misses"], r["clocks"]) for r in rows]


def refused_contacts(*, start: datetime, end: datetime) -> dict[int, dict[str, int]]:
    """Tier id -> channel -> contacts refused in the range, by the organization's current tier."""
    rows = (
        Organization.objects.filter(
            interactions__kind=InteractionKind.CHANNEL_REFUSED,
            interactions__occurred_at__gte=start,
            interactions__occurred_at__lt=end,
        )
        .values("tier_id", "interactions__channel")
        .annotate(n=Count("interactions"))
        .order_by()
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for r in rows:
        found[r["tier_id"]][r["interactions__channel"]] = r["n"]
    return dict(found)


def organization_usage(*, tier: Tier, start: datetime, end: datetime) -> list[OrgUsage]:
    """Each organization now in the tier: its tickets created in [start, end), how many
    urgent, its refused contacts, and the attainment of its clocks started in the range."""
    window = Q(tickets__created_at__gte=start, tickets__created_at__lt=end)
    orgs = (
        Organization.objects.filter(tier=tier)
        .annotate(
            n=Count("tickets", filter=window),
            urgent=Count("tickets", filter=window & Q(tickets__priority=Priority.URGENT)),
        )
        .values_list("pk", "name", "n", "urgent")
        .order_by("name")
    )
    refused: dict[int, dict[str, int]] = defaultdict(dict)
    for org_id, channel, n in (
        Organization.objects.filter(
            tier=tier,
            interactions__kind=InteractionKind.CHANNEL_REFUSED,
            interactions__occurred_at__gte=start,
            interactions__occurred_at__lt=end,
        )
        .values("pk", "interactions__channel")
        .annotate(n=Count("interactions"))
        .values_list("pk", "interactions__channel", "n")
        .order_by()
    ):
        refused[org_id][channel] = n
    verdicts = {
        r["ticket__organization_id"]: (r["met"], r["all"])
        for r in SlaClock.objects.filter(
            ticket__organization__tier=tier,
            state__in=VERDICTS,
            started_at__gte=start,
            started_at__lt=end,
        )
        .values("ticket__organization_id")
        .annotate(met=Count("pk", filter=Q(state=ClockState.ACHIEVED)), all=Count("pk"))
        .order_by()
    }
    usage = []
    for pk, name, n, urgent in orgs:
        met, total = verdicts.get(pk, (0, 0))
        usage.append(OrgUsage(name, n, urgent, refused.get(pk, {}), met / total if total else None))
    return usage


def tickets_by_tier(*, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    """Tier name -> tickets created in the range: total, urgent, and per channel."""
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("tier__name", "channel")
        .annotate(n=Count("pk"), urgent=Count("pk", filter=Q(priority=Priority.URGENT)))
        .order_by()
    ):
        row = found[r["tier__name"]]
        row["tickets"] += r["n"]
        row["urgent"] += r["urgent"]
        row[f"channel_{r['channel']}"] += r["n"]
    return {k: dict(v) for k, v in found.items()}


def tier_reviews(*, user: User, limit: int = 50) -> QuerySet[TierReview]:
    require_reviewer(user)
    return TierReview.objects.select_related("requested_by")[:limit]


def tier_review_for(*, user: User, review_id: int) -> TierReview:
    require_reviewer(user)
    review = TierReview.objects.filter(pk=review_id).first()
    if review is None:
        raise NotFound(f"No tier review {review_id}.")
    return review


def ready_review_pdf(*, user: User, review_id: int) -> TierReview:
    """The review, if its PDF is ready; a queued or failed one is a conflict saying so."""
    review = tier_review_for(user=user, review_id=review_id)
    if review.state != ReviewState.READY or not review.pdf:
        state = review.get_state_display().lower()
        raise Conflict(
            f"Tier review {review_id} is {state}; its PDF is not ready.",
            code="review_not_ready",
        )
    return review
