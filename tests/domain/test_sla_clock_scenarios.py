"""Named scenarios of the SLA clock: each decided rule, DST case and error pinned by example."""

from datetime import UTC as DT_UTC
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from tierdesk.domain.sla import (
    UTC,
    Calendar,
    Shift,
    add_business_seconds,
    add_business_seconds_batch,
    add_business_seconds_epoch,
    business_seconds_between,
    business_seconds_between_batch,
    business_seconds_between_epoch,
    is_open,
    is_open_epoch,
    next_closing,
    next_closing_epoch,
    next_opening,
    next_opening_epoch,
    table_for,
)
from tierdesk.domain.sla.table import open_pairs, year_start

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
CHATHAM = ZoneInfo("Pacific/Chatham")
HOUR = 3600
NINE_TO_FIVE = (Shift(time(9), time(17)),)
WEEKDAYS = {day: NINE_TO_FIVE for day in range(5)}
LONDON_OFFICE = Calendar(tz=LONDON, weekly=WEEKDAYS)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[arg-type, misc]


def on_sundays(tz: ZoneInfo, *shifts: Shift) -> Calendar:
    return Calendar(tz=tz, weekly={6: shifts})


def open_seconds_on(day: date, calendar: Calendar) -> int:
    start = datetime(day.year, day.month, day.day, tzinfo=calendar.tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=calendar.tz)
    # Local days are bounded by their real midnights; the overnight tail of the day before
    # could add to a day, so the calendars here open on Sundays only.
    return business_seconds_between(start, end, calendar)


# --- overnight shifts and holidays ------------------------------------------------------

MONDAY_NIGHTS = Calendar(tz=UTC, weekly={0: (Shift(time(22), time(6)),)})


def test_overnight_shift_runs_from_its_day_into_the_next_morning() -> None:
    assert not is_open(utc(2024, 1, 1, 21, 59, 59), MONDAY_NIGHTS)
    assert is_open(utc(2024, 1, 1, 22), MONDAY_NIGHTS)
    assert is_open(utc(2024, 1, 2, 5, 59, 59), MONDAY_NIGHTS)
    assert not is_open(utc(2024, 1, 2, 6), MONDAY_NIGHTS)
    assert business_seconds_between(utc(2024, 1, 1), utc(2024, 1, 3), MONDAY_NIGHTS) == 8 * HOUR
    assert next_closing(utc(2024, 1, 1, 23), MONDAY_NIGHTS) == utc(2024, 1, 2, 6)


def test_shift_ending_at_midnight_runs_to_24_00() -> None:
    late = Calendar(tz=UTC, weekly={0: (Shift(time(18), time(0)),)})
    assert is_open(utc(2024, 1, 1, 23, 59, 59), late)
    assert not is_open(utc(2024, 1, 2), late)
    assert next_closing(utc(2024, 1, 1, 18), late) == utc(2024, 1, 2)


def test_midnight_to_midnight_is_the_whole_day() -> None:
    mondays = Calendar(tz=UTC, weekly={0: (Shift(time(0), time(0)),)})
    assert business_seconds_between(utc(2024, 1, 1), utc(2024, 1, 8), mondays) == 24 * HOUR


def test_holiday_closes_its_own_overnight_shift_but_not_the_one_from_the_day_before() -> None:
    # Easter Monday 2024-04-01 is a bank holiday in England; Easter Sunday is not.
    nights = Calendar(
        tz=LONDON,
        weekly={6: (Shift(time(22), time(6)),), 0: (Shift(time(22), time(6)),)},
        holiday_country="GB",
        holiday_subdiv="ENG",
    )
    assert is_open(datetime(2024, 4, 1, 3, tzinfo=LONDON), nights)  # Sunday's shift
    assert not is_open(datetime(2024, 4, 1, 23, tzinfo=LONDON), nights)
    assert not is_open(datetime(2024, 4, 2, 2, tzinfo=LONDON), nights)
    start, end = datetime(2024, 3, 31, 12, tzinfo=LONDON), datetime(2024, 4, 3, tzinfo=LONDON)
    assert business_seconds_between(start, end, nights) == 8 * HOUR


def test_special_day_hours_beat_a_public_holiday() -> None:
    christmas_cover = Calendar(
        tz=LONDON,
        weekly=WEEKDAYS,
        holiday_country="GB",
        special={date(2024, 12, 25): (Shift(time(10), time(14)),)},
    )
    assert is_open(datetime(2024, 12, 25, 10, tzinfo=LONDON), christmas_cover)
    assert not is_open(datetime(2024, 12, 26, 10, tzinfo=LONDON), christmas_cover)  # Boxing Day


