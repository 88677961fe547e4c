"""Explained due times: hand-checked stories of clocks, and the counted time adding up exactly.

Bank holiday dates are those of https://www.gov.uk/bank-holidays (England and Wales):
Good Friday 3 April 2026, Easter Monday 6 April 2026; in 2027 Christmas Day falls on a
Saturday, so Monday 27 and Tuesday 28 December are the substitute days. UK clocks go
forward at 01:00 GMT on the last Sunday of March and back at 01:00 GMT (02:00 BST) on
the last Sunday of October (https://www.gov.uk/when-do-the-clocks-change): 29 March and
25 October in 2026.
"""

import json
from datetime import UTC as DT_UTC
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.sla_strategies import CHEAP_SETTINGS, zone_calendar_instant
from tierdesk.domain.sla import Calendar, Shift, business_seconds_between_epoch, holiday_dates
from tierdesk.domain.sla.explain import (
    MAX_ENTRIES,
    Audience,
    ClockState,
    Counted,
    GapKind,
    LedgerStep,
    Skipped,
    Summary,
    Transition,
    explain,
    holiday_names,
    timeline,
)
from tierdesk.domain.sla.explain_json import explanation_json
from tierdesk.domain.sla.explain_text import render_text

LONDON = ZoneInfo("Europe/London")
HOUR, MINUTE = 3600, 60
NINE_TO_FIVE = (Shift(time(9), time(17)),)
OFFICE = Calendar(
    tz=LONDON,
    weekly={d: NINE_TO_FIVE for d in range(5)},
    holiday_country="GB",
    holiday_subdiv="ENG",
)
ALWAYS_LONDON = Calendar.twenty_four_seven(LONDON)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[arg-type, misc]


def epoch(at: datetime) -> int:
    return int(at.timestamp())


def step(
    seq: int,
    at: datetime,
    transition: Transition,
    *,
    elapsed: int = 0,
    target: int = 8 * HOUR,
    running: bool = True,
    due: datetime | None = None,
    calendar: Calendar | None = OFFICE,
    cause: str = "",
    reason: str = "",
    cause_internal: bool = False,
) -> LedgerStep:
    return LedgerStep(
        seq=seq,
        at=at,
        transition=transition,
        running=running,
        elapsed_seconds=elapsed,
        target_seconds=target,
        warn_percent=75,
        business_time=calendar is not None,
        calendar=calendar,
        due_after=due if running else None,
        reason=reason,
        cause=cause,
        cause_internal=cause_internal,
    )


def only_span_entries(calendar: Calendar, start: datetime, end: datetime) -> list:
    return timeline(calendar, epoch(start), epoch(end), now=epoch(end), notes={})


# --- closed stretches and their reasons --------------------------------------------------


def test_easter_2026_names_good_friday_the_weekend_and_easter_monday() -> None:
    started = step(1, london(2026, 4, 2, 15), Transition.STARTED, due=london(2026, 4, 7, 15))

    explanation = explain([started], now=london(2026, 4, 2, 16))

    skipped = [e for e in explanation.spans[0].entries if isinstance(e, Skipped)]
    assert [(r.kind, r.label, r.first_day, r.last_day) for r in skipped[0].reasons] == [
        (GapKind.HOLIDAY, "Good Friday", date(2026, 4, 3), date(2026, 4, 3)),
        (GapKind.WEEKEND, "weekend", date(2026, 4, 4), date(2026, 4, 5)),
        (GapKind.HOLIDAY, "Easter Monday", date(2026, 4, 6), date(2026, 4, 6)),
    ]
    assert (skipped[0].start, skipped[0].end) == (london(2026, 4, 2, 17), london(2026, 4, 7, 9))
    text = render_text(explanation, LONDON)
    assert (
        "Good Friday (Fri 3 Apr); weekend (Sat 4 Apr - Sun 5 Apr); Easter Monday (Mon 6 Apr)"
        in text
    )


def test_easter_arithmetic_two_hours_thursday_six_on_tuesday() -> None:
    started = step(1, london(2026, 4, 2, 15), Transition.STARTED, due=london(2026, 4, 7, 15))

    explanation = explain([started], now=london(2026, 4, 2, 16))

    arithmetic = explanation.steps[0].arithmetic
    assert arithmetic.computed_due == london(2026, 4, 7, 15)
    assert arithmetic.agrees
    assert explanation.spans[0].counted_seconds == 1 * HOUR
    assert explanation.spans[0].upcoming_seconds == 7 * HOUR
    assert "8 h left from Thu 2 Apr 15:00 -> due Tue 7 Apr 15:00 Europe/London (BST)" in (
        render_text(explanation, LONDON)
    )


