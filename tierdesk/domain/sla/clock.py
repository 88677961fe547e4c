"""Business-time arithmetic: open or not, next opening and closing, due times, durations.

Two families over the same rules: aware ``datetime`` in and out, and integer epoch
seconds (``*_epoch``, plus ``*_batch`` over NumPy int64 arrays for many items on one
calendar). All answers count real elapsed seconds, so DST days are as long as they
really are, and are exact to the second: sub-second parts of inputs are floored.
Results come back in the tzinfo of the input instant.

Semantics (the closing rule is from "SLA semantics we have decided" in DESIGN.md):
- adding ``n > 0`` seconds from a closed instant starts the clock at the next opening;
  adding 0 returns the start itself, open or not;
- a target that ends exactly at closing time is due *at* closing, not at the next opening;
- ``business_seconds_between(a, b)`` is ``-business_seconds_between(b, a)`` when
  ``b < a``, so remaining time past a due instant is negative, the overdue amount.
- where no answer exists (no open second within three years), a ValueError says so.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import datetime, tzinfo
from operator import index

import numpy as np
import numpy.typing as npt

from tierdesk.domain.sla.calendar import Calendar
from tierdesk.domain.sla.table import HORIZON, Int64Array, Intervals, table_for
from tierdesk.domain.sla.zones import EPOCH, SECOND


def to_epoch(at: datetime, name: str = "at") -> int:
    """Epoch seconds of an aware datetime, sub-second part floored."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(
            f"{name} must be timezone-aware, got naive {at!r}; attach the zone it was "
            "recorded in, e.g. at.replace(tzinfo=ZoneInfo('Europe/London'))"
        )
    return (at - EPOCH) // SECOND


def from_epoch(t: int, tz: tzinfo | None) -> datetime:
    """The aware datetime of epoch second ``t`` in ``tz``."""
    return datetime.fromtimestamp(t, tz)


# --- epoch seconds -------------------------------------------------------------------


def is_open_epoch(at: int, calendar: Calendar) -> bool:
    """Whether the calendar is open at epoch second ``at``."""
    at = index(at)
    state = table_for(calendar).covering(at, at)
    i = bisect_right(state.opens, at) - 1
    return i >= 0 and at < state.closes[i]


def next_opening_epoch(at: int, calendar: Calendar) -> int:
    """The first open epoch second at or after ``at`` (``at`` itself when open)."""
    at = index(at)
    table = table_for(calendar)
    state = table.covering(at, at)
    while True:
        i = bisect_right(state.opens, at) - 1
        if i >= 0 and at < state.closes[i]:
            return at
        if i + 1 < len(state.opens):
            return state.opens[i + 1]
        _check_horizon(state, at, "opens")
        state = table.grown(state)


def next_closing_epoch(at: int, calendar: Calendar) -> int:
    """The first epoch second at or after ``at`` that is closed after open time.

    Open at ``at``: where this stretch of open time ends. Closed: where the next one ends.
    """
    at = index(at)
    table = table_for(calendar)
    state = table.covering(at, at)
    while True:
        i = bisect_right(state.opens, at) - 1
        if not (i >= 0 and at < state.closes[i]):
            i += 1
        if i < len(state.closes) and state.closes[i] < state.hi:
            return state.closes[i]
        if i < len(state.closes) and state.hi - at >= HORIZON:
            raise ValueError(
                "the calendar stays open for more than three years from "
                f"{from_epoch(at, calendar.tz).isoformat()}; it has no closing to find"
            )
        if i >= len(state.closes):
            _check_horizon(state, at, "opens")
        state = table.grown(state)


def add_business_seconds_epoch(start: int, seconds: int, calendar: Calendar) -> int:
    """The epoch second at which ``seconds`` of business time from ``start`` have passed."""
    start, seconds = index(start), index(seconds)
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}; a target cannot be negative")
    if seconds == 0:
        return start
    table = table_for(calendar)
    state = table.covering(start, start)
    while True:
        target = state.position(start) + seconds
        if target <= state.cum[-1]:
            # Interval j with cum[j] < target <= cum[j+1]: target == cum[j+1] lands exactly
            # on its close, which is where it is due (not at the next opening).
            j = bisect_left(state.cum, target) - 1
            return state.opens[j] + target - state.cum[j]
        _check_horizon(state, start, "falls due")
        state = table.grown(state)


def business_seconds_between_epoch(start: int, end: int, calendar: Calendar) -> int:
    """Open seconds in ``[start, end)``; negative (``-between(end, start)``) when end < start."""
    start, end = index(start), index(end)
    state = table_for(calendar).covering(min(start, end), max(start, end))
    return state.position(end) - state.position(start)


