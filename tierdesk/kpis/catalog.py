"""Which rows each KPI counts, its anchor instant and its SQL value: the KPI catalogue.

Each entry is the SQL form of a formula in tierdesk.domain.kpi.definitions; docs/kpis.md
lists them. Slices name the same columns for every ticket-based KPI, reached from the
clock table through ``ticket__``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from tierdesk.domain.kpi.definitions import SHORT_ABANDON_SECONDS
from tierdesk.live.models import LiveContact, Outcome
from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.tickets.models import Ticket
from tierdesk.tiers.models import Metric

Kind = Literal["duration", "ratio", "count", "score", "no_data"]

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
# Slice name -> column on the clock: its copy of the ticket's slices (sla.models.SlaClock),
# so that a clock KPI joins only the small named tables, never the tickets.
CLOCK_SLICES = {
    "tier": "tier__name",
    "channel": "channel",
    "group": "group__name",
    "agent": "assignee__username",
    "organization": "organization__name",
    "priority": "priority",
}


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
    # Slice name -> column, for rows that carry their own slices (live contacts); None:
    # the ticket's columns (TICKET_SLICES) through ``ticket``.
    columns: dict[str, str] | None = None


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
    # followed_up as one set of the followed-up tickets, looked up per solve, rather than a
    # subquery run for each of them.
    followed = Ticket.objects.filter(follow_up_of__isnull=False).values("follow_up_of")
    return Ticket.objects.filter(solved_at__gte=start, solved_at__lt=end).annotate(
        followed_up=ExpressionWrapper(Q(pk__in=followed), output_field=BooleanField()),
    )


def _tickets_created(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    return Ticket.objects.filter(created_at__gte=start, created_at__lt=end)


# An unsolved ticket is "solved at NEVER" in the backlog's index (tickets migration 0007).
NEVER = datetime(9999, 12, 31, tzinfo=UTC)


def _backlog(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    # Open at `end`: created by then, and not solved nor closed by then. Written as
    # "none or later" rather than a NOT, so that the index on solved_at finds the few.
    open_at_end = Q(closed_at__isnull=True) | Q(closed_at__gt=end)
    if connection.vendor == "postgresql":
        # The same condition as one range of the index ticket_open, read without the rows.
        return Ticket.objects.alias(
            solved_or_never=Coalesce("solved_at", Value(NEVER, output_field=DateTimeField()))
        ).filter(open_at_end, solved_or_never__gt=end, created_at__lte=end)
    return Ticket.objects.filter(
        Q(solved_at__isnull=True) | Q(solved_at__gt=end), open_at_end, created_at__lte=end
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
        columns=CLOCK_SLICES,
        numerator=Q(state=ClockState.ACHIEVED),
    )


def _no_data(name: str, unit: Literal["ratio", "percent", "score"], description: str) -> Kpi:
    return Kpi(name=name, kind="no_data", unit=unit, description=description)


# Live contacts (calls, chats) carry their own slices: the tier at offer, their channel,
# the agent who answered, the ticket's organization.
LIVE_SLICES = ("tier", "channel", "agent", "organization", "period")


def _live_columns(agent: str) -> dict[str, str]:
    return {
        "tier": "tier__name",
        "channel": "channel",
        "agent": agent,
        "organization": "ticket__organization__name",
    }


def _live_contacts_with_outcome(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    """Offered in range with an outcome; abandons shorter than SHORT_ABANDON_SECONDS are out."""
    return (
        LiveContact.objects.filter(offered_at__gte=start, offered_at__lt=end)
        .exclude(outcome=Outcome.WAITING)
        .exclude(outcome=Outcome.ABANDONED, wait_seconds__lt=SHORT_ABANDON_SECONDS)
    )


def _live_contacts_with_target(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    return _live_contacts_with_outcome(start, end).filter(answer_target_seconds__isnull=False)


def _live_contacts_answered(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    return LiveContact.objects.filter(
        offered_at__gte=start, offered_at__lt=end, answered_at__isnull=False
    )


def _callbacks_requested(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    return LiveContact.objects.filter(
        callback_requested_at__gte=start, callback_requested_at__lt=end
    )


def _live_ratio(
    name: str,
    description: str,
    *,
    rows: Callable[[datetime, datetime], QuerySet],  # type: ignore[type-arg]
    numerator: Q,
    anchor: str = "offered_at",
    agent: str = "answered_by__username",
) -> Kpi:
    return Kpi(
        name=name,
        kind="ratio",
        unit="ratio",
        description=description,
        rows=rows,
        anchor=anchor,
        numerator=numerator,
        slices=LIVE_SLICES,
        columns=_live_columns(agent),
    )


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
            columns=CLOCK_SLICES,
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
            columns=CLOCK_SLICES,
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
            columns=CLOCK_SLICES,
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
            columns=CLOCK_SLICES,
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
        Kpi(
            name="csat",
            kind="ratio",
            unit="ratio",
            description="Share of CSAT answers (1-5) of 4 or 5, placed by their first answer",
            rows=lambda start, end: _survey_answers("csat", start, end),
            ticket="ticket__",
            anchor="answered_at",
            numerator=Q(score__gte=4),
        ),
        Kpi(
            name="nps",
            kind="score",
            unit="score",
            description="% promoters (9-10) - % detractors (0-6) of NPS answers, per contact",
            rows=lambda start, end: _nps_answers(start, end),
            anchor="answered_at",
            value=lambda _as_of: _nps_score(),
            slices=("tier", "organization", "period"),
        ),
        Kpi(
            name="ces",
            kind="score",
            unit="score",
            description="Mean Customer Effort Score (1-7, 7 the easiest) of answers",
            rows=lambda start, end: _survey_answers("ces", start, end),
            ticket="ticket__",
            anchor="answered_at",
            value=lambda _as_of: _mean_score(),
        ),
        _live_ratio(
            "abandonment",
            "Calls/chats left before an answer / offered (abandons under 5 s left out)",
            rows=_live_contacts_with_outcome,
            numerator=Q(outcome=Outcome.ABANDONED),
        ),
        _live_ratio(
            "answered_within",
            "Calls/chats answered within the tier's target / answered + abandoned",
            rows=_live_contacts_with_target,
            numerator=Q(answered_in_time=True),
        ),
        _live_ratio(
            "callback_completion",
            "Callbacks made / callbacks requested in the range",
            rows=_callbacks_requested,
            numerator=Q(callback_completed_at__isnull=False),
            anchor="callback_requested_at",
            agent="callback_completed_by__username",
        ),
        Kpi(
            name="speed_of_answer",
            kind="duration",
            unit="seconds",
            description="Seconds answered calls/chats waited (ASA is the mean)",
            rows=_live_contacts_answered,
            anchor="offered_at",
            value=lambda _as_of: F("wait_seconds"),
            slices=LIVE_SLICES,
            columns=_live_columns("answered_by__username"),
        ),
        _no_data("deflection", "ratio", "Self-served sessions / all sessions; needs the bot"),
        _no_data("bot_containment", "ratio", "Bot conversations without hand-off; needs the bot"),
    )
}


# Survey KPIs (tierdesk/surveys): answers placed by their first answer's instant. A
# "score" KPI's value is a Score: its SQL aggregates per slice and the formula over them.


@dataclass(frozen=True)
class Score:
    """A score KPI's value: SQL aggregates per slice, combined by its domain formula."""

    aggregates: dict[str, object]
    formula: Callable[[dict[str, object]], float | None]