def test_holiday_on_a_saturday_is_the_weekend_its_substitute_days_are_named() -> None:
    entries = only_span_entries(OFFICE, london(2027, 12, 24, 16), london(2027, 12, 29, 10))

    gap = entries[1]
    assert isinstance(gap, Skipped)
    assert [(r.kind, r.label, r.first_day) for r in gap.reasons] == [
        (GapKind.WEEKEND, "weekend", date(2027, 12, 25)),
        (GapKind.HOLIDAY, "Christmas Day (observed)", date(2027, 12, 27)),
        (GapKind.HOLIDAY, "Boxing Day (observed)", date(2027, 12, 28)),
    ]


def test_spring_forward_weekend_is_an_hour_shorter_and_says_so() -> None:
    entries = only_span_entries(OFFICE, london(2026, 3, 27, 16), london(2026, 3, 30, 10))

    gap = entries[1]
    assert isinstance(gap, Skipped)
    # Fri 17:00 GMT to Mon 09:00 BST: 64 wall-clock hours, 63 real ones.
    assert gap.seconds == 63 * HOUR
    assert [r.kind for r in gap.reasons] == [GapKind.WEEKEND, GapKind.CLOCKS_FORWARD]
    change = gap.reasons[1].change
    assert change is not None
    assert change.at == datetime(2026, 3, 29, 1, tzinfo=DT_UTC)
    assert (change.name_before, change.name_after, change.shift_seconds) == ("GMT", "BST", HOUR)
    assert sum(e.seconds for e in entries if isinstance(e, Counted)) == 2 * HOUR


def test_spring_forward_text_names_the_wall_clock_on_both_sides() -> None:
    started = step(1, london(2026, 3, 27, 16), Transition.STARTED, due=london(2026, 3, 30, 16))

    text = render_text(explain([started], now=london(2026, 3, 27, 16)), LONDON)

    assert (
        "clocks went forward 1 h at 01:00 GMT on Sun 29 Mar (to 02:00 BST): "
        "this night is 1 h shorter"
    ) in text


def test_fall_back_inside_counted_24_7_hours_counts_the_25_real_hours() -> None:
    entries = only_span_entries(ALWAYS_LONDON, london(2026, 10, 24, 12), london(2026, 10, 25, 12))

    (counted,) = entries
    assert isinstance(counted, Counted)
    assert counted.seconds == 25 * HOUR
    (change,) = counted.changes
    assert change.at == datetime(2026, 10, 25, 1, tzinfo=DT_UTC)
    assert change.shift_seconds == -HOUR


def test_fall_back_text_inside_counted_hours() -> None:
    started = step(
        1,
        london(2026, 10, 24, 12),
        Transition.STARTED,
        target=25 * HOUR,
        calendar=ALWAYS_LONDON,
        due=london(2026, 10, 25, 12),
    )

    text = render_text(explain([started], now=london(2026, 10, 24, 13)), LONDON)

    assert (
        "clocks went back 1 h at 02:00 BST on Sun 25 Oct (to 01:00 GMT): "
        "1 h more than the wall clock shows"
    ) in text


def test_custom_closed_day_is_named_by_its_note() -> None:
    calendar = Calendar(
        tz=LONDON, weekly={d: NINE_TO_FIVE for d in range(5)}, closed=frozenset({date(2026, 4, 22)})
    )

    entries = timeline(
        calendar,
        epoch(london(2026, 4, 21, 16)),
        epoch(london(2026, 4, 23, 10)),
        now=epoch(london(2026, 4, 21, 16, 30)),
        notes={date(2026, 4, 22): "Office move"},
    )

    gap = entries[2]
    assert isinstance(gap, Skipped)
    assert [(r.kind, r.label, r.first_day) for r in gap.reasons] == [
        (GapKind.CUSTOM_CLOSED, "Office move", date(2026, 4, 22))
    ]
    assert [e.upcoming for e in entries if isinstance(e, Counted)] == [False, True, True]


