"""Which rows each KPI counts, its anchor instant and its SQL value: the KPI catalogue.

Each entry is the SQL form of a formula in tierdesk.domain.kpi.definitions; docs/kpis.md
lists them. Slices name the same columns for every ticket-based KPI, reached from the
clock table through ``ticket__``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.db.models import (
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.tickets.models import Ticket
from tierdesk.tiers.models import Metric

Kind = Literal["duration", "ratio", "count", "no_data"]

# Slice name -> column on the ticket.
TICKET_SLICES = {
    "tier": "tier__name",
    "channel": "channel",
    "group": "group__name",
    "agent": "assignee__username",
    "organization": "organization__name",
    "priority": "priority",
}
PERIODS = ("day", "week", "month", "quarter")


@dataclass(frozen=True)
class Kpi:
    name: str
    kind: Kind
    unit: Literal["seconds", "ratio", "count", "percent", "score"]
    description: str
    # Rows to count, given the range [start, end); None for KPIs without data yet.
    rows: Callable[[datetime, datetime], QuerySet] | None = None  # type: ignore[type-arg]
    # Path from a row to its ticket ("" for tickets, "ticket__" for clocks).
    ticket: str = ""
    # The instant that places a row in the range and in a period.
    anchor: str = "created_at"
    # duration: the seconds expression; ratio: the numerator's condition.
    value: Callable[[datetime], object] | None = None
    numerator: Q | None = None
    # A snapshot at the range's end (backlog): no period slice.
    snapshot: bool = False
    slices: tuple[str, ...] = field(default=(*TICKET_SLICES, "period"))


def _between(anchor: str) -> Callable[[datetime, datetime], dict[str, datetime]]:
    return lambda start, end: {f"{anchor}__gte": start, f"{anchor}__lt": end}


def _seconds(end: str, start: str) -> Callable[[datetime], object]:
    return lambda _as_of: ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _tickets_first_responded(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    # first_response_at: the first public human agent reply, kept on the ticket by the
    # ticket services (tests/kpis/test_fast_equals_raw.py proves it equals the messages).
    return Ticket.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        opened_by_agent=False,
        first_response_at__isnull=False,
    )


def _tickets_solved(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    # public_agent_replies and reopens are counted on the ticket by the ticket services.
    return Ticket.objects.filter(solved_at__gte=start, solved_at__lt=end).annotate(
        followed_up=Exists(Ticket.objects.filter(follow_up_of=OuterRef("pk"))),
    )


def _tickets_created(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    return Ticket.objects.filter(created_at__gte=start, created_at__lt=end)


def _backlog(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    # Open at `end`: created by then, and not solved nor closed by then. Written as
    # "none or later" rather than a NOT, so that the index on solved_at finds the few.
    return Ticket.objects.filter(
        Q(solved_at__isnull=True) | Q(solved_at__gt=end),
        Q(closed_at__isnull=True) | Q(closed_at__gt=end),
        created_at__lte=end,
    )


def _clocks(metric: str, *, verdict: bool) -> Callable[[datetime, datetime], QuerySet]:  # type: ignore[type-arg]
    def rows(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
        clocks = SlaClock.objects.filter(metric=metric, started_at__gte=start, started_at__lt=end)
        if verdict:
            return clocks.filter(state__in=(ClockState.ACHIEVED, ClockState.BREACHED))
        # A duration needs an answer: achieved in time or satisfied late.
        return clocks.filter(achieved_at__isnull=False)

    return rows


def _attainment(metric: str) -> Kpi:
    label = Metric(metric).label.lower()
    return Kpi(
        name=f"sla_{metric}",
        kind="ratio",
        unit="ratio",
        description=f"SLA attainment, {label}: met / (met + breached) clocks started in the range",
        rows=_clocks(metric, verdict=True),
        ticket="ticket__",
        anchor="started_at",
        numerator=Q(state=ClockState.ACHIEVED),
    )


def _no_data(name: str, unit: Literal["ratio", "percent", "score"], description: str) -> Kpi:
    return Kpi(name=name, kind="no_data", unit=unit, description=description)


CATALOG: dict[str, Kpi] = {
    k.name: k
    for k in (
        Kpi(
            name="first_response_time",
            kind="duration",
            unit="seconds",
            description="Calendar seconds from creation to the first public human agent reply",
            rows=_tickets_first_responded,
            value=_seconds("first_response_at", "created_at"),
        ),
        Kpi(
            name="first_response_business_time",
            kind="duration",
            unit="seconds",
            description="Business seconds the first-response clock counted until answered",
            rows=_clocks(Metric.FIRST_RESPONSE, verdict=False),
            ticket="ticket__",
            anchor="started_at",
            value=lambda _as_of: F("elapsed_seconds"),
        ),
        Kpi(
            name="next_response_time",
            kind="duration",
            unit="seconds",
            description="Calendar seconds from a customer message awaiting an answer to it",
            rows=_clocks(Metric.NEXT_RESPONSE, verdict=False),
            ticket="ticket__",
            anchor="started_at",
            value=_seconds("achieved_at", "started_at"),
        ),
        Kpi(
            name="next_response_business_time",
            kind="duration",
            unit="seconds",
            description="Business seconds the next-response clock counted until answered",
            rows=_clocks(Metric.NEXT_RESPONSE, verdict=False),
            ticket="ticket__",
            anchor="started_at",
            value=lambda _as_of: F("elapsed_seconds"),
        ),
        Kpi(
            name="resolution_time",
            kind="duration",
            unit="seconds",
            description="Calendar seconds from creation to the solve, for tickets solved in range",
            rows=_tickets_solved,
            anchor="solved_at",
            value=_seconds("solved_at", "created_at"),
        ),
        Kpi(
            name="resolution_business_time",
            kind="duration",
            unit="seconds",
            description="Business seconds the resolution clock counted until the solve",
            rows=_clocks(Metric.RESOLUTION, verdict=False),
            ticket="ticket__",
            anchor="started_at",
            value=lambda _as_of: F("elapsed_seconds"),
        ),
        _attainment(Metric.FIRST_RESPONSE),
        _attainment(Metric.NEXT_RESPONSE),
        _attainment(Metric.PERIODIC_UPDATE),
        _attainment(Metric.RESOLUTION),
        Kpi(
            name="first_contact_resolution",
            kind="ratio",
            unit="ratio",
            description="Solved tickets with one public agent reply, never reopened, no follow-up",
            rows=_tickets_solved,
            anchor="solved_at",
            numerator=Q(public_agent_replies=1, reopens=0, followed_up=False),
        ),
        Kpi(
            name="reopen_rate",
            kind="ratio",
            unit="ratio",
            description="Solved tickets reopened at least once / solved tickets",
            rows=_tickets_solved,
            anchor="solved_at",
            numerator=Q(reopens__gt=0),
        ),
        Kpi(
            name="resolution_rate",
            kind="ratio",
            unit="ratio",
            description="Tickets created in range and solved or closed by its end / created",
            rows=_tickets_created,
            numerator=Q(solved_at__isnull=False) | Q(closed_at__isnull=False),
        ),
        Kpi(
            name="backlog",
            kind="count",
            unit="count",
            description="Tickets open at the range's end",
            rows=_backlog,
            snapshot=True,
            slices=tuple(TICKET_SLICES),
        ),
        Kpi(
            name="backlog_age",
            kind="duration",
            unit="seconds",
            description="Seconds since creation of the tickets open at the range's end",
            rows=_backlog,
            snapshot=True,
            slices=tuple(TICKET_SLICES),
            value=lambda as_of: ExpressionWrapper(
                Value(as_of, output_field=DateTimeField()) - F("created_at"),
                output_field=DurationField(),
            ),
        ),
        _no_data("csat", "percent", "Share of CSAT answers of 4 or 5 (1-5); needs surveys"),
        _no_data("nps", "score", "% promoters (9-10) - % detractors (0-6); needs surveys"),
        _no_data("ces", "score", "Mean Customer Effort Score (1-7); needs surveys"),
        _no_data("abandonment", "ratio", "Calls/chats left before an answer; needs call events"),
        _no_data("answered_within", "ratio", "Calls/chats answered within N s; needs call events"),
        _no_data("callback_completion", "ratio", "Callbacks made / promised; needs call events"),
        _no_data("deflection", "ratio", "Self-served sessions / all sessions; needs the bot"),
        _no_data("bot_containment", "ratio", "Bot conversations without hand-off; needs the bot"),
    )
}