def test_christmas_eve_special_day_runs_nine_to_twelve() -> None:
    office = Calendar(
        tz=LONDON,
        weekly=WEEKDAYS,
        holiday_country="GB",
        holiday_subdiv="ENG",
        special={date(2024, 12, 24): (Shift(time(9), time(12)),)},
    )
    eve = datetime(2024, 12, 24, tzinfo=LONDON)
    assert business_seconds_between(eve, eve + timedelta(days=1), office) == 3 * HOUR
    assert not is_open(datetime(2024, 12, 24, 12, tzinfo=LONDON), office)
    # 11:00-12:00 on the 24th, the 25th and 26th are bank holidays, then 09:00-10:00 on the 27th.
    due = add_business_seconds(datetime(2024, 12, 24, 11, tzinfo=LONDON), 2 * HOUR, office)
    assert due == datetime(2024, 12, 27, 10, tzinfo=LONDON)


def test_closed_day_closes_its_weekly_hours() -> None:
    office = Calendar(tz=LONDON, weekly=WEEKDAYS, closed=frozenset({date(2024, 1, 8)}))
    due = add_business_seconds(datetime(2024, 1, 5, 16, tzinfo=LONDON), 2 * HOUR, office)
    assert due == datetime(2024, 1, 9, 10, tzinfo=LONDON)


# --- DST: real elapsed seconds ----------------------------------------------------------


def test_spring_forward_one_to_three_is_one_hour() -> None:
    # London, 2024-03-31: 01:00 GMT jumps to 02:00 BST.
    sunday = on_sundays(LONDON, Shift(time(1), time(3)))
    assert open_seconds_on(date(2024, 3, 31), sunday) == HOUR
    assert add_business_seconds(utc(2024, 3, 31), HOUR, sunday) == utc(2024, 3, 31, 2)


def test_fall_back_one_to_three_is_three_hours() -> None:
    # London, 2024-10-27: 02:00 BST falls back to 01:00 GMT.
    sunday = on_sundays(LONDON, Shift(time(1), time(3)))
    assert open_seconds_on(date(2024, 10, 27), sunday) == 3 * HOUR
    assert next_opening(utc(2024, 10, 26, 12), sunday) == utc(2024, 10, 27, 0)  # 01:00 BST
    assert next_closing(utc(2024, 10, 26, 12), sunday) == utc(2024, 10, 27, 3)  # 03:00 GMT
    new_york = on_sundays(NEW_YORK, Shift(time(1), time(3)))
    assert open_seconds_on(date(2024, 11, 3), new_york) == 3 * HOUR


def test_shift_starting_in_a_gap_opens_at_the_transition() -> None:
    # New York, 2024-03-10: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 never happens.
    sunday = on_sundays(NEW_YORK, Shift(time(2, 30), time(5)))
    opening = next_opening(datetime(2024, 3, 10, tzinfo=NEW_YORK), sunday)
    assert opening == utc(2024, 3, 10, 7)
    assert opening == datetime(2024, 3, 10, 3, tzinfo=NEW_YORK)
    assert open_seconds_on(date(2024, 3, 10), sunday) == 2 * HOUR


def test_shift_ending_in_a_gap_closes_at_the_transition() -> None:
    sunday = on_sundays(NEW_YORK, Shift(time(0), time(2, 30)))
    assert next_closing(datetime(2024, 3, 10, 1, tzinfo=NEW_YORK), sunday) == utc(2024, 3, 10, 7)
    assert open_seconds_on(date(2024, 3, 10), sunday) == 2 * HOUR


def test_midnight_that_never_happens_opens_the_day_at_one() -> None:
    # Sao Paulo, 2018-11-04 (its last DST start): 00:00 -03 jumped to 01:00 -02.
    sunday = on_sundays(SAO_PAULO, Shift(time(0), time(8)))
    assert next_opening(utc(2018, 11, 3, 12), sunday) == utc(2018, 11, 4, 3)
    assert open_seconds_on(date(2018, 11, 4), sunday) == 7 * HOUR


def test_shift_starting_in_a_fold_opens_at_the_first_occurrence() -> None:
    # New York, 2024-11-03: 02:00 EDT falls back to 01:00 EST at 06:00 UTC.
    sunday = on_sundays(NEW_YORK, Shift(time(1, 30), time(4)))
    assert next_opening(utc(2024, 11, 3), sunday) == utc(2024, 11, 3, 5, 30)  # 01:30 EDT
    # Instants whose wall time is inside 01:30-04:00: 01:30-02:00 EDT, then (the clock
    # reads 01:00-01:30 again, outside the shift) 01:30 EST to 04:00 EST.
    assert is_open(utc(2024, 11, 3, 5, 45), sunday)
    assert not is_open(utc(2024, 11, 3, 6, 15), sunday)
    assert is_open(utc(2024, 11, 3, 6, 30), sunday)
    assert open_seconds_on(date(2024, 11, 3), sunday) == 3 * HOUR


