"""The ranges behind the dashboard's period presets and dates."""

from datetime import UTC, date, datetime

import pytest

from tierdesk.dashboard.forms import DashboardForm, day_range, preset_range

NOW = datetime(2026, 3, 3, 15, 30, tzinfo=UTC)


def test_today_is_compared_with_the_same_hours_yesterday():
    assert preset_range("today", NOW) == (
        datetime(2026, 3, 3, tzinfo=UTC),
        NOW,
        (datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 2, 15, 30, tzinfo=UTC)),
    )


@pytest.mark.parametrize(
    "preset,start,previous_start",
    [
        (
            "7d",
            datetime(2026, 2, 24, 15, 30, tzinfo=UTC),
            datetime(2026, 2, 17, 15, 30, tzinfo=UTC),
        ),
        ("30d", datetime(2026, 2, 1, 15, 30, tzinfo=UTC), datetime(2026, 1, 2, 15, 30, tzinfo=UTC)),
        (
            "quarter",
            datetime(2025, 12, 3, 15, 30, tzinfo=UTC),
            datetime(2025, 9, 4, 15, 30, tzinfo=UTC),
        ),
    ],
)
def test_rolling_windows_end_now_and_compare_with_the_window_before(preset, start, previous_start):
    assert preset_range(preset, NOW) == (start, NOW, (previous_start, start))


def test_days_include_the_last_one():
    assert day_range(date(2026, 3, 1), date(2026, 3, 3)) == (
        datetime(2026, 3, 1, tzinfo=UTC),
        datetime(2026, 3, 4, tzinfo=UTC),
        (datetime(2026, 2, 26, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),
    )


@pytest.mark.django_db
def test_dates_choose_the_custom_range_and_a_missing_end_is_today():
    form = DashboardForm({"range": "7d", "from": "2026-03-01"})
    assert form.is_valid()
    start, end, _ = form.ranges(NOW)
    assert (start, end) == (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))


@pytest.mark.django_db
def test_custom_without_dates_and_overlong_ranges_are_refused():
    form = DashboardForm({"range": "custom"})
    assert not form.is_valid()
    assert form.errors["from"] == ["Choose the first day, or pick a preset period."]
    form = DashboardForm({"from": "2023-01-01", "to": "2026-01-01"})
    assert not form.is_valid()
    assert form.errors["to"] == ["Choose at most two years."]
