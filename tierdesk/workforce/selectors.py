"""Reads for workforce planning: contact counts per interval, rosters, status timelines."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import ExtractMinute, Floor, TruncHour

from tierdesk.accounts.models import STAFF_ROLES, User
from tierdesk.domain.sla import holiday_dates
from tierdesk.errors import Invalid, NotFound
from tierdesk.sla.models import SlaClock
from tierdesk.tickets.models import Ticket
from tierdesk.tiers.models import BusinessCalendar, Metric, Tier
from tierdesk.tiers.selectors import tiers_with_terms
from tierdesk.workforce.models import AgentStatusEvent, Roster

Counts = npt.NDArray[np.float64]
STATUS_LOOK_BACK = timedelta(days=7)


def first_contact_at() -> datetime | None:
    """When the oldest ticket arrived; the forecast's history cannot start earlier."""
    return Ticket.objects.aggregate(first=Min("created_at"))["first"]


def ticket_watermark() -> tuple[int, int | None]:
    """How many tickets there are and the newest id: changes whenever one arrives."""
    row = Ticket.objects.aggregate(n=Count("id"), last=Max("id"))
    return row["n"], row["last"]


def current_statuses() -> list[AgentStatusEvent]:
    """Each agent's latest status event (agents never set count as offline)."""
    latest = AgentStatusEvent.objects.filter(agent=OuterRef("agent")).order_by("-at", "-id")
    return list(
        AgentStatusEvent.objects.filter(pk=Subquery(latest.values("pk")[:1]))
        .select_related("agent")
        .order_by("agent__username")
    )


def contact_counts(
    *, since: datetime, until: datetime, interval_minutes: int
) -> dict[tuple[str, int], Counts]:
    """Tickets created per (channel, tier id) in each interval of [since, until), counted in SQL.

    `since` must sit on an interval boundary. One row per non-empty (interval, channel,
    tier) comes back, never one per ticket; the range filter uses the `ticket_recent` index.
    """
    intervals = int((until - since).total_seconds()) // (60 * interval_minutes)
    rows = (
        Ticket.objects.filter(created_at__gte=since, created_at__lt=until)
        .annotate(
            hour=TruncHour("created_at", tzinfo=UTC),
            slot=Floor(
                ExtractMinute("created_at", tzinfo=UTC) / Value(interval_minutes),
                output_field=IntegerField(),
            ),
        )
        .values("channel", "tier_id", "hour", "slot")
        .annotate(n=Count("id"))
        .order_by()
    )
    series: dict[tuple[str, int], Counts] = defaultdict(lambda: np.zeros(intervals))
    step = timedelta(minutes=interval_minutes)
    for row in rows:
        hour = row["hour"].astimezone(UTC)
        index = int((hour - since) / step) + int(row["slot"])
        series[(row["channel"], row["tier_id"])][index] += row["n"]
    return dict(series)


def planning_tiers() -> list[Tier]:
    """Every tier with coverage calendars and targets, in rank order."""
    return list(tiers_with_terms().order_by("rank"))


def calendar_holidays(calendar: BusinessCalendar | None, *, years: range) -> frozenset[date]:
    if calendar is None or not calendar.holiday_country:
        return frozenset()
    subdiv = calendar.holiday_subdivision or None
    days: set[date] = set()
    for year in years:
        days |= holiday_dates(calendar.holiday_country, subdiv, year)
    return frozenset(days)


def staff_member(agent_id: int) -> User:
    """An active agent, manager or admin by id; NotFound for anyone else alike."""
    user = User.objects.filter(pk=agent_id, is_active=True, role__in=STAFF_ROLES).first()
    if user is None:
        raise NotFound(f"No agent {agent_id}.")
    return user


def agents_by_id(ids: list[int]) -> dict[int, User]:
    """The active agents among `ids`; an id that is no agent is refused, naming its place."""
    found = User.objects.in_bulk([i for i in ids], field_name="pk")
    fields = {
        f"shifts.{k}.agent_id": "no such agent"
        for k, i in enumerate(ids)
        if i not in found or not found[i].is_active or not found[i].is_agent
    }
    if fields:
        raise Invalid("Some shifts name no agent; see fields.", fields=fields)
    return found


def roster_by_id(roster_id: int) -> Roster | None:
    return Roster.objects.prefetch_related("shifts__agent").filter(pk=roster_id).first()


def rosters() -> QuerySet[Roster]:
    return Roster.objects.annotate(shift_count=Count("shifts")).order_by("name")


@dataclass(frozen=True, slots=True)
class Timeline:
    """One agent's statuses: each (at, status) lasts until the next one."""

    agent_id: int
    username: str
    changes: tuple[tuple[datetime, str], ...]


def status_timelines(
    *, since: datetime, until: datetime, agent_ids: list[int] | None = None
) -> list[Timeline]:
    """Status changes in [since, until) per agent, led by the status each was in at `since`."""
    scope = Q(agent_id__in=agent_ids) if agent_ids is not None else Q()
    inside = AgentStatusEvent.objects.filter(scope, at__gte=since, at__lt=until)
    # The status in force at `since` is each agent's latest event before it; a week's
    # look-back bounds the scan (an agent silent for a week counts as offline).
    leading: dict[int, tuple[datetime, str]] = {}
    earlier = AgentStatusEvent.objects.filter(
        scope, at__lt=since, at__gte=since - STATUS_LOOK_BACK
    ).order_by("agent_id", "at", "id")
    for agent_id, status in earlier.values_list("agent_id", "status"):
        leading[agent_id] = (since, status)
    changes: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    names: dict[int, str] = {}
    for agent_id, at, status, username in inside.order_by("agent_id", "at", "id").values_list(
        "agent_id", "at", "status", "agent__username"
    ):
        changes[agent_id].append((at, status))
        names[agent_id] = username
    for agent_id in leading:
        changes[agent_id].insert(0, leading[agent_id])
    missing = set(changes) - set(names)
    if missing:
        names.update(User.objects.filter(pk__in=missing).values_list("pk", "username"))
    return [
        Timeline(agent_id=a, username=names[a], changes=tuple(changes[a]))
        for a in sorted(changes, key=lambda a: names[a])
    ]


@dataclass(frozen=True, slots=True)
class Attainment:
    tier: str
    met: int
    missed: int

    @property
    def rate(self) -> float | None:
        total = self.met + self.missed
        return self.met / total if total else None


def first_response_attainment(*, since: datetime, until: datetime) -> dict[str, Attainment]:
    """Per tier, first-response clocks started in [since, until) that met or missed target."""
    rows = (
        SlaClock.objects.filter(
            metric=Metric.FIRST_RESPONSE, started_at__gte=since, started_at__lt=until
        )
        .values("ticket__tier__name")
        .annotate(
            met=Count("id", filter=Q(achieved_at__isnull=False, breached_at__isnull=True)),
            missed=Count("id", filter=Q(breached_at__isnull=False)),
        )
        .order_by()
    )
    return {
        r["ticket__tier__name"]: Attainment(
            tier=r["ticket__tier__name"], met=r["met"], missed=r["missed"]
        )
        for r in rows
    }
