"""Explained due times from the SLA ledger: who may explain which clock, and loading its story.

A clock's ledger rows, calendar versions and causes become ``LedgerStep`` values, told by
the pure ``tierdesk.domain.sla.explain`` as JSON-ready data and as text.

Who may read what (DESIGN.md, "SLA semantics we have decided"): agents explain every clock;
customers only the clocks that promise their next answer (first and next response), with
warnings, breaches and causes they cannot see on their ticket left out. One rule, here, for
the API and the ticket page alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tierdesk.accounts.models import User
from tierdesk.domain.sla.explain import Audience, Explanation, LedgerStep, Transition, explain
from tierdesk.domain.sla.explain_json import explanation_json
from tierdesk.domain.sla.explain_text import render_text
from tierdesk.errors import NotAllowed, NotFound
from tierdesk.sla.models import SlaClock, SlaLedgerEntry
from tierdesk.tickets.models import EventKind, Ticket, TicketEvent
from tierdesk.tiers.models import CalendarVersion, Metric
from tierdesk.tiers.terms import calendar_of_version

# The clocks that promise a customer their next answer: the only ones a customer may explain.
CUSTOMER_METRICS = frozenset({Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE})
# Causes a customer sees on their own ticket page (their messages, our replies, status,
# priority, tier); anything else (notes, assignment, groups, tags, escalations) is internal.
PUBLIC_CAUSES = frozenset(
    {
        EventKind.CREATED,
        EventKind.MESSAGE_ADDED,
        EventKind.STATUS_CHANGED,
        EventKind.PRIORITY_CHANGED,
        EventKind.TIER_CHANGED,
        EventKind.REOPENED,
        EventKind.FOLLOW_UP_CREATED,
    }
)


@dataclass(frozen=True, slots=True)
class ExplainedClock:
    clock: SlaClock
    explanation: Explanation
    text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "clock": {"id": self.clock.pk, "metric": self.clock.metric, "cycle": self.clock.cycle},
            **explanation_json(self.explanation),
            "text": self.text,
        }


def may_explain(user: User, metric: str) -> bool:
    return user.is_agent or metric in CUSTOMER_METRICS


def answer_promises(clocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of a ticket's clocks (``clock_view``), the live ones promising the customer an answer."""
    return [c for c in clocks if c["metric"] in CUSTOMER_METRICS and c["stopped_at"] is None]


def clock_to_explain(*, user: User, ticket: Ticket, clock_id: int) -> SlaClock:
    """The ticket's clock, NotFound when it has none by that id, NotAllowed when not for ``user``.

    ``ticket`` comes from ``ticket_for``, which already answers 404 for foreign tickets.
    """
    clock = SlaClock.objects.filter(ticket=ticket, pk=clock_id).first()
    if clock is None:
        raise NotFound(f"Ticket #{ticket.pk} has no clock {clock_id}.")
    if not may_explain(user, clock.metric):
        raise NotAllowed(
            "You can see how the time of your next answer was set (first and next response); "
            "the other service-level clocks are for the support team.",
            code="clock_not_for_customers",
        )
    return clock


def explained_clock(*, user: User, ticket: Ticket, clock_id: int, now: datetime) -> ExplainedClock:
    """The story of one clock of a ticket the user may see, as of ``now``."""
    clock = clock_to_explain(user=user, ticket=ticket, clock_id=clock_id)
    rows = list(
        SlaLedgerEntry.objects.filter(clock=clock).select_related("cause__actor").order_by("seq")
    )
    if not rows:
        raise NotFound(f"Clock {clock_id} of ticket #{ticket.pk} has no ledger to explain yet.")
    audience = Audience.AGENT if user.is_agent else Audience.CUSTOMER
    explanation = explain(
        [_step(row) for row in rows],
        now=now,
        day_notes=_day_notes({row.calendar_version_id for row in rows}),
        audience=audience,
    )
    return ExplainedClock(clock, explanation, render_text(explanation, explanation.tz))


def _step(row: SlaLedgerEntry) -> LedgerStep:
    return LedgerStep(
        seq=row.seq,
        at=row.at,
        transition=Transition(row.transition),
        running=row.running,
        elapsed_seconds=row.elapsed_seconds,
        target_seconds=row.target_seconds,
        warn_percent=row.warn_percent,
        business_time=row.business_time,
        calendar=None
        if row.calendar_version_id is None
        else calendar_of_version(row.calendar_version_id),
        due_before=row.due_before,
        due_after=row.due_after,
        reason=row.reason,
        cause=_cause_words(row.cause),
        cause_internal=row.cause is not None and row.cause.kind not in PUBLIC_CAUSES,
    )


def _cause_words(event: TicketEvent | None) -> str:
    if event is None:
        return ""
    label = EventKind(event.kind).label
    actor = event.actor
    if actor is None:
        return label
    return f"{label} by {actor.get_full_name() or actor.username}"


def _day_notes(version_ids: set[int | None]) -> dict[date, str]:
    """Notes of the custom days of these calendar versions (the later version wins a date)."""
    notes: dict[date, str] = {}
    versions = CalendarVersion.objects.filter(pk__in=[v for v in version_ids if v is not None])
    for rules in versions.order_by("number").values_list("rules", flat=True):
        for day in rules.get("days", []):
            if day.get("note"):
                notes[date.fromisoformat(day["day"])] = day["note"]
    return notes
