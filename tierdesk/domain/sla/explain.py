"""Explained due times: the story of one SLA clock told from its ledger, in data and in English.

Input: the clock's ledger as ``LedgerStep`` values (one per transition, in ``seq`` order),
``now`` and the notes of custom calendar days. Output: an ``Explanation`` that says, for
each stretch in which the clock ran, which open intervals it counted and which closed
stretches it skipped and why (night, weekend, a public holiday by name, a custom closed
day or custom hours with their note, a DST change), what each step did (pauses with their
cause, target changes with the time kept) and the arithmetic of each due time
("target 8 h; 2 h 10 min counted; 5 h 50 min left from Tue 09:00 -> due Tue 14:50").

Decisions (docs/sla-explain.md says why):
- The ledger is the truth: due times shown are the recorded ones. The arithmetic is redone
  with the step's calendar; a disagreement is reported to agents, never hidden.
- The last running stretch is told up to its due time (the part after ``now`` is "to
  count"), or up to ``now`` when the due time has passed and the clock still runs.
- A holiday, custom closed day or custom hours are named only where they closed hours the
  weekly timetable would have kept open: a holiday on a Saturday is just the weekend.
- Long stretches keep the first and last entries and every holiday, custom day and DST
  change; the ordinary working periods, nights and weekends between become counts.
- Customers (``Audience.CUSTOMER``) see no warning or breach steps (a late answer reads as
  an answer), no warn percentage, no cause or reason of a step whose cause is internal,
  no arithmetic disagreements and, in the text, nothing about how far over a target is.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

import holidays

from tierdesk.domain.sla.calendar import DAY, UTC, Calendar
from tierdesk.domain.sla.clock import (
    add_business_seconds_epoch,
    from_epoch,
    next_opening_epoch,
    to_epoch,
)
from tierdesk.domain.sla.table import table_for
from tierdesk.domain.sla.zones import EPOCH_ORDINAL, offset_segments, utc_offset

HOUR, MINUTE = 3600, 60
# Weekly-closed days that read as "the weekend"; any other weekday without hours reads
# "no hours on Wednesdays". Saturday and Sunday as in ISO 8601's working week.
WEEKEND_DAYS = frozenset({5, 6})
# A stretch with more entries than this is shortened: the first and last few stay, notable
# ones (holidays, custom days, DST) always stay, runs of ordinary ones become one summary.
MAX_ENTRIES = 24
KEEP_HEAD = 6
KEEP_TAIL = 6
MIN_RUN = 3  # shorter runs of ordinary entries are listed, a summary would not be shorter
_TWENTY_FOUR_SEVEN = Calendar.twenty_four_seven(UTC)


class Transition(StrEnum):
    """What a ledger step did to the clock (the values of ``sla.models.Transition``)."""

    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    RETARGETED = "retargeted"
    REAPPLIED = "reapplied"
    WARNED = "warned"
    BREACHED = "breached"
    ACHIEVED = "achieved"
    SATISFIED_LATE = "satisfied_late"  # the metric's event came after a breach
    CANCELLED = "cancelled"


HIDDEN_FROM_CUSTOMERS = frozenset({Transition.WARNED, Transition.BREACHED})
TERMS_CHANGES = frozenset({Transition.RETARGETED, Transition.REAPPLIED})


class Audience(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"


class GapKind(StrEnum):
    """Why a closed stretch was skipped."""

    NIGHT = "night"
    OUTSIDE_HOURS = "outside_hours"  # a break inside a day, or the evening until the end
    WEEKEND = "weekend"
    CLOSED_WEEKDAY = "closed_weekday"  # a weekday the weekly timetable has no hours on
    HOLIDAY = "holiday"
    CUSTOM_CLOSED = "custom_closed"
    CUSTOM_HOURS = "custom_hours"
    CLOCKS_FORWARD = "clocks_forward"
    CLOCKS_BACK = "clocks_back"


ORDINARY_GAPS = frozenset(
    {GapKind.NIGHT, GapKind.OUTSIDE_HOURS, GapKind.WEEKEND, GapKind.CLOSED_WEEKDAY}
)


@dataclass(frozen=True, slots=True)
class LedgerStep:
    """One row of a clock's ledger as plain values; ``calendar`` None means 24/7 UTC."""

    seq: int
    at: datetime
    transition: Transition
    running: bool  # the clock counts time after this step
    elapsed_seconds: int  # business seconds counted at ``at``
    target_seconds: int
    warn_percent: int
    business_time: bool
    calendar: Calendar | None
    due_before: datetime | None = None
    due_after: datetime | None = None
    reason: str = ""  # "status pending", "priority normal -> urgent"
    cause: str = ""  # the ticket event that caused it, in words
    cause_internal: bool = False  # that event is not for the customer's eyes