def test_shorter_custom_hours_show_the_hours_and_the_note() -> None:
    calendar = Calendar(
        tz=LONDON,
        weekly={d: NINE_TO_FIVE for d in range(5)},
        special={date(2026, 12, 24): (Shift(time(9), time(13)),)},
    )
    started = step(
        1,
        london(2026, 12, 24, 12),
        Transition.STARTED,
        calendar=calendar,
        due=london(2026, 12, 28, 11),
    )

    explanation = explain(
        [started], now=london(2026, 12, 24, 12), day_notes={date(2026, 12, 24): "Christmas Eve"}
    )

    gap = explanation.spans[0].entries[1]
    assert isinstance(gap, Skipped)
    assert (gap.reasons[0].kind, gap.reasons[0].hours) == (GapKind.CUSTOM_HOURS, "open 09:00-13:00")
    assert "custom hours: Christmas Eve (Thu 24 Dec, open 09:00-13:00)" in render_text(
        explanation, LONDON
    )


def test_an_ordinary_night_and_a_lunch_break() -> None:
    split = Calendar(tz=LONDON, weekly={0: (Shift(time(9), time(12)), Shift(time(13), time(17)))})

    night = only_span_entries(OFFICE, london(2026, 4, 20, 16), london(2026, 4, 21, 10))[1]
    lunch = only_span_entries(split, london(2026, 4, 20, 11), london(2026, 4, 20, 14))[1]

    assert isinstance(night, Skipped)
    assert isinstance(lunch, Skipped)
    assert [r.kind for r in night.reasons] == [GapKind.NIGHT]
    assert [r.kind for r in lunch.reasons] == [GapKind.OUTSIDE_HOURS]


# --- steps: pause, resume, target change -------------------------------------------------

MONDAY = london(2026, 4, 20, 9)
PAUSE = step(
    2,
    london(2026, 4, 20, 11, 10),
    Transition.PAUSED,
    elapsed=2 * HOUR + 10 * MINUTE,
    running=False,
    cause="Alice set the ticket to pending",
    reason="status pending",
)
RESUME = step(
    3,
    london(2026, 4, 20, 18),
    Transition.RESUMED,
    elapsed=2 * HOUR + 10 * MINUTE,
    due=london(2026, 4, 21, 14, 50),
    cause="Carol replied by email",
)
LEDGER = [step(1, MONDAY, Transition.STARTED, due=london(2026, 4, 20, 17)), PAUSE, RESUME]


def test_pause_explains_the_time_counted_before_it_and_the_due_time_after() -> None:
    explanation = explain(LEDGER, now=london(2026, 4, 21, 10))

    assert [s.seq for s in explanation.spans] == [1, 3]
    assert explanation.spans[0].until is Transition.PAUSED
    resumed = explanation.steps[2].arithmetic
    assert resumed.counting_from == london(2026, 4, 21, 9)
    assert resumed.left_seconds == 5 * HOUR + 50 * MINUTE
    assert resumed.agrees
    assert (explanation.elapsed_seconds, explanation.left_seconds) == (
        3 * HOUR + 10 * MINUTE,
        4 * HOUR + 50 * MINUTE,
    )
    text = render_text(explanation, LONDON)
    assert "Paused (Alice set the ticket to pending; status pending)" in text
    assert "2 h 10 min counted before the pause" in text
    assert (
        "Target 8 h business time; 2 h 10 min counted so far; 5 h 50 min left from "
        "Tue 21 Apr 09:00 -> due Tue 21 Apr 14:50 Europe/London (BST)."
    ) in text


def test_paused_clock_has_no_due_time_and_says_what_is_left() -> None:
    explanation = explain(LEDGER[:2], now=london(2026, 4, 20, 15))

    assert (explanation.state, explanation.due) == (ClockState.PAUSED, None)
    assert render_text(explanation, LONDON).startswith(
        "Paused. Target 8 h business time; 2 h 10 min counted, 5 h 50 min left when it runs again."
    )


