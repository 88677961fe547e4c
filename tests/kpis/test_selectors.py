"""Every KPI on the hand-built history (tests/kpis/conftest.py), value by value."""

from datetime import UTC, datetime, timedelta

import pytest

from tierdesk.errors import Invalid
from tierdesk.kpis.selectors import KpiQuery, kpi_table
from tierdesk.tickets import services as tickets
from tierdesk.workforce.services import set_agent_status

from .conftest import T0

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 4, tzinfo=UTC)  # the day after: backlog is taken at midnight


def table(kpi, *by, period=None, **filters):
    return kpi_table(KpiQuery(kpi=kpi, by=by, period=period, start=START, end=END, filters=filters))


def only(kpi, **filters):
    rows = table(kpi, **filters).rows
    assert len(rows) == 1
    return rows[0]


def test_first_response_time_counts_human_public_replies(history):
    # t1 30 min, t2 120 min; t3 has only a note. Nearest rank: p50 of 2 is the 1st, p90 the 2nd.
    assert only("first_response_time") == {
        "count": 2,
        "mean": 4500.0,
        "median": 1800.0,
        "p90": 7200.0,
    }


def test_first_response_business_time_from_the_clock(history):
    assert only("first_response_business_time") == {
        "count": 2,
        "mean": 4500.0,
        "median": 1800.0,
        "p90": 7200.0,
    }


def test_next_response_time(history):
    # t2: the customer wrote 13:10, answered 13:40.
    assert only("next_response_time") == {
        "count": 1,
        "mean": 1800.0,
        "median": 1800.0,
        "p90": 1800.0,
    }
    assert only("next_response_business_time")["median"] == 1800.0


def test_resolution_time_of_solved_tickets(history):
    # t1: 2 h; t2: 6 h from its creation to its last solve.
    assert only("resolution_time") == {
        "count": 2,
        "mean": 14400.0,
        "median": 7200.0,
        "p90": 21600.0,
    }


def test_first_response_attainment_excludes_clocks_without_a_verdict(history):
    # t1 met, t2 breached, t3 still running: 1 / 2.
    assert only("sla_first_response") == {"numerator": 1, "denominator": 2, "value": 0.5}


def test_first_contact_resolution(history):
    # t1: one reply, never reopened. t2: three replies and a reopen.
    assert only("first_contact_resolution") == {"numerator": 1, "denominator": 2, "value": 0.5}


def test_reopen_rate(history):
    assert only("reopen_rate") == {"numerator": 1, "denominator": 2, "value": 0.5}


def test_resolution_rate(history):
    assert only("resolution_rate") == {"numerator": 2, "denominator": 3, "value": 2 / 3}


def test_backlog_and_its_age_at_the_end_of_the_range(history):
    assert only("backlog") == {"value": 1}
    # t3 opened 10:20; the range ends at midnight: 13 h 40 min.
    assert only("backlog_age")["median"] == 49_200.0


def test_backlog_earlier_in_the_day(history):
    rows = kpi_table(
        KpiQuery(
            kpi="backlog", by=(), period=None, start=START, end=T0 + timedelta(hours=3), filters={}
        )
    ).rows
    # At 13:00 t1 is solved (12:00); t2 (solved 16:10 in the end) and t3 are open.
    assert rows == [{"value": 2}]


def test_slices_by_agent_and_channel(history):
    assert table("first_response_time", "agent").rows == [
        {"agent": "alice", "count": 1, "mean": 1800.0, "median": 1800.0, "p90": 1800.0},
        {"agent": "sam", "count": 1, "mean": 7200.0, "median": 7200.0, "p90": 7200.0},
    ]
    assert table("resolution_rate", "channel").rows == [
        {"channel": "email", "numerator": 2, "denominator": 2, "value": 1.0},
        {"channel": "web", "numerator": 0, "denominator": 1, "value": 0.0},
    ]


def test_filters_keep_one_slice(history):
    assert only("reopen_rate", agent="sam") == {"numerator": 1, "denominator": 1, "value": 1.0}


@pytest.mark.parametrize(
    "period,start",
    [
        ("day", "2026-03-03"),
        ("week", "2026-03-02"),
        ("month", "2026-03-01"),
        ("quarter", "2026-01-01"),
    ],
)
def test_periods_start_on_their_utc_boundary(history, period, start):
    rows = table("first_response_time", "period", period=period).rows
    assert [(str(r["period"]), r["count"]) for r in rows] == [(start, 2)]


@pytest.mark.parametrize(
    "kpi",
    ["resolution_rate", "first_contact_resolution", "reopen_rate", "sla_first_response"],
)
def test_slices_add_up_to_the_unsliced_total(history, kpi):
    total = only(kpi)
    sliced = table(
        kpi, "tier", "channel", "group", "agent", "priority", "organization", "period"
    ).rows
    assert sum(r["numerator"] for r in sliced) == total["numerator"]
    assert sum(r["denominator"] for r in sliced) == total["denominator"]


def test_duration_counts_add_up_across_slices(history):
    sliced = table("resolution_time", "agent", "channel").rows
    assert sum(r["count"] for r in sliced) == only("resolution_time")["count"]


def test_occupancy_from_status_events(alice, sam):
    set_agent_status(actor=alice, agent=alice, status="available", at=START - timedelta(hours=1))
    set_agent_status(actor=alice, agent=alice, status="busy", at=START + timedelta(hours=1))
    set_agent_status(actor=alice, agent=alice, status="offline", at=START + timedelta(hours=4))
    set_agent_status(actor=sam, agent=sam, status="busy", at=START)
    set_agent_status(actor=sam, agent=sam, status="available", at=START + timedelta(hours=1))
    set_agent_status(actor=sam, agent=sam, status="offline", at=START + timedelta(hours=5))
    assert table("occupancy", "agent").rows == [
        {"agent": "alice", "value": 0.75},  # available 1 h, busy 3 h
        {"agent": "sam", "value": 0.2},  # busy 1 h, available 4 h
    ]
    assert only("occupancy") == {"value": 4 / 9}


def test_survey_and_call_kpis_are_empty_until_their_data_exists(history):
    for kpi in ("csat", "nps", "ces", "abandonment", "answered_within", "deflection"):
        assert table(kpi, "tier").rows == []


def test_backlog_cannot_be_sliced_by_period(history):
    with pytest.raises(Invalid) as refused:
        table("backlog", "period", period="week")
    assert "by" in refused.value.fields


def test_cost_to_serve_shares_busy_time_by_replies(history, alice, sam, globex, bob):
    # 10 busy hours at the default 32 an hour = 320 shared by public agent replies:
    # Premium has all 3 replies (t1 one, t2 two) and 3 tickets; Globex's Basic ticket has no reply yet.
    tickets.open_ticket(actor=bob, subject="Four", body="Hi", channel="email", at=T0)
    set_agent_status(actor=alice, agent=alice, status="busy", at=T0 - timedelta(hours=1))
    set_agent_status(actor=alice, agent=alice, status="offline", at=T0 + timedelta(hours=9))
    assert table("cost_to_serve", "tier").rows == [
        {"tier": "Basic", "replies": 0, "tickets": 1, "value": 0.0},
        {"tier": "Premium", "replies": 3, "tickets": 3, "value": 106.67},
    ]
    assert only("cost_to_serve") == {"replies": 3, "tickets": 4, "value": 80.0}


def test_a_ratio_with_nothing_met_is_zero_not_missing(history):
    # sam's only first-response clock (t2) was breached: 0 of 1, a row, not "no data".
    assert only("sla_first_response", agent="sam") == {
        "numerator": 0,
        "denominator": 1,
        "value": 0.0,
    }