@dataclass(frozen=True, slots=True)
class DstChange:
    """A change of UTC offset: ``at`` (UTC) is the first instant with the new offset.

    In UTC because an instant inside a fold (``fold=1``) never compares equal to one in
    another zone (PEP 495); ``render_text`` shows the wall clock on both sides.
    """

    at: datetime
    offset_before: int  # seconds east of UTC
    offset_after: int
    name_before: str  # "GMT"
    name_after: str  # "BST"

    @property
    def shift_seconds(self) -> int:
        """Positive when clocks went forward."""
        return self.offset_after - self.offset_before


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a closed stretch was skipped, over the local days it covers."""

    kind: GapKind
    label: str  # "weekend", "Good Friday", the custom day's note, "clocks went forward 1 h"
    first_day: date | None = None
    last_day: date | None = None
    hours: str = ""  # custom hours: "open 09:00-13:00"
    change: DstChange | None = None


@dataclass(frozen=True, slots=True)
class Counted:
    """An open interval the clock counts; ``upcoming`` when it lies after ``now``."""

    start: datetime
    end: datetime
    seconds: int
    upcoming: bool
    changes: tuple[DstChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A closed stretch between counted intervals (``seconds`` of real time)."""

    start: datetime
    end: datetime
    seconds: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """Ordinary entries of a long stretch, counted instead of listed."""

    start: datetime
    end: datetime
    intervals: int
    counted_seconds: int
    upcoming_seconds: int
    closed: tuple[tuple[GapKind, int], ...]  # how many nights, weekends, ...


Entry = Counted | Skipped | Summary


@dataclass(frozen=True, slots=True)
class Span:
    """One stretch in which the clock ran, from the step that set it running."""

    seq: int  # the step it starts at
    start: datetime
    end: datetime
    until: Transition | None  # the step that ended it; None: still running
    ends_at_due: bool  # the stretch is told up to its due time (else up to ``now``)
    tz_name: str
    always_open: bool
    entries: tuple[Entry, ...]
    counted_seconds: int  # business seconds before ``now``
    upcoming_seconds: int  # business seconds from ``now`` to ``end``


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """How a step's due time follows from its target and the time counted so far."""

    target_seconds: int
    business_time: bool
    elapsed_seconds: int
    left_seconds: int  # negative: over the target by that much
    counting_from: datetime | None  # next opening at or after the step, when time is left
    due: datetime | None  # as recorded
    computed_due: datetime | None  # redone from the calendar; None when nothing is left

    @property
    def agrees(self) -> bool:
        return self.computed_due is None or self.due is None or self.computed_due == self.due


@dataclass(frozen=True, slots=True)
class TargetChange:
    before_seconds: int
    after_seconds: int
    business_time_before: bool
    business_time_after: bool
    calendar_changed: bool
    elapsed_kept_seconds: int


@dataclass(frozen=True, slots=True)
class Step:
    seq: int
    at: datetime
    transition: Transition
    running: bool
    cause: str
    reason: str
    warn_percent: int | None  # None for customers
    arithmetic: Arithmetic
    target_change: TargetChange | None


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    ACHIEVED = "achieved"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Explanation:
    audience: Audience
    now: datetime
    tz: tzinfo  # the zone of the latest step's calendar (UTC for 24/7)
    state: ClockState
    target_seconds: int
    business_time: bool
    elapsed_seconds: int  # counted as of ``now`` (or when the clock stopped)
    left_seconds: int  # negative: over the target
    due: datetime | None  # the current due time; None while paused or stopped
    steps: tuple[Step, ...]
    spans: tuple[Span, ...]
    day_notes: Mapping[date, str] = field(default_factory=lambda: MappingProxyType({}))