def test_shift_ending_in_a_fold_closes_at_the_last_occurrence() -> None:
    sunday = on_sundays(NEW_YORK, Shift(time(0), time(1, 30)))
    assert next_closing(utc(2024, 11, 3, 6, 10), sunday) == utc(2024, 11, 3, 6, 30)  # 01:30 EST
    assert next_closing(utc(2024, 11, 3, 4), sunday) == utc(2024, 11, 3, 5, 30)  # 01:30 EDT
    assert open_seconds_on(date(2024, 11, 3), sunday) == 2 * HOUR


def test_southern_hemisphere_fall_back_in_april_doubles_two_to_three() -> None:
    # Sydney, 2024-04-07: 03:00 AEDT falls back to 02:00 AEST.
    sunday = on_sundays(SYDNEY, Shift(time(2), time(3)))
    assert open_seconds_on(date(2024, 4, 7), sunday) == 2 * HOUR


def test_southern_hemisphere_spring_forward_in_october_loses_an_hour() -> None:
    # Sydney, 2024-10-06: 02:00 AEST jumps to 03:00 AEDT.
    sunday = on_sundays(SYDNEY, Shift(time(1), time(4)))
    assert open_seconds_on(date(2024, 10, 6), sunday) == 2 * HOUR


def test_quarter_hour_zone_fall_back() -> None:
    # Chatham, 2024-04-07: 03:45 +1345 falls back to 02:45 +1245.
    sunday = on_sundays(CHATHAM, Shift(time(2, 45), time(3, 45)))
    assert open_seconds_on(date(2024, 4, 7), sunday) == 2 * HOUR


def test_results_come_back_in_the_zone_of_the_input() -> None:
    start = datetime(2024, 1, 8, 10, tzinfo=NEW_YORK)  # 15:00 in London
    due = add_business_seconds(start, HOUR, LONDON_OFFICE)
    assert due.tzinfo is NEW_YORK
    assert due == datetime(2024, 1, 8, 11, tzinfo=NEW_YORK)


# --- due times ----------------------------------------------------------------------------


def test_target_ending_exactly_at_closing_is_due_at_closing() -> None:
    monday_four = datetime(2024, 1, 8, 16, tzinfo=LONDON)
    due = add_business_seconds(monday_four, HOUR, LONDON_OFFICE)
    assert due == datetime(2024, 1, 8, 17, tzinfo=LONDON)
    assert not is_open(due, LONDON_OFFICE)
    one_more = add_business_seconds(monday_four, HOUR + 1, LONDON_OFFICE)
    assert one_more == datetime(2024, 1, 9, 9, 0, 1, tzinfo=LONDON)


def test_zero_target_is_due_at_the_start_itself_even_when_closed() -> None:
    saturday = datetime(2024, 1, 6, 12, 0, 0, 500_000, tzinfo=LONDON)
    assert add_business_seconds(saturday, 0, LONDON_OFFICE) is saturday
    assert add_business_seconds_epoch(1_704_542_400, 0, LONDON_OFFICE) == 1_704_542_400


def test_start_outside_hours_runs_from_the_next_opening() -> None:
    saturday = datetime(2024, 1, 6, 12, tzinfo=LONDON)
    assert add_business_seconds(saturday, HOUR, LONDON_OFFICE) == datetime(
        2024, 1, 8, 10, tzinfo=LONDON
    )
    early = datetime(2024, 1, 8, 7, tzinfo=LONDON)
    assert add_business_seconds(early, 1800, LONDON_OFFICE) == datetime(
        2024, 1, 8, 9, 30, tzinfo=LONDON
    )
    at_close = datetime(2024, 1, 8, 17, tzinfo=LONDON)
    assert add_business_seconds(at_close, 60, LONDON_OFFICE) == datetime(
        2024, 1, 9, 9, 1, tzinfo=LONDON
    )


def test_sub_second_parts_are_floored() -> None:
    start = datetime(2024, 1, 8, 9, 0, 0, 999_999, tzinfo=LONDON)
    end = datetime(2024, 1, 8, 9, 0, 1, 200_000, tzinfo=LONDON)
    assert business_seconds_between(start, end, LONDON_OFFICE) == 1
    assert add_business_seconds(start, 1, LONDON_OFFICE) == datetime(
        2024, 1, 8, 9, 0, 1, tzinfo=LONDON
    )


