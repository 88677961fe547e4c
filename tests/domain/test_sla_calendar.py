"""Calendar rules: what a calendar accepts, what it refuses (and says why), how it compares."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tierdesk.domain.sla import (
    UTC,
    Calendar,
    Shift,
    add_business_seconds,
    business_seconds_between,
    is_open,
    table_for,
)
from tierdesk.domain.sla.calendar import (
    MAX_TARGET_SECONDS,
    MIN_WEEKLY_OPEN_SECONDS,
    merge_shifts,
    weekly_open_seconds,
)

NINE_TO_FIVE = (Shift(time(9), time(17)),)


def test_weekday_keys_run_from_monday_0_to_sunday_6() -> None:
    with pytest.raises(ValueError, match="weekly keys are weekdays 0 \\(Monday\\) to 6"):
        Calendar(tz=UTC, weekly={7: NINE_TO_FIVE})


def test_zero_length_shift_is_refused() -> None:
    with pytest.raises(ValueError, match="Shift 09:00:00-09:00:00 has zero length"):
        Shift(time(9), time(9))


def test_sub_second_shift_is_refused() -> None:
    with pytest.raises(ValueError, match="is not whole seconds"):
        Shift(time(9, 0, 0, 1), time(17))


def test_shift_with_a_tzinfo_is_refused() -> None:
    with pytest.raises(ValueError, match="carries a tzinfo"):
        Shift(time(9, tzinfo=ZoneInfo("UTC")), time(17))


# Defect 7: overlapping hours used to raise here, and every new ticket on the tier was a 500.
def test_overlapping_shifts_on_one_day_are_one_opening() -> None:
    calendar = Calendar(tz=UTC, weekly={0: (Shift(time(12), time(17)), Shift(time(9), time(13)))})
    assert calendar.shifts_on(date(2024, 1, 1)) == NINE_TO_FIVE
    assert calendar == Calendar(tz=UTC, weekly={0: NINE_TO_FIVE})
    monday_nine = datetime(2024, 1, 1, 9, tzinfo=UTC)
    assert business_seconds_between(monday_nine, monday_nine + timedelta(days=1), calendar) == (
        8 * 3600
    )
    assert add_business_seconds(monday_nine, 8 * 3600, calendar) == datetime(
        2024, 1, 1, 17, tzinfo=UTC
    )


def test_touching_shifts_are_one_opening() -> None:
    split = Calendar(tz=UTC, weekly={0: (Shift(time(9), time(12)), Shift(time(12), time(17)))})
    assert split.shifts_on(date(2024, 1, 1)) == NINE_TO_FIVE


def test_overnight_shift_swallowing_a_later_one_on_a_special_day_is_one_opening() -> None:
    day = date(2024, 12, 24)
    calendar = Calendar(
        tz=UTC, weekly={}, special={day: (Shift(time(8), time(2)), Shift(time(20), time(22)))}
    )
    assert calendar.shifts_on(day) == (Shift(time(8), time(2)),)


def test_overnight_shift_overlapping_the_next_days_shift_is_one_stretch() -> None:
    # Monday 22:00-06:00 runs into Tuesday's 05:00-12:00: open from Monday 22:00 to
    # Tuesday 12:00 without a gap, 14 hours, never counted twice.
    calendar = Calendar(
        tz=UTC, weekly={0: (Shift(time(22), time(6)),), 1: (Shift(time(5), time(12)),)}
    )
    monday = datetime(2024, 1, 1, tzinfo=UTC)
    assert business_seconds_between(monday, monday + timedelta(days=2), calendar) == 14 * 3600
    assert add_business_seconds(monday, 14 * 3600, calendar) == datetime(2024, 1, 2, 12, tzinfo=UTC)
    assert is_open(datetime(2024, 1, 2, 5, 30, tzinfo=UTC), calendar)


def test_a_merge_longer_than_a_day_stays_two_touching_shifts() -> None:
    # 05:00-23:00 and 22:00-06:00 cover 25 hours from 05:00: no single Shift says that.
    merged = merge_shifts([Shift(time(5), time(23)), Shift(time(22), time(6))])
    assert merged == (Shift(time(5), time(22)), Shift(time(22), time(6)))


def test_weekly_open_seconds_count_merged_hours() -> None:
    calendar = Calendar(
        tz=UTC, weekly={0: (Shift(time(9), time(13)), Shift(time(12), time(17))), 4: NINE_TO_FIVE}
    )
    assert weekly_open_seconds(calendar) == 16 * 3600
    assert weekly_open_seconds(Calendar.twenty_four_seven()) == 7 * 86_400


# Defect 9: hypothesis found a calendar open one second a week and a target of many days.
# Decision: tierdesk refuses such calendars when they are configured (under
# MIN_WEEKLY_OPEN_SECONDS, a 422 from the API), and the clock, asked anyway, refuses with a
# ValueError naming the cause rather than answering a due time centuries ahead.
ONE_SECOND_A_WEEK = Calendar(tz=UTC, weekly={2: (Shift(time(12), time(12, 0, 1)),)})


def test_open_one_second_a_week_is_below_the_configuration_minimum() -> None:
    assert weekly_open_seconds(ONE_SECOND_A_WEEK) == 1
    assert weekly_open_seconds(ONE_SECOND_A_WEEK) < MIN_WEEKLY_OPEN_SECONDS


def test_open_one_second_a_week_answers_a_short_target() -> None:
    # Wednesday 2024-01-03 12:00:00 is the open second; 3 seconds need three Wednesdays.
    start = datetime(2024, 1, 1, tzinfo=UTC)
    assert add_business_seconds(start, 3, ONE_SECOND_A_WEEK) == datetime(
        2024, 1, 17, 12, 0, 1, tzinfo=UTC
    )


def test_open_one_second_a_week_refuses_a_target_past_the_supported_years() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="beyond the supported years: the calendar is open too"):
        add_business_seconds(start, 400 * 86_400, ONE_SECOND_A_WEEK)


def test_the_weekly_minimum_keeps_the_longest_target_inside_the_supported_years() -> None:
    one_hour_a_week = Calendar(tz=UTC, weekly={2: (Shift(time(12), time(13)),)})
    due = add_business_seconds(
        datetime(2024, 1, 1, tzinfo=UTC), MAX_TARGET_SECONDS, one_hour_a_week
    )
    assert due.year == 2192  # 8,784 one-hour Wednesdays after 2024-01-01


def test_day_both_closed_and_special_is_refused() -> None:
    day = date(2024, 12, 24)
    with pytest.raises(ValueError, match="2024-12-24 is both closed and a special day"):
        Calendar(tz=UTC, weekly={}, closed=frozenset({day}), special={day: NINE_TO_FIVE})


def test_closed_days_are_dates_not_datetimes() -> None:
    with pytest.raises(ValueError, match="closed and special days are datetime.date values"):
        Calendar(tz=UTC, weekly={}, closed=frozenset({datetime(2024, 1, 1, tzinfo=UTC)}))


def test_unknown_holiday_country_is_refused() -> None:
    with pytest.raises(ValueError, match="holiday_country 'XX' is not known"):
        Calendar(tz=UTC, weekly={}, holiday_country="XX")


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValueError, match="holiday_subdiv 'XYZ' is not a subdivision of GB"):
        Calendar(tz=UTC, weekly={}, holiday_country="GB", holiday_subdiv="XYZ")


def test_subdivision_needs_a_country() -> None:
    with pytest.raises(ValueError, match="needs a holiday_country"):
        Calendar(tz=UTC, weekly={}, holiday_subdiv="ENG")


def test_twenty_four_seven_takes_no_hours() -> None:
    with pytest.raises(ValueError, match="a 24/7 calendar"):
        Calendar(tz=UTC, weekly={0: NINE_TO_FIVE}, always_open=True)


def test_tz_must_be_a_zoneinfo() -> None:
    with pytest.raises(TypeError, match="must be a zoneinfo.ZoneInfo"):
        Calendar(tz="Europe/London", weekly={})  # type: ignore[arg-type]


def test_day_rules_most_specific_first() -> None:
    office = Calendar(
        tz=ZoneInfo("Europe/London"),
        weekly={d: NINE_TO_FIVE for d in range(5)},
        closed=frozenset({date(2024, 1, 3)}),
        special={date(2024, 12, 25): (Shift(time(10), time(12)),)},
        holiday_country="GB",
        holiday_subdiv="ENG",
    )
    assert office.shifts_on(date(2024, 1, 2)) == NINE_TO_FIVE
    assert office.shifts_on(date(2024, 1, 3)) == ()  # closed
    assert office.shifts_on(date(2024, 1, 6)) == ()  # Saturday
    assert office.shifts_on(date(2024, 12, 26)) == ()  # Boxing Day
    assert office.shifts_on(date(2024, 12, 25)) == (Shift(time(10), time(12)),)  # special


def test_equal_calendars_are_equal_hash_alike_and_share_one_table() -> None:
    one = Calendar(tz=UTC, weekly={0: NINE_TO_FIVE, 1: NINE_TO_FIVE})
    other = Calendar(tz=UTC, weekly={1: NINE_TO_FIVE, 0: NINE_TO_FIVE})
    assert one == other
    assert hash(one) == hash(other)
    assert table_for(one) is table_for(other)
    assert one != Calendar(tz=UTC, weekly={0: NINE_TO_FIVE})


def test_calendar_does_not_follow_later_changes_to_the_dict_it_was_given() -> None:
    weekly = {0: NINE_TO_FIVE}
    calendar = Calendar(tz=UTC, weekly=weekly)
    weekly[1] = NINE_TO_FIVE
    assert 1 not in calendar.weekly
    with pytest.raises(TypeError):
        calendar.weekly[1] = NINE_TO_FIVE  # type: ignore[index]
