"""Time-zone offsets over a stretch of real time, and local wall-time ranges as real instants.

Instants are integer epoch seconds (UTC). A *wall* value is the local wall-clock reading
written the same way, as seconds since 1970-01-01 00:00 *local*: ``wall = t + offset(t)``.
Within one offset segment wall time runs with real time; at a DST transition it jumps
forward (a gap: some wall times never happen) or back (a fold: some happen twice).

Offsets come from the IANA tz database through ``zoneinfo`` (PEP 615); gap and fold are
the terms of PEP 495, whose ``fold`` attribute ``datetime.fromtimestamp`` sets on results.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = EPOCH.date().toordinal()
SECOND = timedelta(seconds=1)
# zoneinfo has no public list of transitions, so offsets are sampled this often and each
# change is bisected to the second. Two transitions that cancel out within one sample
# would be missed; tzdata has none that close (DST rules change offsets months apart).
_SAMPLE = 3 * 3600
# Real UTC offsets stay within +-26 h (tzdata's extremes are -12 h and +14 h).
MAX_OFFSET = 26 * 3600


def utc_offset(tz: ZoneInfo, t: int) -> int:
    """The UTC offset of ``tz`` at epoch second ``t``, in whole seconds."""
    offset = (EPOCH + timedelta(seconds=t)).astimezone(tz).utcoffset()
    assert offset is not None  # a ZoneInfo always knows its offset for an aware instant
    return offset // SECOND


@dataclass(frozen=True, slots=True)
class OffsetSegments:
    """Real time ``[starts[0], end)`` cut where the offset changes.

    Segment ``k`` covers ``[starts[k], starts[k + 1])`` (the last one up to ``end``) and
    has offset ``offsets[k]`` seconds.
    """

    starts: tuple[int, ...]
    offsets: tuple[int, ...]
    end: int


def offset_segments(tz: ZoneInfo, lo: int, hi: int) -> OffsetSegments:
    """The offset segments of ``tz`` over real time ``[lo, hi)``."""
    starts, offsets = [lo], [utc_offset(tz, lo)]
    a = lo
    while a < hi:
        b = min(a + _SAMPLE, hi)
        while utc_offset(tz, b) != offsets[-1]:
            # Some transition lies in (a, b]: bisect for the first second after it.
            x, y = a, b
            while y - x > 1:
                m = (x + y) // 2
                if utc_offset(tz, m) == offsets[-1]:
                    x = m
                else:
                    y = m
            starts.append(y)
            offsets.append(utc_offset(tz, y))
            a = y
        a = b
    return OffsetSegments(tuple(starts), tuple(offsets), hi)


def wall_to_instants(wall_start: int, wall_end: int, segs: OffsetSegments) -> list[tuple[int, int]]:
    """Real intervals of the instants whose wall time lies in ``[wall_start, wall_end)``.

    This one definition gives every DST rule we promise: a start inside a gap opens at
    the transition (the first real instant whose wall time is past it); a range across a
    fold includes both occurrences, so it opens at the first occurrence of its start and
    closes at the last occurrence of its end. Only instants inside ``segs`` are returned.
    """
    found: list[tuple[int, int]] = []
    starts, offsets = segs.starts, segs.offsets
    k = max(bisect_right(starts, wall_start - MAX_OFFSET) - 1, 0)
    last = len(starts) - 1
    while k <= last and starts[k] < wall_end + MAX_OFFSET:
        seg_end = starts[k + 1] if k < last else segs.end
        offset = offsets[k]
        a = max(starts[k], wall_start - offset)
        b = min(seg_end, wall_end - offset)
        if a < b:
            found.append((a, b))
        k += 1
    return found
