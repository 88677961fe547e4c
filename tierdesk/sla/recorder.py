"""The one place where clock transitions become rows: clock, ledger, alerts, events, escalations.

Services (a reply, a status change, a change of terms) and the breach sweep both hand the
pure machine's ``Step`` to ``record``; a warning or breach is therefore recorded, audited and
escalated the same way whoever found it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone

from tierdesk.accounts.models import User
from tierdesk.compiled_writes import insert, update_each
from tierdesk.domain.sla import machine
from tierdesk.sla.models import AlertKind, SlaAlert, SlaClock, SlaLedgerEntry, Transition
from tierdesk.tickets.models import EventKind, Ticket, TicketEvent
from tierdesk.tickets.subscribers import dispatch

TICKET_EVENT = {
    machine.Fact.STARTED: EventKind.CLOCK_STARTED,
    machine.Fact.PAUSED: EventKind.CLOCK_PAUSED,
    machine.Fact.RESUMED: EventKind.CLOCK_RESUMED,
    machine.Fact.RETARGETED: EventKind.CLOCK_RECOMPUTED,
    machine.Fact.WARNED: EventKind.SLA_WARNING,
    machine.Fact.BREACHED: EventKind.SLA_BREACHED,
    machine.Fact.ACHIEVED: EventKind.CLOCK_ACHIEVED,
    machine.Fact.SATISFIED_LATE: EventKind.CLOCK_SATISFIED_LATE,
    machine.Fact.CANCELLED: EventKind.CLOCK_CANCELLED,
}
ALERT = {machine.Fact.WARNED: AlertKind.WARNING, machine.Fact.BREACHED: AlertKind.BREACH}


def instant(t: int | None) -> datetime | None:
    return None if t is None else datetime.fromtimestamp(t, UTC)


def epoch(at: datetime | None) -> int | None:
    return None if at is None else math.floor(at.timestamp())


def value_of(row: SlaClock) -> machine.Clock:
    """The pure clock a row stores."""
    return machine.Clock(
        target=row.target_seconds,
        warn_percent=row.warn_percent,
        state=machine.State(row.state),
        started_at=epoch(row.started_at) or 0,
        elapsed=row.elapsed_seconds,
        since=epoch(row.running_since),
        due=epoch(row.due_at),
        warn=epoch(row.warn_at),
        warned_at=epoch(row.warned_at),
        breached_at=epoch(row.breached_at),
        achieved_at=epoch(row.achieved_at),
        stopped_at=epoch(row.stopped_at),
        cancelled_at=epoch(row.cancelled_at),
    )


CLOCK_FIELDS = [
    "state",
    "target_seconds",
    "warn_percent",
    "elapsed_seconds",
    "running_since",
    "paused_at",
    "due_at",
    "warn_at",
    "warned_at",
    "breached_at",
    "achieved_at",
    "stopped_at",
    "cancelled_at",
    "ledger_seq",
]


def store(row: SlaClock, clock: machine.Clock, at: int) -> None:
    """Copy a pure clock onto its row (unsaved)."""
    was_running = row.running_since is not None
    row.state = clock.state.value
    row.target_seconds, row.warn_percent = clock.target, clock.warn_percent
    row.elapsed_seconds = clock.elapsed
    row.running_since = instant(clock.since)
    if clock.since is None and clock.live:
        if was_running or row.paused_at is None:
            row.paused_at = instant(at)
    else:
        row.paused_at = None
    row.due_at, row.warn_at = instant(clock.due), instant(clock.warn)
    row.warned_at, row.breached_at = instant(clock.warned_at), instant(clock.breached_at)
    row.achieved_at, row.stopped_at = instant(clock.achieved_at), instant(clock.stopped_at)
    row.cancelled_at = instant(clock.cancelled_at)


def update_clocks(rows: list[SlaClock], names: list[str]) -> None:
    """Save the named fields of locked clock rows (``compiled_writes.update_each``)."""
    update_each(rows, names)


@dataclass
class Batch:
    """Rows a set of transitions writes, created together (one INSERT per table)."""

    ledger: list[SlaLedgerEntry] = field(default_factory=list)
    alerts: list[SlaAlert] = field(default_factory=list)
    events: list[TicketEvent] = field(default_factory=list)
    escalate: list[tuple[SlaClock, str, datetime]] = field(default_factory=list)

    def save(self) -> None:
        # Alerts first: their unique constraint is the last guard against a second recorder.
        insert(self.alerts)
        insert(self.events)
        dispatch(self.events)
        insert(self.ledger)


def collect(
    batch: Batch,
    row: SlaClock,
    step: machine.Step,
    *,
    ticket: Ticket,
    observed_at: int,
    due_before: datetime | None,
    actor: User | None = None,
    cause: TicketEvent | None = None,
    reason: str = "",
    retarget_as: str = Transition.RETARGETED,
) -> None:
    """Store ``step`` on ``row`` and add its ledger rows, alerts, events and escalations."""
    before = value_of(row)
    store(row, step.clock, observed_at)
    now = timezone.now()
    for event in step.events:
        at = instant(event.at)
        assert at is not None
        row.ledger_seq += 1
        transition = retarget_as if event.fact == machine.Fact.RETARGETED else event.fact.value
        terms = _terms_at(event, before, step, observed_at)
        batch.ledger.append(
            SlaLedgerEntry(
                clock=row,
                seq=row.ledger_seq,
                at=at,
                observed_at=instant(observed_at),
                transition=transition,
                cause=cause,
                reason=reason[:200],
                running=step.clock.since is not None,
                elapsed_seconds=terms[0],
                target_seconds=terms[1],
                warn_percent=terms[2],
                business_time=row.business_time,
                calendar_version_id=row.calendar_version_id,
                due_before=due_before,
                due_after=row.due_at,
            )
        )
        data: dict[str, object] = {
            "clock_id": row.pk,
            "metric": row.metric,
            "cycle": row.cycle,
            "due_at": _iso(row.due_at),
        }
        if event.fact in (machine.Fact.RETARGETED, machine.Fact.PAUSED, machine.Fact.STARTED):
            data |= {
                "before_due": _iso(due_before),
                "target_seconds": row.target_seconds,
                "elapsed_seconds": row.elapsed_seconds,
            }
        if reason:
            data["reason"] = reason
        batch.events.append(
            TicketEvent(
                ticket=ticket,
                kind=TICKET_EVENT[event.fact],
                actor=actor if event.fact not in ALERT else None,
                at=at,
                data=data,
            )
        )
        if event.fact in ALERT:
            kind = ALERT[event.fact]
            batch.alerts.append(SlaAlert(clock=row, kind=kind, at=at, recorded_at=now))
            batch.escalate.append((row, kind, instant(observed_at) or at))


def _terms_at(
    event: machine.Event, before: machine.Clock, step: machine.Step, observed_at: int
) -> tuple[int, int, int]:
    """Elapsed, target and warning share as they stood at the event, for the ledger row.

    A threshold passed before the change is stamped with the terms it was passed under
    and the exact business time of the threshold; everything else with the clock after
    the step.
    """
    after = step.clock
    crossed = event.fact in ALERT and not (
        event.at == observed_at and any(e.fact == machine.Fact.RETARGETED for e in step.events)
    )
    if not crossed:
        return after.elapsed, after.target, after.warn_percent
    if event.fact == machine.Fact.WARNED:
        return (
            machine.warn_share(before.target, before.warn_percent),
            before.target,
            before.warn_percent,
        )
    return before.target, before.target, before.warn_percent


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
