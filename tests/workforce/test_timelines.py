"""Shifts, statuses, adherence and real occupancy per interval (pure, no database)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tierdesk.workforce.timelines import Grid, ShiftRule, agent_intervals, shift_spans

MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def at(hours, minutes=0):
    return MONDAY + timedelta(hours=hours, minutes=minutes)


def test_an_overnight_shift_runs_into_the_next_day():
    grid = Grid(start=MONDAY, minutes=60, count=48)
    spans = shift_spans([ShiftRule(1, 0, time(22), time(6))], tz=LONDON, grid=grid)
    assert spans[1] == [(at(22), at(30))]


def test_shifts_follow_the_rosters_zone_across_summer_time():
    # London moves to UTC+1 on Sunday 29 March 2026: a 09:00 shift starts at 08:00 UTC.
    monday = datetime(2026, 3, 30, tzinfo=UTC)
    grid = Grid(start=monday, minutes=60, count=24)
    spans = shift_spans([ShiftRule(1, 0, time(9), time(17))], tz=LONDON, grid=grid)
    assert spans[1] == [(monday + timedelta(hours=8), monday + timedelta(hours=16))]


def test_adherence_is_the_working_share_of_rostered_time():
    grid = Grid(start=at(9), minutes=60, count=4)
    changes = [
        (at(9), "available"),
        (at(10), "busy"),
        (at(10, 45), "available"),
        (at(11), "break"),
        (at(11, 30), "busy"),
    ]
    result = agent_intervals(shifts=[(at(9), at(12))], changes=changes, grid=grid)
    assert result.rostered.tolist() == [3600, 3600, 3600, 0]
    assert result.adherence[:3].tolist() == [1.0, 1.0, 0.5]
    assert result.occupancy[:3].tolist() == [0.0, 0.75, 1.0]
    # 12:00-13:00: not rostered (adherence undefined), still busy (occupancy 1).
    assert result.adherence[3] != result.adherence[3]
    assert result.occupancy[3] == pytest.approx(1.0)


def test_an_agent_who_never_logged_in_has_zero_adherence():
    grid = Grid(start=at(9), minutes=30, count=2)
    result = agent_intervals(shifts=[(at(9), at(10))], changes=[], grid=grid)
    assert result.adherence.tolist() == [0.0, 0.0]