def test_target_change_keeps_the_time_counted() -> None:
    shorter = step(
        4,
        london(2026, 4, 21, 10),
        Transition.RETARGETED,
        elapsed=3 * HOUR + 10 * MINUTE,
        target=4 * HOUR,
        due=london(2026, 4, 21, 10, 50),
        reason="priority normal -> urgent",
    )

    explanation = explain([*LEDGER, shorter], now=london(2026, 4, 21, 10, 30))

    change = explanation.steps[3].target_change
    assert change is not None
    assert (change.before_seconds, change.after_seconds, change.elapsed_kept_seconds) == (
        8 * HOUR,
        4 * HOUR,
        3 * HOUR + 10 * MINUTE,
    )
    assert explanation.due == london(2026, 4, 21, 10, 50)
    assert explanation.left_seconds == 20 * MINUTE  # 4 h - (3 h 10 min + 30 min)
    text = render_text(explanation, LONDON)
    assert "Target changed (priority normal -> urgent)." in text
    assert "Target 8 h business time -> 4 h business time; 3 h 10 min counted is kept." in text


def test_a_recorded_due_time_the_calendar_disagrees_with_is_reported_to_agents() -> None:
    wrong = [step(1, MONDAY, Transition.STARTED, due=london(2026, 4, 20, 18))]

    explanation = explain(wrong, now=MONDAY)

    assert not explanation.steps[0].arithmetic.agrees
    assert "The calendar gives Mon 20 Apr 17:00; the recorded due time differs." in render_text(
        explanation, LONDON
    )


def test_breached_clock_still_running_is_told_up_to_now() -> None:
    breached = step(
        4, london(2026, 4, 21, 14, 50), Transition.BREACHED, elapsed=8 * HOUR, due=RESUME.due_after
    )

    explanation = explain([*LEDGER, breached], now=london(2026, 4, 21, 16))

    assert explanation.spans[-1].end == london(2026, 4, 21, 16)
    assert not explanation.spans[-1].ends_at_due
    assert explanation.left_seconds == -70 * MINUTE
    assert "over by 1 h 10 min" in render_text(explanation, LONDON)


def test_customers_see_no_warning_breach_or_internal_cause() -> None:
    warned = step(
        4,
        london(2026, 4, 21, 13, 30),
        Transition.WARNED,
        elapsed=6 * HOUR + 40 * MINUTE,
        due=RESUME.due_after,
    )
    breached = step(
        5, london(2026, 4, 21, 14, 50), Transition.BREACHED, elapsed=8 * HOUR, due=RESUME.due_after
    )
    internal = step(
        3,
        RESUME.at,
        Transition.RESUMED,
        elapsed=RESUME.elapsed_seconds,
        due=RESUME.due_after,
        cause="internal note by Alice",
        reason="escalated to second line",
        cause_internal=True,
    )
    ledger = [LEDGER[0], PAUSE, internal, warned, breached]

    explanation = explain(ledger, now=london(2026, 4, 21, 16), audience=Audience.CUSTOMER)

    assert [s.transition for s in explanation.steps] == [
        Transition.STARTED,
        Transition.PAUSED,
        Transition.RESUMED,
    ]
    assert (explanation.steps[2].cause, explanation.steps[2].reason) == ("", "")
    assert {s.warn_percent for s in explanation.steps} == {None}
    # The hidden steps leave one stretch from the resume up to now, counted exactly.
    assert [s.seq for s in explanation.spans] == [1, 3]
    assert explanation.spans[1].counted_seconds == 7 * HOUR
    text = render_text(explanation, LONDON).lower()
    for hidden in ("warn", "breach", "over by", "internal note", "second line", "75%"):
        assert hidden not in text


# --- long stretches ------------------------------------------------------------------------


def test_a_long_stretch_is_summarised_but_keeps_holidays_and_dst_by_name() -> None:
    start, end = london(2026, 3, 2, 9), london(2026, 5, 29, 17)

    explanation = explain([step(1, start, Transition.STARTED, target=600 * HOUR)], now=end)

    span = explanation.spans[0]
    assert len(span.entries) <= MAX_ENTRIES
    assert any(isinstance(e, Summary) for e in span.entries)
    labels = {r.label for e in span.entries if isinstance(e, Skipped) for r in e.reasons}
    assert {"Good Friday", "Easter Monday", "May Day", "Spring Bank Holiday"} <= labels
    assert "clocks went forward 1 h" in labels
    total = sum(
        e.seconds if isinstance(e, Counted) else e.counted_seconds
        for e in span.entries
        if not isinstance(e, Skipped)
    )
    assert total == business_seconds_between_epoch(epoch(start), epoch(end), OFFICE)