# --- building ----------------------------------------------------------------------


def explain(
    steps: Sequence[LedgerStep],
    *,
    now: datetime,
    day_notes: Mapping[date, str] | None = None,
    audience: Audience = Audience.AGENT,
) -> Explanation:
    """The explanation of a clock from its ledger, as of ``now``."""
    ordered = _checked(steps, now)
    if audience is Audience.CUSTOMER:
        ordered = [_for_customer(s) for s in ordered if s.transition not in HIDDEN_FROM_CUSTOMERS]
    notes = MappingProxyType(dict(day_notes or {}))
    last = ordered[-1]
    now_t = max(to_epoch(now, "now"), to_epoch(last.at))  # a clock a second ahead stays sane
    spans = tuple(
        _span(step, nxt, now_t, notes)
        for step, nxt in zip(ordered, [*ordered[1:], None], strict=True)
        if step.running
    )
    explained = tuple(
        _step(step, before, audience)
        for step, before in zip(ordered, [None, *ordered[:-1]], strict=True)
    )
    elapsed = last.elapsed_seconds
    if last.running:
        elapsed += business_seconds(last.at, from_epoch(now_t, UTC), last.calendar)
    left = last.target_seconds - elapsed
    if audience is Audience.CUSTOMER:
        left = max(left, 0)  # how far over a promise is tells of a breach
    return Explanation(
        audience=audience,
        now=from_epoch(now_t, now.tzinfo),
        tz=_calendar(last.calendar).tz,
        state=_state(last),
        target_seconds=last.target_seconds,
        business_time=last.business_time,
        elapsed_seconds=elapsed,
        left_seconds=left,
        due=last.due_after if last.running else None,
        steps=explained,
        spans=spans,
        day_notes=notes,
    )


def business_seconds(start: datetime, end: datetime, calendar: Calendar | None) -> int:
    """Open seconds in ``[start, end)`` on ``calendar`` (None: 24/7)."""
    state = table_for(_calendar(calendar)).covering(to_epoch(start), to_epoch(end))
    return state.position(to_epoch(end)) - state.position(to_epoch(start))


def _checked(steps: Sequence[LedgerStep], now: datetime) -> list[LedgerStep]:
    if not steps:
        raise ValueError("a clock's ledger holds at least the step that started it; got none")
    to_epoch(now, "now")
    ordered = sorted(steps, key=lambda s: s.seq)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.seq == later.seq:
            raise ValueError(f"two ledger steps share seq {later.seq}; seq orders a clock's steps")
        if to_epoch(later.at, f"step {later.seq} at") < to_epoch(earlier.at, "at"):
            raise ValueError(
                f"ledger step {later.seq} at {later.at.isoformat()} comes before step "
                f"{earlier.seq} at {earlier.at.isoformat()}; steps must not go back in time"
            )
    for step in ordered:
        if step.elapsed_seconds < 0 or step.target_seconds <= 0:
            raise ValueError(
                f"ledger step {step.seq}: elapsed_seconds must be >= 0 and target_seconds > 0, "
                f"got {step.elapsed_seconds} and {step.target_seconds}"
            )
    return ordered


def _for_customer(step: LedgerStep) -> LedgerStep:
    if step.transition is Transition.SATISFIED_LATE:
        step = replace(step, transition=Transition.ACHIEVED)  # "late" would tell of a breach
    if step.cause_internal:
        step = replace(step, cause="", reason="")
    return step


def _state(last: LedgerStep) -> ClockState:
    if last.running:
        return ClockState.RUNNING
    if last.transition in (Transition.ACHIEVED, Transition.SATISFIED_LATE):
        return ClockState.ACHIEVED
    if last.transition is Transition.CANCELLED:
        return ClockState.CANCELLED
    return ClockState.PAUSED


