"""Calendar rules: what a calendar accepts, what it refuses (and says why), how it compares."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tierdesk.domain.sla import UTC, Calendar, Shift, table_for

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


def test_overlapping_shifts_on_one_day_are_refused() -> None:
    with pytest.raises(
        ValueError, match="shifts 09:00:00-13:00:00 and 12:00:00-17:00:00 overlap on weekday 0"
    ):
        Calendar(tz=UTC, weekly={0: (Shift(time(12), time(17)), Shift(time(9), time(13)))})


def test_overnight_shift_overlapping_a_later_one_is_refused() -> None:
    with pytest.raises(ValueError, match="overlap on special day 2024-12-24"):
        Calendar(
            tz=UTC,
            weekly={},
            special={date(2024, 12, 24): (Shift(time(8), time(2)), Shift(time(20), time(22)))},
        )


def test_touching_shifts_are_accepted() -> None:
    split = Calendar(tz=UTC, weekly={0: (Shift(time(9), time(12)), Shift(time(12), time(17)))})
    assert split.shifts_on(date(2024, 1, 1)) == (
        Shift(time(9), time(12)),
        Shift(time(12), time(17)),
    )


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