def _check_horizon(state: Intervals, since: int, what: str) -> None:
    last = state.last_close()
    quiet_from = since if last is None else max(since, last)
    if state.hi - quiet_from >= HORIZON:
        raise ValueError(
            f"the calendar has no open hours in the three years after "
            f"{_iso(quiet_from)}, so nothing {what}; give it weekly hours or special days"
        )


def _iso(t: int) -> str:
    return from_epoch(t, EPOCH.tzinfo).isoformat()


# --- aware datetimes -----------------------------------------------------------------


def is_open(at: datetime, calendar: Calendar) -> bool:
    """Whether the calendar is open at ``at``."""
    return is_open_epoch(to_epoch(at), calendar)


def next_opening(at: datetime, calendar: Calendar) -> datetime:
    """The first open instant at or after ``at`` (``at``, floored to the second, when open)."""
    return from_epoch(next_opening_epoch(to_epoch(at), calendar), at.tzinfo)


def next_closing(at: datetime, calendar: Calendar) -> datetime:
    """Where the current (or, when closed, the next) stretch of open time ends."""
    return from_epoch(next_closing_epoch(to_epoch(at), calendar), at.tzinfo)


def add_business_seconds(start: datetime, seconds: int, calendar: Calendar) -> datetime:
    """When ``seconds`` of business time from ``start`` have passed: the due time."""
    due = add_business_seconds_epoch(to_epoch(start, "start"), seconds, calendar)
    if seconds == 0:
        return start  # unchanged, sub-seconds and all
    return from_epoch(due, start.tzinfo)


def business_seconds_between(start: datetime, end: datetime, calendar: Calendar) -> int:
    """Business seconds from ``start`` to ``end``; negative when ``end`` is earlier."""
    return business_seconds_between_epoch(to_epoch(start, "start"), to_epoch(end, "end"), calendar)


# --- batches -------------------------------------------------------------------------


def add_business_seconds_batch(
    starts: npt.ArrayLike, seconds: npt.ArrayLike, calendar: Calendar
) -> Int64Array:
    """Due epoch seconds for many (start, seconds) pairs on one calendar.

    Same answers as ``add_business_seconds_epoch`` item by item; two ``searchsorted``
    calls over the table, so the cost per item does not grow with the target's length.
    """
    s = _int64(starts, "starts")
    n = _int64(seconds, "seconds")
    s, n = np.broadcast_arrays(s, n)
    if n.size == 0:
        return np.empty(s.shape, dtype=np.int64)
    if (n < 0).any():
        raise ValueError("seconds must be >= 0 for every item; a target cannot be negative")
    if not n.any():
        return s.copy()  # nothing to add: every item is due at its start
    table = table_for(calendar)
    state = table.covering(int(s.min()), int(s.max()))
    while True:
        target = _positions(state, s) + n
        if int(target.max()) <= state.cum[-1]:
            break
        _check_horizon(state, int(s.max()), "falls due")
        state = table.grown(state)
    j = np.searchsorted(state.cum_np, target, side="left") - 1
    j = np.maximum(j, 0)  # items with seconds == 0 may sit before the first open second
    due = state.opens_np[j] + (target - state.cum_np[j])
    return np.where(n == 0, s, due)


def business_seconds_between_batch(
    starts: npt.ArrayLike, ends: npt.ArrayLike, calendar: Calendar
) -> Int64Array:
    """Business seconds for many (start, end) pairs on one calendar; negative when end < start."""
    s = _int64(starts, "starts")
    e = _int64(ends, "ends")
    s, e = np.broadcast_arrays(s, e)
    if s.size == 0:
        return np.empty(s.shape, dtype=np.int64)
    first = min(int(s.min()), int(e.min()))
    last = max(int(s.max()), int(e.max()))
    state = table_for(calendar).covering(first, last)
    return _positions(state, e) - _positions(state, s)


def _positions(state: Intervals, t: Int64Array) -> Int64Array:
    """``Intervals.position`` for every element of ``t``."""
    if not state.opens:
        return np.zeros(t.shape, dtype=np.int64)
    i = np.searchsorted(state.opens_np, t, side="right") - 1
    k = np.maximum(i, 0)
    inside = state.cum_np[k] + np.minimum(t, state.closes_np[k]) - state.opens_np[k]
    return np.where(i >= 0, inside, 0)


def _int64(values: npt.ArrayLike, name: str) -> Int64Array:
    array = np.asarray(values)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer epoch seconds, got dtype {array.dtype}")
    return array.astype(np.int64, copy=False)
