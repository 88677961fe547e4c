"""Properties of the SLA clock over random calendars, zones and instants, against a walking oracle.

Oracle walks stop ``LIMIT`` of real time after the start so every example stays cheap;
answers are compared as ``min(answer, start + LIMIT)``, which both sides must agree on.

Long targets (days to a year of business time) are checked on the calendars tierdesk
accepts as configuration: open at least ``MIN_WEEKLY_OPEN_SECONDS`` a week. On a calendar
open a second a week such a target ends centuries past the supported years and the clock
refuses it (tests/domain/test_sla_calendar.py pins that refusal).
"""

from datetime import datetime

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from sla_oracle import Oracle
from sla_strategies import (
    CHEAP_SETTINGS,
    DAY,
    MINUTE,
    ORACLE_SETTINGS,
    closes_every_week,
    has_weekly_hours,
    zone_calendar_instant,
)

from tierdesk.domain.sla import (
    Calendar,
    add_business_seconds,
    add_business_seconds_batch,
    add_business_seconds_epoch,
    business_seconds_between,
    business_seconds_between_batch,
    business_seconds_between_epoch,
    is_open,
    is_open_epoch,
    next_closing_epoch,
    next_opening_epoch,
)
from tierdesk.domain.sla.calendar import (
    MAX_TARGET_SECONDS,
    MIN_WEEKLY_OPEN_SECONDS,
    weekly_open_seconds,
)

LIMIT = 10 * DAY
WEEK_OF_MINUTES = 7 * 24 * 60


def configurable(calendar: Calendar) -> bool:
    """Whether tierdesk would accept this calendar: open at least an hour a week."""
    return weekly_open_seconds(calendar) >= MIN_WEEKLY_OPEN_SECONDS


@ORACLE_SETTINGS
@given(case=zone_calendar_instant(step=1), offsets=st.lists(st.integers(0, 4 * DAY), max_size=40))
def test_is_open_agrees_with_the_oracle(case: tuple[Calendar, int], offsets: list[int]) -> None:
    calendar, t = case
    oracle = Oracle(calendar)
    instants = [t + k for k in offsets]
    assert [is_open_epoch(x, calendar) for x in instants] == [oracle.is_open(x) for x in instants]


@ORACLE_SETTINGS
@given(case=zone_calendar_instant(), minutes=st.integers(-WEEK_OF_MINUTES, WEEK_OF_MINUTES))
def test_between_agrees_with_the_minute_walk(case: tuple[Calendar, int], minutes: int) -> None:
    calendar, start = case
    end = start + minutes * MINUTE
    expected = Oracle(calendar).between(start, end)
    assert business_seconds_between_epoch(start, end, calendar) == expected
    batch = business_seconds_between_batch(np.array([start, end]), np.array([end, start]), calendar)
    assert batch.tolist() == [expected, -expected]


@ORACLE_SETTINGS
@given(case=zone_calendar_instant(), minutes=st.integers(0, 3 * 24 * 60))
def test_add_agrees_with_the_minute_walk(case: tuple[Calendar, int], minutes: int) -> None:
    calendar, start = case
    assume(has_weekly_hours(calendar))
    due = add_business_seconds_epoch(start, minutes * MINUTE, calendar)
    expected = Oracle(calendar).add(start, minutes * MINUTE, until=start + LIMIT)
    assert min(due, start + LIMIT) == expected
    batch = add_business_seconds_batch(np.array([start]), np.array([minutes * MINUTE]), calendar)
    assert batch.tolist() == [due]


@ORACLE_SETTINGS
@given(case=zone_calendar_instant())
def test_next_opening_and_closing_agree_with_the_minute_walk(case: tuple[Calendar, int]) -> None:
    calendar, t = case
    assume(has_weekly_hours(calendar) and closes_every_week(calendar))
    oracle, until = Oracle(calendar), t + LIMIT
    opening, closing = next_opening_epoch(t, calendar), next_closing_epoch(t, calendar)
    assert min(opening, until) == oracle.next_opening(t, until)
    assert min(closing, until) == oracle.next_closing(t, until)


@ORACLE_SETTINGS
@given(case=zone_calendar_instant(step=1), seconds=st.integers(0, 2 * 3600))
def test_add_agrees_with_the_second_walk(case: tuple[Calendar, int], seconds: int) -> None:
    calendar, start = case
    assume(has_weekly_hours(calendar))
    until = start + 6 * 3600
    due = add_business_seconds_epoch(start, seconds, calendar)
    assert min(due, until) == Oracle(calendar).add(start, seconds, until, step=1)