def test_holiday_names_cover_exactly_the_holiday_dates() -> None:
    assert set(holiday_names("GB", "ENG", 2026)) == holiday_dates("GB", "ENG", 2026)
    assert holiday_names("GB", "ENG", 2026)[date(2026, 4, 3)] == ("Good Friday",)
    assert holiday_names("GB", "ENG", 2026)[date(2026, 4, 6)] == ("Easter Monday",)


# --- rejections ---------------------------------------------------------------------------


def test_an_empty_ledger_is_refused() -> None:
    with pytest.raises(ValueError, match="at least the step that started it"):
        explain([], now=MONDAY)


def test_steps_going_back_in_time_are_refused() -> None:
    with pytest.raises(ValueError, match="must not go back in time"):
        explain([LEDGER[0], step(2, MONDAY - timedelta(hours=1), Transition.PAUSED)], now=MONDAY)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        explain(LEDGER, now=datetime(2026, 4, 20, 9))


# --- properties --------------------------------------------------------------------------


@CHEAP_SETTINGS
@given(
    case=zone_calendar_instant(),
    length=st.integers(1, 45 * 86_400),
    cut=st.floats(0, 1),
)
def test_counted_intervals_add_up_to_business_seconds_between(
    case: tuple[Calendar, int], length: int, cut: float
) -> None:
    calendar, start = case
    end = start + length
    now = start + int(length * cut)

    entries = timeline(calendar, start, end, now=now, notes={})

    counted = sum(e.seconds for e in entries if isinstance(e, Counted))
    assert counted == business_seconds_between_epoch(start, end, calendar)
    before_now = sum(e.seconds for e in entries if isinstance(e, Counted) and not e.upcoming)
    assert before_now == business_seconds_between_epoch(start, now, calendar)
    # The entries tile the stretch: each begins where the last ended; every gap has a reason.
    bounds = [(epoch(e.start), epoch(e.end)) for e in entries]
    assert [a for a, _ in bounds] == [start, *[b for _, b in bounds[:-1]]]
    assert bounds[-1][1] == end
    assert all(e.reasons for e in entries if isinstance(e, Skipped))


def test_a_late_answer_reads_as_an_answer_to_customers() -> None:
    late = step(
        4, london(2026, 4, 21, 15), Transition.SATISFIED_LATE, elapsed=8 * HOUR, running=False
    )

    explanation = explain([*LEDGER, late], now=london(2026, 4, 21, 16), audience=Audience.CUSTOMER)

    assert explanation.steps[-1].transition is Transition.ACHIEVED
    assert (explanation.state, explanation.left_seconds) == (ClockState.ACHIEVED, 0)
    assert render_text(explanation, LONDON).startswith("Answered.")


# --- JSON --------------------------------------------------------------------------------


def test_json_is_plain_data_with_holidays_by_name_and_typed_entries() -> None:
    started = step(1, london(2026, 4, 2, 15), Transition.STARTED, due=london(2026, 4, 7, 15))

    data = json.loads(json.dumps(explanation_json(explain([started], now=london(2026, 4, 2, 16)))))

    entries = data["spans"][0]["entries"]
    assert [e["type"] for e in entries] == ["counted", "counted", "skipped", "counted"]
    assert [r["label"] for r in entries[2]["reasons"]] == [
        "Good Friday",
        "weekend",
        "Easter Monday",
    ]
    assert (data["due"], data["time_zone"]) == ("2026-04-07T15:00:00+01:00", "Europe/London")
    assert data["steps"][0]["arithmetic"]["left_seconds"] == 8 * HOUR


def test_a_clock_met_after_its_target_reads_as_met_late_for_agents() -> None:
    ledger = [
        step(
            1, london(2026, 4, 20, 9), Transition.STARTED, target=HOUR, due=london(2026, 4, 20, 10)
        ),
        step(2, london(2026, 4, 20, 10), Transition.BREACHED, elapsed=HOUR, target=HOUR),
        step(
            3,
            london(2026, 4, 20, 11),
            Transition.SATISFIED_LATE,
            elapsed=2 * HOUR,
            target=HOUR,
            running=False,
        ),
    ]
    explanation = explain(ledger, now=london(2026, 4, 21, 9))
    assert render_text(explanation, LONDON).startswith(
        "Met late (breached). Target 1 h business time; 2 h counted, 1 h over."
    )
    customer = explain(ledger, now=london(2026, 4, 21, 9), audience=Audience.CUSTOMER)
    assert render_text(customer, LONDON).startswith("Answered.")