def _survey_answers(kind: str, start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    from tierdesk.surveys.models import Survey

    return Survey.objects.filter(kind=kind, answered_at__gte=start, answered_at__lt=end)


def _nps_answers(start: datetime, end: datetime) -> QuerySet:  # type: ignore[type-arg]
    from django.db.models import FilteredRelation

    # NPS asks contacts, not tickets: its slices are the contact's organization and that
    # organization's current tier, named as the ticket slices are.
    return _survey_answers("nps", start, end).annotate(
        organization=FilteredRelation("contact__organization"),
        tier=FilteredRelation("contact__organization__tier"),
    )


def _nps_score() -> Score:
    from tierdesk.domain.kpi.definitions import net_promoter_score

    return Score(
        aggregates={
            "promoters": Count("pk", filter=Q(score__gte=9)),
            "detractors": Count("pk", filter=Q(score__lte=6)),
        },
        formula=lambda r: net_promoter_score(
            int(str(r["promoters"])), int(str(r["detractors"])), int(str(r["answers"]))
        ),
    )


def _mean_score() -> Score:
    from django.db.models import Sum

    from tierdesk.domain.kpi.definitions import mean_score

    return Score(
        aggregates={"total": Sum("score")},
        formula=lambda r: mean_score(int(str(r["total"])), int(str(r["answers"]))),
    )
