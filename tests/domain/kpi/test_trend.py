"""Trend and goal comparisons of dashboard cards: pure, no database."""

import pytest

from tierdesk.domain.kpi.trend import Trend, meets, trend


def test_rates_move_in_points():
    assert trend(0.9, 0.8, rate=True, direction="up") == Trend(pytest.approx(10.0), "pp", "▲", True)
    assert trend(0.7, 0.8, rate=True, direction="up").good is False


def test_counts_and_durations_move_in_percent():
    assert trend(90.0, 120.0, rate=False, direction="down") == Trend(-25.0, "%", "▼", True)
    assert trend(150.0, 120.0, rate=False, direction="down") == Trend(25.0, "%", "▲", False)
    assert trend(3.0, 2.0, rate=False, direction="neutral") == Trend(50.0, "%", "▲", None)


def test_no_trend_without_both_values_or_from_zero():
    assert trend(None, 0.5, rate=True, direction="up") == Trend(None, "pp", None, None)
    assert trend(0.5, None, rate=True, direction="up") == Trend(None, "pp", None, None)
    assert trend(4.0, 0.0, rate=False, direction="up") == Trend(None, "%", None, None)
    # A rate from 0% is still a change in points.
    assert trend(0.5, 0.0, rate=True, direction="up") == Trend(50.0, "pp", "▲", True)


def test_no_change_is_neither_good_nor_bad():
    assert trend(2.0, 2.0, rate=False, direction="up") == Trend(0.0, "%", "=", None)
    # 84.64% -> 84.66% reads "0.0 pp": no change, not a green arrow.
    assert trend(0.8466, 0.8464, rate=True, direction="up") == Trend(0.0, "pp", "=", None)


def test_goals():
    assert meets(0.95, 0.95, direction="up") is True
    assert meets(0.949, 0.95, direction="up") is False
    assert meets(3600.0, 3600.0, direction="down") is True
    assert meets(3601.0, 3600.0, direction="down") is False
    assert meets(None, 0.95, direction="up") is None
    assert meets(0.5, None, direction="up") is None
    assert meets(3.0, 1.0, direction="neutral") is None