def _calendar(calendar: Calendar | None) -> Calendar:
    return _TWENTY_FOUR_SEVEN if calendar is None else calendar


def _step(step: LedgerStep, before: LedgerStep | None, audience: Audience) -> Step:
    calendar = _calendar(step.calendar)
    left = step.target_seconds - step.elapsed_seconds
    at = to_epoch(step.at)
    counting_from = computed = None
    if step.running and left > 0:
        counting_from = from_epoch(next_opening_epoch(at, calendar), calendar.tz)
        computed = from_epoch(add_business_seconds_epoch(at, left, calendar), calendar.tz)
    change = None
    if before is not None and step.transition in TERMS_CHANGES:
        change = TargetChange(
            before_seconds=before.target_seconds,
            after_seconds=step.target_seconds,
            business_time_before=before.business_time,
            business_time_after=step.business_time,
            calendar_changed=before.calendar != step.calendar,
            elapsed_kept_seconds=step.elapsed_seconds,
        )
    customer = audience is Audience.CUSTOMER
    due = step.due_after if step.running else None
    if customer:
        left = max(left, 0)
    return Step(
        seq=step.seq,
        at=step.at,
        transition=step.transition,
        running=step.running,
        cause=step.cause,
        reason=step.reason,
        warn_percent=None if customer else step.warn_percent,
        arithmetic=Arithmetic(
            target_seconds=step.target_seconds,
            business_time=step.business_time,
            elapsed_seconds=step.elapsed_seconds,
            left_seconds=left,
            counting_from=counting_from,
            due=due,
            computed_due=due if customer else computed,
        ),
        target_change=change,
    )


def _span(step: LedgerStep, nxt: LedgerStep | None, now: int, notes: Mapping[date, str]) -> Span:
    calendar = _calendar(step.calendar)
    start = to_epoch(step.at)
    ends_at_due = False
    if nxt is not None:
        end = to_epoch(nxt.at)
    elif step.due_after is not None and to_epoch(step.due_after) > now:
        end, ends_at_due = to_epoch(step.due_after), True
    else:
        end = now
    entries = timeline(calendar, start, end, now=now, notes=notes)
    counted = sum(e.seconds for e in entries if isinstance(e, Counted) and not e.upcoming)
    upcoming = sum(e.seconds for e in entries if isinstance(e, Counted) and e.upcoming)
    return Span(
        seq=step.seq,
        start=from_epoch(start, calendar.tz),
        end=from_epoch(end, calendar.tz),
        until=None if nxt is None else nxt.transition,
        ends_at_due=ends_at_due,
        tz_name=calendar.tz.key,
        always_open=calendar.always_open,
        entries=shortened(entries),
        counted_seconds=counted,
        upcoming_seconds=upcoming,
    )


def timeline(
    calendar: Calendar, start: int, end: int, *, now: int, notes: Mapping[date, str]
) -> list[Counted | Skipped]:
    """Every open interval in ``[start, end)`` (cut at ``now``) and every closed gap between.

    The counted seconds add up to ``business_seconds_between(start, end)``: the intervals
    are the calendar table's own, clipped to the stretch.
    """
    tz = calendar.tz
    pairs = _open_pairs(calendar, start, end)
    segs = offset_segments(tz, start, end) if end > start else None
    changes = [] if segs is None else _changes(tz, segs.starts[1:], segs.offsets)
    out: list[Counted | Skipped] = []
    cursor = start
    for a, b in pairs:
        if a > cursor:
            out.append(_skipped(calendar, cursor, a, changes, notes))
        for lo, hi in ((a, min(b, now)), (max(a, now), b)):
            if lo < hi:
                inside = tuple(c for c in changes if lo <= to_epoch(c.at) < hi)
                out.append(
                    Counted(from_epoch(lo, tz), from_epoch(hi, tz), hi - lo, lo >= now, inside)
                )
        cursor = b
    if end > cursor:
        out.append(_skipped(calendar, cursor, end, changes, notes))
    return out


