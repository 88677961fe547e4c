"""A calendar's open intervals as sorted epoch-second arrays, built lazily by year and cached.

The table turns business-time questions into two binary searches. For intervals
``[opens[k], closes[k])`` (disjoint, sorted, adjacent ones merged) and
``cum[k]`` = open seconds before interval ``k`` (``cum[0] = 0``, one more entry than
intervals), the open seconds from the table's start up to instant ``t`` are

    position(t) = cum[i] + min(t, closes[i]) - opens[i],  i = last k with opens[k] <= t

so ``between(a, b) = position(b) - position(a)``, and the instant where ``n`` more open
seconds have passed is found by searching ``cum`` for ``position(a) + n``. The table is
exact inside its coverage ``[lo, hi)``: UTC year boundaries, grown a year or more at a
time when a question reaches past them.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from tierdesk.domain.sla.calendar import DAY, Calendar
from tierdesk.domain.sla.zones import EPOCH_ORDINAL, offset_segments, wall_to_instants

MIN_YEAR, MAX_YEAR = 1900, 3000  # coverage stays in [1900-01-01, 3000-01-01) UTC
# With no open second in this long, no due time exists: we say so instead of searching on.
HORIZON = 1096 * DAY  # three years, one of them leap

Int64Array = npt.NDArray[np.int64]


def year_start(year: int) -> int:
    """Epoch second of 1 January ``year``, 00:00 UTC."""
    return (date(year, 1, 1).toordinal() - EPOCH_ORDINAL) * DAY


def year_of(t: int) -> int:
    """The UTC year of epoch second ``t``, clamped to the supported years."""
    ordinal = t // DAY + EPOCH_ORDINAL
    if ordinal < date(MIN_YEAR, 1, 1).toordinal():
        return MIN_YEAR
    if ordinal >= date(MAX_YEAR, 1, 1).toordinal():
        return MAX_YEAR
    return date.fromordinal(ordinal).year


@dataclass(frozen=True, slots=True)
class Intervals:
    """One immutable snapshot of a table: coverage ``[lo, hi)`` and its open intervals.

    The same numbers are kept as tuples (fast ``bisect`` for one call) and as NumPy
    arrays (``searchsorted`` for a batch).
    """

    lo: int
    hi: int
    opens: tuple[int, ...]
    closes: tuple[int, ...]
    cum: tuple[int, ...]
    opens_np: Int64Array
    closes_np: Int64Array
    cum_np: Int64Array

    def position(self, t: int) -> int:
        """Open seconds in ``[lo, t)``, for ``lo <= t <= hi``."""
        i = bisect_right(self.opens, t) - 1
        if i < 0:
            return 0
        return self.cum[i] + min(t, self.closes[i]) - self.opens[i]

    def last_close(self) -> int | None:
        """Where the last open interval ends (``hi`` if it runs on), None if none."""
        return self.closes[-1] if self.closes else None


def _intervals(lo: int, hi: int, pairs: list[tuple[int, int]]) -> Intervals:
    opens = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    closes = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    cum = np.zeros(len(pairs) + 1, dtype=np.int64)
    np.cumsum(closes - opens, out=cum[1:])
    return Intervals(
        lo,
        hi,
        tuple(opens.tolist()),
        tuple(closes.tolist()),
        tuple(cum.tolist()),
        opens,
        closes,
        cum,
    )


def open_pairs(calendar: Calendar, lo: int, hi: int) -> list[tuple[int, int]]:
    """The calendar's open intervals clipped to real time ``[lo, hi)``, sorted and merged."""
    if calendar.always_open:
        return [(lo, hi)]
    # A local day's shifts lie within two days of wall time from its midnight, and wall
    # time is within MAX_OFFSET (26 h) of real time: these margins catch every shift that
    # can reach into [lo, hi), overnight ones from the day before included.
    segs = offset_segments(calendar.tz, lo - 2 * DAY, hi + 2 * DAY)
    raw: list[tuple[int, int]] = []
    for ordinal in range(lo // DAY - 4 + EPOCH_ORDINAL, hi // DAY + 3 + EPOCH_ORDINAL):
        midnight = (ordinal - EPOCH_ORDINAL) * DAY  # local midnight as a wall value
        for shift in calendar.shifts_on(date.fromordinal(ordinal)):
            raw.extend(
                wall_to_instants(midnight + shift.start_seconds, midnight + shift.end_seconds, segs)
            )
    raw.sort()
    merged: list[tuple[int, int]] = []
    for a, b in raw:
        a, b = max(a, lo), min(b, hi)
        if a >= b:
            continue
        if merged and a <= merged[-1][1]:
            # Touching or overlapping intervals (an overnight shift running into the next
            # day's early shift) are one stretch of open time.
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _join(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Concatenate intervals of two adjacent coverages, merging the one cut at the seam."""
    if first and second and first[-1][1] == second[0][0]:
        return [*first[:-1], (first[-1][0], second[0][1]), *second[1:]]
    return [*first, *second]


class CalendarTable:
    """The open intervals of one calendar, grown on demand.

    Mutable by design, as a cache is: readers take one ``Intervals`` snapshot (``state``)
    and never see it change; growing builds a new snapshot under a lock and swaps it in.
    """

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self._lock = threading.Lock()
        self._state: Intervals | None = None

    @property
    def state(self) -> Intervals | None:
        """The current snapshot, None before the first question."""
        return self._state

    def covering(self, first: int, last: int) -> Intervals:
        """A snapshot whose coverage contains instants ``first`` through ``last``."""
        state = self._state
        if state is not None and state.lo <= first and last < state.hi:
            return state
        with self._lock:
            state = self._state
            if state is None:
                lo_year = year_of(first)
                state = self._build(year_start(lo_year), year_start(min(lo_year + 2, MAX_YEAR)))
            if first < state.lo:
                state = self._grow(state, year_of(first), _year_index(state.hi))
            if last >= state.hi:
                state = self._grow(state, _year_index(state.lo), year_of(last) + 1)
            self._state = state
        _check_supported(state, first, last)
        return state

    def grown(self, seen: Intervals) -> Intervals:
        """A snapshot reaching further into the future than ``seen`` (by half again, >= 1 year)."""
        with self._lock:
            state = self._state
            assert state is not None  # only called with a snapshot taken from this table
            if state.hi <= seen.hi:
                lo_year, hi_year = _year_index(state.lo), _year_index(state.hi)
                if hi_year >= MAX_YEAR:
                    raise ValueError(
                        f"business time reaches past {MAX_YEAR}-01-01, beyond the supported "
                        "years: the calendar is open too little for this target (tierdesk "
                        "configures calendars open at least an hour a week)"
                    )
                state = self._grow(state, lo_year, hi_year + max(1, (hi_year - lo_year) // 2))
                self._state = state
            return state

    def _build(self, lo: int, hi: int) -> Intervals:
        return _intervals(lo, hi, open_pairs(self.calendar, lo, hi))

    def _grow(self, state: Intervals, lo_year: int, hi_year: int) -> Intervals:
        lo = year_start(max(lo_year, MIN_YEAR))
        hi = year_start(min(hi_year, MAX_YEAR))
        pairs = list(zip(state.opens, state.closes, strict=True))
        if lo < state.lo:
            pairs = _join(open_pairs(self.calendar, lo, state.lo), pairs)
        if hi > state.hi:
            pairs = _join(pairs, open_pairs(self.calendar, state.hi, hi))
        return _intervals(min(lo, state.lo), max(hi, state.hi), pairs)


def _year_index(boundary: int) -> int:
    """The year whose 1 January 00:00 UTC is epoch second ``boundary``."""
    return date.fromordinal(boundary // DAY + EPOCH_ORDINAL).year


def _check_supported(state: Intervals, first: int, last: int) -> None:
    if first < state.lo or last >= state.hi:
        raise ValueError(
            f"instant outside the supported years {MIN_YEAR}-{MAX_YEAR - 1} "
            f"(epoch seconds {first}..{last})"
        )


_TABLES: OrderedDict[Calendar, CalendarTable] = OrderedDict()
_TABLES_LOCK = threading.Lock()
_MAX_TABLES = 256


def table_for(calendar: Calendar) -> CalendarTable:
    """The shared table of ``calendar`` (equal calendars share one).

    Keyed by value, not ``id``: a calendar rebuilt from the same row per request finds
    the table the last request grew, and an ``id`` reused after garbage collection can
    never hand back another calendar's table. Bounded: the oldest-built table is dropped
    first once ``_MAX_TABLES`` calendars are cached.
    """
    table = _TABLES.get(calendar)
    if table is None:
        with _TABLES_LOCK:
            table = _TABLES.get(calendar)
            if table is None:
                table = CalendarTable(calendar)
                _TABLES[calendar] = table
                while len(_TABLES) > _MAX_TABLES:
                    _TABLES.popitem(last=False)
    return table
