"""Hypothesis strategies for SLA clock tests: random calendars, zones and instants near DST."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tierdesk.domain.sla import Calendar, Shift

ZONES = tuple(
    ZoneInfo(key)
    for key in (
        "Europe/London",
        "America/New_York",
        "Australia/Sydney",
        "America/Sao_Paulo",  # DST until 2019, from October to February
        "Asia/Kolkata",
        "Pacific/Chatham",  # +12:45 / +13:45
        "UTC",
    )
)
HOLIDAYS = (None, ("GB", "ENG"), ("US", None), ("DE", "BY"), ("AU", "NSW"), ("BR", None))
FIRST, LAST = datetime(1995, 1, 1, tzinfo=UTC), datetime(2035, 1, 1, tzinfo=UTC)
MINUTE, DAY = 60, 86_400

# Examples walk real time minute by minute, so each one costs milliseconds. For a deep
# run (before a release, after touching the clock): SLA_EXAMPLES_SCALE=50 pytest tests/domain
_SCALE = int(os.environ.get("SLA_EXAMPLES_SCALE", "1"))
# CI replays the same examples on every run, so a red build is reproducible; runs on a
# developer's machine keep exploring new ones.
_REPLAY = os.environ.get("CI") == "true"
ORACLE_SETTINGS = settings(
    max_examples=60 * _SCALE,
    derandomize=_REPLAY,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CHEAP_SETTINGS = settings(
    max_examples=150 * _SCALE,
    derandomize=_REPLAY,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],  # shared CI machines are slow at times
)


@cache
def dst_changes(tz: ZoneInfo) -> tuple[int, ...]:
    """Epoch seconds (UTC midnights) of days after which ``tz``'s offset differs, 1995-2035."""
    changes: list[int] = []
    day = FIRST
    offset = day.astimezone(tz).utcoffset()
    while day < LAST:
        day += timedelta(days=1)
        now = day.astimezone(tz).utcoffset()
        if now != offset:
            changes.append(int(day.timestamp()) - DAY)
            offset = now
    return tuple(changes)


# DST transitions happen at these local times (00:00 Sao Paulo, 01:00-03:00 elsewhere,
# 02:45/03:45 Chatham); shift boundaries get extra weight on them.
_DST_HOURS = [m * 60 for m in (0, 60, 90, 120, 150, 165, 180, 210, 225, 1380)]


def _clock(seconds: int) -> time:
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


@st.composite
def day_shifts(draw: st.DrawFn, step: int = MINUTE) -> tuple[Shift, ...]:
    """0-3 non-overlapping shifts of one day on ``step`` boundaries; the last may cross midnight."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return ()
    if kind == 1:
        return (Shift(time(0), time(0)),)
    n = draw(st.integers(1, 3))
    boundary = st.one_of(
        st.integers(0, DAY // step - 1).map(lambda k: k * step), st.sampled_from(_DST_HOURS)
    )
    points = sorted(draw(st.sets(boundary, min_size=2 * n, max_size=2 * n)))
    pairs = [(points[2 * i], points[2 * i + 1]) for i in range(n)]
    last_start = pairs[-1][0]
    if last_start > 0 and draw(st.booleans()):
        end = draw(st.integers(DAY // step, (DAY + last_start) // step - 1)) * step
        pairs[-1] = (last_start, end)
    return tuple(Shift(_clock(a), _clock(b % DAY)) for a, b in pairs)


@st.composite
def instants(draw: st.DrawFn, tz: ZoneInfo | None = None, step: int = MINUTE) -> int:
    """An epoch second on a ``step`` boundary: any in 1995-2035, or days from a DST change."""
    changes = dst_changes(tz) if tz is not None else ()
    if changes and draw(st.booleans()):
        base = draw(st.sampled_from(changes)) + draw(st.integers(-3 * DAY, 3 * DAY))
    else:
        base = draw(st.integers(int(FIRST.timestamp()), int(LAST.timestamp())))
    return base - base % step


@st.composite
def calendars(draw: st.DrawFn, tz: ZoneInfo, around: int, step: int = MINUTE) -> Calendar:
    """A random calendar in ``tz``; closed and special days fall near epoch second ``around``."""
    if draw(st.integers(0, 24)) == 0:
        return Calendar.twenty_four_seven(tz)
    anchor = datetime.fromtimestamp(around, tz).date()
    near = st.integers(-3, 14).map(lambda k: anchor + timedelta(days=k))
    closed = draw(st.sets(near, max_size=4))
    special_days: set[date] = draw(st.sets(near, max_size=3)) - closed
    holidays = draw(st.sampled_from(HOLIDAYS))
    return Calendar(
        tz=tz,
        weekly={d: draw(day_shifts(step)) for d in range(7)},
        closed=frozenset(closed),
        special={d: draw(day_shifts(step)) for d in sorted(special_days)},
        holiday_country=holidays[0] if holidays else None,
        holiday_subdiv=holidays[1] if holidays else None,
    )


@st.composite
def zone_calendar_instant(draw: st.DrawFn, step: int = MINUTE) -> tuple[Calendar, int]:
    """A calendar and an instant near which its rules (and often DST) get interesting.

    Instants and shift boundaries fall on ``step`` boundaries: minutes for minute walks.
    """
    tz = draw(st.sampled_from(ZONES))
    t = draw(instants(tz, step))
    return draw(calendars(tz, t, step)), t


def has_weekly_hours(calendar: Calendar) -> bool:
    return calendar.always_open or any(calendar.weekly.values())


def closes_every_week(calendar: Calendar) -> bool:
    whole_day = (Shift(time(0), time(0)),)
    return not calendar.always_open and any(
        calendar.weekly.get(d, ()) != whole_day for d in range(7)
    )