def _open_pairs(calendar: Calendar, start: int, end: int) -> list[tuple[int, int]]:
    if end <= start:
        return []
    state = table_for(calendar).covering(start, end)
    k = max(bisect_right(state.opens, start) - 1, 0)
    pairs = []
    while k < len(state.opens) and state.opens[k] < end:
        a, b = max(state.opens[k], start), min(state.closes[k], end)
        if a < b:
            pairs.append((a, b))
        k += 1
    return pairs


def _changes(tz: tzinfo, starts: Sequence[int], offsets: Sequence[int]) -> list[DstChange]:
    found = []
    for k, t in enumerate(starts):
        before, after = from_epoch(t - 1, tz), from_epoch(t, tz)
        found.append(
            DstChange(
                at=from_epoch(t, UTC),
                offset_before=offsets[k],
                offset_after=offsets[k + 1],
                name_before=before.tzname() or "",
                name_after=after.tzname() or "",
            )
        )
    return found


def _skipped(
    calendar: Calendar,
    a: int,
    b: int,
    changes: Sequence[DstChange],
    notes: Mapping[date, str],
) -> Skipped:
    tz = calendar.tz
    reasons = closed_reasons(calendar, a, b, notes)
    inside = [c for c in changes if a <= to_epoch(c.at) < b]
    reasons += [_dst_reason(c) for c in inside]
    return Skipped(from_epoch(a, tz), from_epoch(b, tz), b - a, tuple(reasons))


def _dst_reason(change: DstChange) -> Reason:
    forward = change.shift_seconds > 0
    by = duration_words(abs(change.shift_seconds))
    day = (change.at + timedelta(seconds=change.offset_after)).date()  # local day
    return Reason(
        kind=GapKind.CLOCKS_FORWARD if forward else GapKind.CLOCKS_BACK,
        label=f"clocks went {'forward' if forward else 'back'} {by}",
        first_day=day,
        last_day=day,
        change=change,
    )


def closed_reasons(calendar: Calendar, a: int, b: int, notes: Mapping[date, str]) -> list[Reason]:
    """Why ``[a, b)`` (epoch seconds, closed on ``calendar``) was closed, DST changes aside.

    A day's own rule (custom hours, custom closed day, public holiday) is named when it took
    away hours the weekly timetable has in the gap; weekly days without hours read as the
    weekend; with neither, the gap is a night (it crosses midnight) or time outside hours.
    """
    tz = calendar.tz
    wa, wb = a + utc_offset(tz, a), b + utc_offset(tz, b)
    first, last = _wall_day(wa), _wall_day(wb - 1)
    days: list[tuple[date, GapKind, str, str]] = []
    for ordinal in range(first.toordinal() - 1, last.toordinal() + 1):
        day = date.fromordinal(ordinal)
        own = _own_rule(calendar, day, wa, wb, notes)
        if own is not None:
            days.append((day, *own))
        elif first <= day and not calendar.weekly.get(day.weekday()):
            if day.weekday() in WEEKEND_DAYS:
                days.append((day, GapKind.WEEKEND, "weekend", ""))
            else:
                days.append((day, GapKind.CLOSED_WEEKDAY, f"no hours on {day:%A}s", ""))
    if not days:
        kind = GapKind.NIGHT if first != last else GapKind.OUTSIDE_HOURS
        return [Reason(kind, "night" if first != last else "outside opening hours")]
    return _merged(days)