def test_between_backwards_is_negative() -> None:
    a = datetime(2024, 1, 8, 10, tzinfo=LONDON)
    b = datetime(2024, 1, 9, 11, tzinfo=LONDON)
    assert business_seconds_between(a, b, LONDON_OFFICE) == 9 * HOUR
    assert business_seconds_between(b, a, LONDON_OFFICE) == -9 * HOUR


def test_between_is_zero_when_no_open_time_lies_between() -> None:
    friday_night = datetime(2024, 1, 5, 18, tzinfo=LONDON)
    monday_morning = datetime(2024, 1, 8, 9, tzinfo=LONDON)
    assert business_seconds_between(friday_night, monday_morning, LONDON_OFFICE) == 0


def test_next_opening_is_the_instant_itself_when_open() -> None:
    monday = datetime(2024, 1, 8, 12, tzinfo=LONDON)
    assert next_opening(monday, LONDON_OFFICE) == monday
    assert next_opening(datetime(2024, 1, 8, 17, tzinfo=LONDON), LONDON_OFFICE) == datetime(
        2024, 1, 9, 9, tzinfo=LONDON
    )


def test_back_to_back_shifts_across_midnight_close_once() -> None:
    cover = Calendar(
        tz=UTC, weekly={6: (Shift(time(22), time(6)),), 0: (Shift(time(6), time(14)),)}
    )
    assert next_closing(utc(2024, 1, 7, 23), cover) == utc(2024, 1, 8, 14)


def test_year_boundary_of_a_grown_table_is_seamless() -> None:
    nightly = Calendar(tz=NEW_YORK, weekly={d: (Shift(time(22), time(6)),) for d in range(7)})
    assert is_open(utc(2031, 6, 1, 3), nightly)  # first question: table covers 2031-2032
    new_year = datetime(2033, 1, 1, 6, tzinfo=NEW_YORK)
    assert next_closing(datetime(2032, 12, 31, 23, tzinfo=NEW_YORK), nightly) == new_year
    state = table_for(nightly).state
    assert state is not None
    lo, hi = state.lo, state.hi
    built_at_once = open_pairs(nightly, lo, hi)
    assert list(zip(state.opens, state.closes, strict=True)) == built_at_once
    assert lo == year_start(2031)


def test_long_target_grows_the_table_and_stays_exact() -> None:
    office = Calendar(tz=LONDON, weekly=WEEKDAYS, holiday_country="GB", holiday_subdiv="ENG")
    start = datetime(2024, 3, 1, 12, tzinfo=LONDON)
    five_years = 5 * 250 * 8 * HOUR
    due = add_business_seconds(start, five_years, office)
    assert due.year == 2029
    assert business_seconds_between(start, due, office) == five_years


# --- 24/7 ---------------------------------------------------------------------------------


def test_twenty_four_seven_counts_elapsed_seconds_across_dst() -> None:
    always = Calendar.twenty_four_seven(LONDON)
    start = datetime(2024, 3, 31, tzinfo=LONDON)
    assert business_seconds_between(start, start + timedelta(days=1), always) == 23 * HOUR
    # Real seconds: aware arithmetic in one tzinfo is wall-clock, so add in UTC.
    elapsed = start.astimezone(UTC) + timedelta(seconds=90_061)
    assert add_business_seconds(start, 90_061, always) == elapsed
    assert is_open(start, always)
    assert next_opening(start, always) == start


def test_twenty_four_seven_never_closes() -> None:
    with pytest.raises(ValueError, match="stays open for more than three years"):
        next_closing(utc(2024, 1, 1), Calendar.twenty_four_seven())


# --- errors -------------------------------------------------------------------------------


def test_calendar_with_no_open_hours_has_no_due_time() -> None:
    never = Calendar(tz=UTC, weekly={})
    with pytest.raises(ValueError, match="no open hours in the three years"):
        add_business_seconds(utc(2024, 1, 1), 1, never)
    with pytest.raises(ValueError, match="no open hours in the three years"):
        next_opening(utc(2024, 1, 1), never)
    with pytest.raises(ValueError, match="no open hours in the three years"):
        add_business_seconds_batch(np.array([1_704_067_200]), np.array([60]), never)
    assert business_seconds_between(utc(2024, 1, 1), utc(2025, 1, 1), never) == 0
    assert add_business_seconds(utc(2024, 1, 1), 0, never) == utc(2024, 1, 1)


