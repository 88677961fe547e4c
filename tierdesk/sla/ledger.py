"""Rebuild clocks from their ledger: the proof that every stored number follows from events.

Only the transitions a change caused are replayed (started, paused, resumed, retargeted,
re-applied, achieved, cancelled); warnings and breaches are recomputed by the machine and
must match the rows the recorder wrote. ``verify`` reports every clock that differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from tierdesk.domain.sla import Calendar, machine
from tierdesk.sla.models import SlaClock, SlaLedgerEntry, Transition
from tierdesk.sla.recorder import epoch, value_of
from tierdesk.tiers.terms import calendar_of_version

DERIVED = {Transition.WARNED, Transition.BREACHED}


@dataclass(frozen=True, slots=True)
class Mismatch:
    clock_id: int
    stored: machine.Clock
    rebuilt: machine.Clock | None
    why: str


def replay(entries: list[SlaLedgerEntry]) -> tuple[machine.Clock, list[machine.Event]]:
    """The clock and its facts as the machine computes them from the ledger's transitions."""
    clock: machine.Clock | None = None
    calendar: Calendar | None = None
    events: list[machine.Event] = []
    for entry in entries:
        t = epoch(entry.at)
        assert t is not None
        new_calendar = calendar_of_version(entry.calendar_version_id)
        if entry.transition in DERIVED:
            continue
        if entry.transition == Transition.STARTED:
            step = machine.start(
                at=t,
                target=entry.target_seconds,
                warn_percent=entry.warn_percent,
                calendar=new_calendar,
                paused=not entry.running,
            )
        else:
            assert clock is not None and calendar is not None, "a ledger starts with STARTED"
            step = _transition(clock, entry, t, calendar, new_calendar)
        clock, calendar = step.clock, new_calendar
        events.extend(step.events)
    assert clock is not None and calendar is not None, "an empty ledger"
    last_seen = max(epoch(e.observed_at) or 0 for e in entries)
    step = machine.advance(clock, last_seen, calendar)
    return step.clock, events + list(step.events)


def _transition(
    clock: machine.Clock,
    entry: SlaLedgerEntry,
    t: int,
    calendar: Calendar,
    new_calendar: Calendar,
) -> machine.Step:
    match entry.transition:
        case Transition.PAUSED:
            return machine.pause(clock, t, calendar)
        case Transition.RESUMED:
            return machine.resume(clock, t, calendar)
        case Transition.RETARGETED | Transition.REAPPLIED:
            return machine.retarget(
                clock,
                t,
                calendar,
                target=entry.target_seconds,
                warn_percent=entry.warn_percent,
                new_calendar=new_calendar,
            )
        case Transition.ACHIEVED | Transition.SATISFIED_LATE:
            return machine.stop(clock, t, calendar)
        case Transition.CANCELLED:
            return machine.cancel(clock, t, calendar)
    raise ValueError(f"unknown ledger transition {entry.transition!r}")


def _recorded(entries: Iterable[SlaLedgerEntry]) -> list[tuple[str, int | None]]:
    return sorted((e.transition, epoch(e.at)) for e in entries if e.transition in DERIVED)


def verify(clocks: Iterable[SlaClock]) -> Iterator[Mismatch]:
    """Every clock whose row or recorded alerts differ from a replay of its ledger."""
    rows = {c.pk: c for c in clocks}
    entries = (
        SlaLedgerEntry.objects.filter(clock_id__in=list(rows))
        .order_by("clock_id", "seq")
        .iterator(chunk_size=5000)
    )
    seen = set()
    for clock_id, group in groupby(entries, key=lambda e: e.clock_id):
        seen.add(clock_id)
        ledger = list(group)
        stored = value_of(rows[clock_id])
        rebuilt, events = replay(ledger)
        derived = sorted(
            (e.fact.value, e.at)
            for e in events
            if e.fact in (machine.Fact.WARNED, machine.Fact.BREACHED)
        )
        if rebuilt != stored:
            yield Mismatch(clock_id, stored, rebuilt, "the row differs from the replay")
        elif derived != _recorded(ledger):
            yield Mismatch(clock_id, stored, rebuilt, "recorded alerts differ from the replay")
    for clock_id in rows.keys() - seen:
        yield Mismatch(clock_id, value_of(rows[clock_id]), None, "the clock has no ledger")