def _own_rule(
    calendar: Calendar, day: date, wa: int, wb: int, notes: Mapping[date, str]
) -> tuple[GapKind, str, str] | None:
    """The day's own rule, if it closed weekly hours that fall in wall range ``[wa, wb)``."""
    regular = calendar.weekly.get(day.weekday(), ())
    actual = calendar.shifts_on(day)
    if actual == regular:
        return None
    midnight = (day.toordinal() - EPOCH_ORDINAL) * DAY
    if not any(
        max(wa, midnight + s.start_seconds) < min(wb, midnight + s.end_seconds) for s in regular
    ):
        return None
    note = notes.get(day, "")
    if day in calendar.special and actual:
        hours = ", ".join(f"{s.start:%H:%M}-{s.end:%H:%M}" for s in actual)
        return GapKind.CUSTOM_HOURS, note or "custom hours", f"open {hours}"
    if day in calendar.special or day in calendar.closed:
        return GapKind.CUSTOM_CLOSED, note or "closed", ""
    assert calendar.holiday_country is not None  # shifts_on found a holiday
    names = holiday_names(calendar.holiday_country, calendar.holiday_subdiv, day.year)
    return GapKind.HOLIDAY, "; ".join(names.get(day, ("public holiday",))), ""


def _merged(days: Iterable[tuple[date, GapKind, str, str]]) -> list[Reason]:
    """Consecutive days with the same reason read as one (Saturday and Sunday: one weekend)."""
    out: list[Reason] = []
    for day, kind, label, hours in days:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind is kind
            and prev.label == label
            and not hours
            and prev.last_day is not None
            and prev.last_day.toordinal() + 1 == day.toordinal()
        ):
            out[-1] = replace(prev, last_day=day)
        else:
            out.append(Reason(kind, label, day, day, hours))
    return out


def _wall_day(wall: int) -> date:
    return date.fromordinal(EPOCH_ORDINAL + wall // DAY)


@lru_cache(maxsize=1024)
def holiday_names(country: str, subdiv: str | None, year: int) -> Mapping[date, tuple[str, ...]]:
    """Names of one year's public holidays, from the same `holidays` call as ``holiday_dates``."""
    found = holidays.country_holidays(country, subdiv=subdiv, years=year)
    return MappingProxyType({day: tuple(found.get_list(day)) for day in found})


def shortened(entries: Sequence[Counted | Skipped]) -> tuple[Entry, ...]:
    """Long lists keep their head, tail and notable entries; ordinary runs become summaries."""
    if len(entries) <= MAX_ENTRIES:
        return tuple(entries)
    keep = [
        k < KEEP_HEAD or k >= len(entries) - KEEP_TAIL or _notable(e) for k, e in enumerate(entries)
    ]
    out: list[Entry] = []
    k = 0
    while k < len(entries):
        if keep[k]:
            out.append(entries[k])
            k += 1
            continue
        j = k
        while j < len(entries) and not keep[j]:
            j += 1
        run = entries[k:j]
        out.extend(run if len(run) < MIN_RUN else [_summary(run)])
        k = j
    return tuple(out)


def _notable(entry: Counted | Skipped) -> bool:
    if isinstance(entry, Counted):
        return bool(entry.changes)
    return any(r.kind not in ORDINARY_GAPS for r in entry.reasons)


def _summary(run: Sequence[Counted | Skipped]) -> Summary:
    counts: dict[GapKind, int] = {}
    for e in run:
        if isinstance(e, Skipped):
            for r in e.reasons:
                counts[r.kind] = counts.get(r.kind, 0) + 1
    counted = [e for e in run if isinstance(e, Counted)]
    return Summary(
        start=run[0].start,
        end=run[-1].end,
        intervals=len(counted),
        counted_seconds=sum(e.seconds for e in counted if not e.upcoming),
        upcoming_seconds=sum(e.seconds for e in counted if e.upcoming),
        closed=tuple(sorted(counts.items(), key=lambda kv: list(GapKind).index(kv[0]))),
    )


def duration_words(seconds: int, *, days: bool = False) -> str:
    """``2 h 10 min``; with ``days``, whole days first (``4 days 16 h``) for real time."""
    if seconds == 0:
        return "0 min"
    parts = []
    rest = seconds
    if days and rest >= DAY:
        d, rest = divmod(rest, DAY)
        parts.append(f"{d} day{'s' if d != 1 else ''}")
    h, rest = divmod(rest, HOUR)
    m, s = divmod(rest, MINUTE)
    parts += [f"{v} {unit}" for v, unit in ((h, "h"), (m, "min"), (s, "s")) if v]
    return " ".join(parts)