@CHEAP_SETTINGS
@given(case=zone_calendar_instant(step=1), seconds=st.integers(0, MAX_TARGET_SECONDS))
def test_between_start_and_due_is_the_target(case: tuple[Calendar, int], seconds: int) -> None:
    calendar, start = case
    assume(configurable(calendar))
    due = add_business_seconds_epoch(start, seconds, calendar)
    assert business_seconds_between_epoch(start, due, calendar) == seconds


@CHEAP_SETTINGS
@given(
    case=zone_calendar_instant(step=1),
    a=st.integers(0, 30 * DAY),
    b=st.integers(0, 30 * DAY),
)
def test_add_is_additive_across_any_split(case: tuple[Calendar, int], a: int, b: int) -> None:
    # add(add(s, a), b) == add(s, a + b) for every a, b >= 0, with no exception at
    # closing: a first leg due at closing restarts at the next opening, exactly where the
    # whole target would have carried on. What does not hold: the due time is open.
    calendar, start = case
    assume(configurable(calendar))
    first_leg = add_business_seconds_epoch(start, a, calendar)
    whole = add_business_seconds_epoch(start, a + b, calendar)
    assert add_business_seconds_epoch(first_leg, b, calendar) == whole


@CHEAP_SETTINGS
@given(case=zone_calendar_instant(step=1), seconds=st.integers(1, 30 * DAY))
def test_the_last_second_before_a_due_time_is_open(
    case: tuple[Calendar, int], seconds: int
) -> None:
    calendar, start = case
    assume(configurable(calendar))
    due = add_business_seconds_epoch(start, seconds, calendar)
    assert due > start
    assert is_open_epoch(due - 1, calendar)


@CHEAP_SETTINGS
@given(
    case=zone_calendar_instant(step=1),
    later=st.integers(0, 10 * DAY),
    seconds=st.integers(0, 20 * DAY),
    more=st.integers(0, 20 * DAY),
)
def test_due_times_and_durations_are_monotone(
    case: tuple[Calendar, int], later: int, seconds: int, more: int
) -> None:
    calendar, start = case
    assume(configurable(calendar))
    due = add_business_seconds_epoch(start, seconds, calendar)
    assert add_business_seconds_epoch(start, seconds + more, calendar) >= due
    assert add_business_seconds_epoch(start + later, seconds, calendar) >= due
    end = start + later
    assert 0 <= business_seconds_between_epoch(start, end, calendar) <= later
    assert business_seconds_between_epoch(end, start, calendar) == -(
        business_seconds_between_epoch(start, end, calendar)
    )


@CHEAP_SETTINGS
@given(
    case=zone_calendar_instant(step=1),
    offsets=st.lists(st.integers(-400 * DAY, 400 * DAY), min_size=1, max_size=30),
    seconds=st.lists(st.integers(0, 200 * DAY), min_size=30, max_size=30),
)
def test_batch_agrees_with_the_scalar_form(
    case: tuple[Calendar, int], offsets: list[int], seconds: list[int]
) -> None:
    calendar, t = case
    assume(configurable(calendar))
    starts = np.array([t + k for k in offsets], dtype=np.int64)
    targets = np.array(seconds[: len(offsets)], dtype=np.int64)
    due = add_business_seconds_batch(starts, targets, calendar)
    scalar = [
        add_business_seconds_epoch(s, n, calendar)
        for s, n in zip(starts.tolist(), targets.tolist(), strict=True)
    ]
    assert due.tolist() == scalar
    ends = starts[::-1]
    between = business_seconds_between_batch(starts, ends, calendar)
    assert between.tolist() == [
        business_seconds_between_epoch(s, e, calendar)
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


@CHEAP_SETTINGS
@given(case=zone_calendar_instant(step=1), seconds=st.integers(0, 5 * DAY))
def test_datetime_family_agrees_with_the_epoch_family(
    case: tuple[Calendar, int], seconds: int
) -> None:
    calendar, t = case
    assume(configurable(calendar))
    start = datetime.fromtimestamp(t, calendar.tz)
    due = add_business_seconds(start, seconds, calendar)
    assert int(due.timestamp()) == add_business_seconds_epoch(t, seconds, calendar)
    assert is_open(start, calendar) == is_open_epoch(t, calendar)
    assert business_seconds_between(start, due, calendar) == seconds
