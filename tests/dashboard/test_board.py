"""board() on the hand-built two-day history (conftest.py), number by number."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from tierdesk.domain.kpi.trend import Trend
from tierdesk.errors import Invalid, NotAllowed
from tierdesk.kpis.board import agent_numbers, board, period_starts

from .conftest import DAY_END, DAY_START

MON_START = datetime(2026, 3, 2, tzinfo=UTC)


def cards(result):
    return {c.kpi: c for c in result.cards}


def series(result):
    return {s.kpi: s.points for s in result.series}


@pytest.fixture
def tuesday(history, maria):
    return board(actor=maria, start=DAY_START, end=DAY_END)


def test_range_and_previous_range(tuesday):
    assert (tuesday.start, tuesday.end) == (DAY_START, DAY_END)
    assert (tuesday.previous_start, tuesday.previous_end) == (MON_START, DAY_START)
    assert tuesday.period == "day"


def test_volume_cards_against_monday(tuesday):
    c = cards(tuesday)
    # Tuesday: t1, t2, t3, g1 created; t1, t2 solved. Monday: p1, p2 created and solved.
    assert (c["created"].value, c["created"].previous) == (4, 2)
    assert c["created"].trend == Trend(100.0, "%", "▲", None)  # volume is neither good nor bad
    assert (c["solved"].value, c["solved"].previous) == (2, 2)
    assert c["solved"].trend == Trend(0.0, "%", "=", None)
    # Open at Wednesday 00:00: t3 and g1; at Tuesday 00:00 nothing: no percent change from 0.
    assert (c["backlog"].value, c["backlog"].previous) == (2, 0)
    assert c["backlog"].trend == Trend(None, "%", None, None)


def test_attainment_cards_against_monday_and_the_blended_goal(tuesday):
    c = cards(tuesday)
    # First response: t1, t3 met, t2 late (g1 still running). Monday: p1 met, p2 late.
    fr = c["sla_first_response"]
    assert (fr.value, fr.previous) == (2 / 3, 0.5)
    assert fr.trend.unit == "pp" and fr.trend.arrow == "▲" and fr.trend.good is True
    assert fr.trend.change == 16.7  # 66.7% - 50%, to one decimal
    # All three clocks are Premium's: the goal is Premium's 95%.
    assert (fr.goal, fr.met) == (0.95, False)
    res = c["sla_resolution"]
    assert (res.value, res.previous, res.goal, res.met) == (1.0, 1.0, 0.95, True)
    nr = c["sla_next_response"]
    assert (nr.value, nr.previous, nr.goal, nr.met) == (None, None, None, None)


def test_duration_cards_are_medians_against_monday(tuesday):
    c = cards(tuesday)
    # First response in business minutes: 20, 30, 120 -> 30; Monday 20, 90 -> 20 (lower middle).
    fr = c["first_response_business_time"]
    assert (fr.value, fr.previous) == (1800.0, 1200.0)
    assert fr.trend == Trend(50.0, "%", "▲", False)  # slower is worse
    assert fr.goal is None  # tiers mixed: each tier card carries its own target
    # Resolution: 120 and 230 min -> 120; Monday 60 and 120 -> 60.
    res = c["resolution_business_time"]
    assert (res.value, res.previous) == (7200.0, 3600.0)
    assert res.trend.good is False


def test_no_survey_or_call_data_is_none_never_zero(tuesday):
    c = cards(tuesday)
    for kpi in ("csat", "nps", "ces", "abandonment"):
        assert (c[kpi].value, c[kpi].previous, c[kpi].trend.arrow) == (None, None, None)
    assert c["first_contact_resolution"].value == 1.0


def test_tier_cards_against_each_tiers_goal_and_target(tuesday):
    tiers = {t.tier: t for t in tuesday.tiers}
    assert list(tiers) == ["Basic", "Standard", "Premium", "VIP"]
    premium = {c.kpi: c for c in tiers["Premium"].cards}
    assert tiers["Premium"].goal_percent == 95
    assert tiers["Premium"].first_response_target_seconds == 3600
    assert (premium["sla_first_response"].value, premium["sla_first_response"].met) == (
        2 / 3,
        False,
    )
    assert premium["sla_first_response"].previous == 0.5
    assert (premium["sla_resolution"].value, premium["sla_resolution"].met) == (1.0, True)
    median = premium["first_response_business_time"]
    assert (median.value, median.goal, median.met) == (1800.0, 3600.0, True)
    basic = {c.kpi: c for c in tiers["Basic"].cards}
    assert tiers["Basic"].first_response_target_seconds == 86_400
    assert [c.value for c in basic.values()] == [None, None, None]
    assert basic["sla_first_response"].goal == 0.8


def test_series_per_day(history, maria):
    result = board(actor=maria, start=MON_START, end=DAY_END)
    s = series(result)
    mon, tue = date(2026, 3, 2), date(2026, 3, 3)
    assert s["created"] == ((mon, 2.0), (tue, 4.0))
    assert s["solved"] == ((mon, 2.0), (tue, 2.0))
    assert s["sla_first_response"] == ((mon, 0.5), (tue, 2 / 3))
    assert s["sla_next_response"] == ((mon, None), (tue, None))
    assert s["csat"] == ((mon, None), (tue, None))
    # Compared with the two days before, which had nothing.
    assert cards(result)["created"].previous == 0


def test_tier_table(tuesday):
    basic, premium = (r for r in tuesday.by_tier.rows if r["tier"] in ("Basic", "Premium"))
    assert basic == {
        "tier": "Basic",
        "created": 1,
        "solved": 0,
        "sla_first_response": None,
        "sla_resolution": None,
        "first_contact_resolution": None,
        "first_response_business_time": None,
        "backlog": 1,
        "goal": 0.8,
    }
    assert premium == {
        "tier": "Premium",
        "created": 3,
        "solved": 2,
        "sla_first_response": 2 / 3,
        "sla_resolution": 1.0,
        "first_contact_resolution": 1.0,
        "first_response_business_time": 1800.0,
        "backlog": 1,
        "goal": 0.95,
    }


def test_breakdown_by_agent(tuesday):
    assert tuesday.breakdown.by == "agent"
    assert tuesday.breakdown.rows == (
        # t1 and t3 answered in 30 and 20 min: the lower middle is 20.
        {
            "agent": "alice",
            "created": 2,
            "solved": 1,
            "sla_first_response": 1.0,
            "sla_resolution": 1.0,
            "first_contact_resolution": 1.0,
            "first_response_business_time": 1200.0,
        },
        {
            "agent": "sam",
            "created": 1,
            "solved": 1,
            "sla_first_response": 0.0,
            "sla_resolution": 1.0,
            "first_contact_resolution": 1.0,
            "first_response_business_time": 7200.0,
        },
        {
            "agent": None,
            "created": 1,
            "solved": 0,
            "sla_first_response": None,
            "sla_resolution": None,
            "first_contact_resolution": None,
            "first_response_business_time": None,
        },
    )


def test_filters_narrow_every_number(history, maria):
    result = board(actor=maria, start=DAY_START, end=DAY_END, filters={"channel": "web"})
    c = cards(result)
    # t3 (Premium, answered in 20 min) and g1 (Basic, unanswered).
    assert c["created"].value == 2
    assert c["sla_first_response"].value == 1.0
    assert c["first_response_business_time"].value == 1200.0
    one_tier = board(actor=maria, start=DAY_START, end=DAY_END, filters={"tier": "Premium"})
    assert [t.tier for t in one_tier.tiers] == ["Premium"]
    # With one tier the median card carries that tier's target.
    fr = cards(one_tier)["first_response_business_time"]
    assert (fr.goal, fr.met) == (3600.0, True)


def test_compare_to_another_range(history, maria):
    result = board(actor=maria, start=DAY_START, end=DAY_END, compare_to=(MON_START, DAY_START))
    assert cards(result)["created"].previous == 2


def test_agents_get_only_their_own_numbers(history, alice):
    result = board(actor=alice, start=DAY_START, end=DAY_END)
    assert result.filters == {"agent": "alice"}
    assert cards(result)["created"].value == 2
    with pytest.raises(NotAllowed):
        board(actor=alice, start=DAY_START, end=DAY_END, filters={"agent": "sam"})


def test_customers_get_nothing(history, carol):
    with pytest.raises(NotAllowed):
        board(actor=carol, start=DAY_START, end=DAY_END)


def test_an_empty_or_unknown_request_is_refused(history, maria):
    with pytest.raises(Invalid):
        board(actor=maria, start=DAY_END, end=DAY_START)
    with pytest.raises(Invalid):
        board(actor=maria, start=DAY_START, end=DAY_END, breakdown="organization")


def test_query_count_is_fixed(history, maria, django_assert_num_queries):
    # One query per additive KPI for all its tables (both ranges, by tier and period, the
    # breakdown): 5 ratios, 3 surveys, 1 call KPI, then the tier and agent names of the
    # keys they group by; 2 backlogs, 1 tier list, 6 medians (response and resolution:
    # cards, tiers, breakdown). SQLite reads each median's sorted values in a second
    # query; PostgreSQL takes it in the same GROUP BY.
    expected = 20 if connection.vendor == "postgresql" else 26
    with django_assert_num_queries(expected):
        board(actor=maria, start=DAY_START, end=DAY_END)


def test_agent_numbers(history, alice):
    numbers = agent_numbers(actor=alice, now=DAY_END)
    # p1, t1, t3 first responses and p1, t1 resolutions met; t3's resolution is running.
    assert numbers.attainment == 1.0
    assert numbers.first_response_median == 1200.0  # 20, 30, 20 -> 20
    assert numbers.solved == 2
    assert numbers.csat is None


@pytest.mark.parametrize(
    "period,expected",
    [
        ("day", (date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1))),
        ("week", (date(2026, 3, 30),)),
        ("month", (date(2026, 3, 1), date(2026, 4, 1))),
        ("quarter", (date(2026, 1, 1), date(2026, 4, 1))),
    ],
)
def test_period_starts_cover_the_range(period, expected):
    start = datetime(2026, 3, 30, 12, tzinfo=UTC)
    end = datetime(2026, 4, 2, tzinfo=UTC)
    assert period_starts(start, end, period) == expected


def test_period_starts_cross_the_year():
    start, end = datetime(2026, 11, 15, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC)
    assert period_starts(start, end, "month") == (
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    )