def test_open_time_beyond_three_closed_years_is_not_searched_for() -> None:
    far = Calendar(tz=UTC, weekly={}, special={date(2029, 6, 1): NINE_TO_FIVE})
    with pytest.raises(ValueError, match="no open hours in the three years"):
        add_business_seconds(utc(2024, 1, 1), 60, far)
    near = Calendar(tz=UTC, weekly={}, special={date(2026, 6, 1): NINE_TO_FIVE})
    assert add_business_seconds(utc(2024, 1, 1), 60, near) == utc(2026, 6, 1, 9, 1)


def test_calendar_that_closes_for_good_stops_the_search() -> None:
    last_day = Calendar(tz=UTC, weekly={}, special={date(2024, 1, 2): NINE_TO_FIVE})
    assert add_business_seconds(utc(2024, 1, 1), 8 * HOUR, last_day) == utc(2024, 1, 2, 17)
    with pytest.raises(ValueError, match="no open hours in the three years after 2024-01-02T17"):
        add_business_seconds(utc(2024, 1, 1), 8 * HOUR + 1, last_day)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2024, 1, 8, 10)  # noqa: DTZ001
    with pytest.raises(ValueError, match="start must be timezone-aware, got naive"):
        add_business_seconds(naive, 60, LONDON_OFFICE)
    with pytest.raises(ValueError, match="end must be timezone-aware"):
        business_seconds_between(datetime(2024, 1, 8, tzinfo=LONDON), naive, LONDON_OFFICE)
    with pytest.raises(ValueError, match="at must be timezone-aware"):
        is_open(naive, LONDON_OFFICE)


def test_negative_targets_are_refused() -> None:
    with pytest.raises(ValueError, match="seconds must be >= 0"):
        add_business_seconds(utc(2024, 1, 1), -1, LONDON_OFFICE)
    with pytest.raises(ValueError, match="seconds must be >= 0 for every item"):
        add_business_seconds_batch(np.array([0]), np.array([-1]), LONDON_OFFICE)


def test_epoch_functions_take_integers_only() -> None:
    with pytest.raises(TypeError):
        is_open_epoch(1.5, LONDON_OFFICE)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="integer epoch seconds"):
        add_business_seconds_batch(np.array([1.5]), np.array([60]), LONDON_OFFICE)


def test_instants_outside_the_supported_years_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the supported years"):
        is_open(datetime(1800, 1, 1, tzinfo=DT_UTC), LONDON_OFFICE)


# --- epoch and batch families -------------------------------------------------------------


def test_epoch_family_matches_datetime_family() -> None:
    start = datetime(2024, 1, 5, 16, 30, tzinfo=LONDON)
    t = int(start.timestamp())
    assert add_business_seconds_epoch(t, HOUR, LONDON_OFFICE) == int(
        add_business_seconds(start, HOUR, LONDON_OFFICE).timestamp()
    )
    assert next_opening_epoch(t + 3 * HOUR, LONDON_OFFICE) == int(
        datetime(2024, 1, 8, 9, tzinfo=LONDON).timestamp()
    )
    assert next_closing_epoch(t, LONDON_OFFICE) == t + 1800
    assert business_seconds_between_epoch(t, t + 3 * 86_400, LONDON_OFFICE) == 1800 + 7.5 * HOUR
    assert is_open_epoch(t, LONDON_OFFICE)


def test_batch_answers_item_by_item_like_the_scalar_form() -> None:
    starts = np.array([1_704_465_000, 1_704_542_400, 1_704_704_400, 1_704_704_400], np.int64)
    seconds = np.array([3600, 3600, 0, 8 * 3600 * 10], np.int64)
    due = add_business_seconds_batch(starts, seconds, LONDON_OFFICE)
    expected = [
        add_business_seconds_epoch(int(s), int(n), LONDON_OFFICE)
        for s, n in zip(starts, seconds, strict=True)
    ]
    assert due.tolist() == expected
    assert business_seconds_between_batch(starts, due, LONDON_OFFICE).tolist() == seconds.tolist()


def test_batch_of_nothing_is_an_empty_array() -> None:
    empty = np.array([], dtype=np.int64)
    assert add_business_seconds_batch(empty, empty, LONDON_OFFICE).shape == (0,)
    assert business_seconds_between_batch(empty, empty, LONDON_OFFICE).shape == (0,)


def test_batch_broadcasts_one_duration_over_many_starts() -> None:
    starts = np.array([1_704_704_400, 1_704_708_000], np.int64)  # Mon 09:00, 10:00 GMT
    due = add_business_seconds_batch(starts, 3600, LONDON_OFFICE)
    assert due.tolist() == [1_704_708_000, 1_704_711_600]
