"""Call and chat KPIs over live contacts built by hand, value by value, on both databases.

Tuesday 3 March 2026, from 10:00 UTC (T0). Standard phone target 60 s (peter), Premium
phone 30 s and chat 60 s (carol):

| id | tier     | channel | offered | outcome                     | wait | in time |
|----|----------|---------|---------|-----------------------------|------|---------|
| s1 | Standard | phone   | +0 m    | answered by alice           | 45   | yes     |
| s2 | Standard | phone   | +1 m    | abandoned; callback made    | 40   | -       |
| s3 | Standard | phone   | +2 m    | abandoned (short: left out) | 3    | -       |
| s4 | Standard | phone   | +3 m    | answered by eve             | 75   | no      |
| s5 | Standard | phone   | +4 m    | still waiting (left out)    | -    | -       |
| s6 | Standard | phone   | +5 m    | answered by alice           | 10   | yes     |
| p1 | Premium  | phone   | +6 m    | answered by alice           | 30   | yes (the due second) |
| p2 | Premium  | chat    | +7 m    | answered by alice, ended    | 90   | no      |
| p3 | Premium  | phone   | +8 m    | abandoned; callback pending | 5    | -       |
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import T0
from tierdesk.errors import Invalid
from tierdesk.kpis.selectors import KpiQuery, kpi_table
from tierdesk.live import services as live

START = datetime(2026, 3, 3, tzinfo=UTC)
END = datetime(2026, 3, 4, tzinfo=UTC)
S = timedelta(seconds=1)
M = timedelta(minutes=1)


@pytest.fixture
def contacts(peter, carol, alice, eve):
    def offer(name, contact, minute, channel="phone"):
        return live.offer(channel=channel, external_id=name, contact=contact, at=T0 + minute * M)

    s1 = offer("s1", peter, 0)
    live.answer(s1, agent=alice, at=s1.offered_at + 45 * S)
    s2 = offer("s2", peter, 1)
    live.abandon(s2, at=s2.offered_at + 40 * S)
    live.request_callback(s2, at=s2.offered_at + 40 * S)
    live.complete_callback(s2, agent=alice, at=T0 + 30 * M)
    s3 = offer("s3", peter, 2)
    live.abandon(s3, at=s3.offered_at + 3 * S)
    s4 = offer("s4", peter, 3)
    live.answer(s4, agent=eve, at=s4.offered_at + 75 * S)
    offer("s5", peter, 4)
    s6 = offer("s6", peter, 5)
    live.answer(s6, agent=alice, at=s6.offered_at + 10 * S)
    p1 = offer("p1", carol.contact, 6)
    live.answer(p1, agent=alice, at=p1.offered_at + 30 * S)
    p2 = offer("p2", carol.contact, 7, channel="chat")
    live.answer(p2, agent=alice, at=p2.offered_at + 90 * S)
    live.end(p2, at=p2.offered_at + 10 * M)
    p3 = offer("p3", carol.contact, 8)
    live.abandon(p3, at=p3.offered_at + 5 * S)
    live.request_callback(p3, at=p3.offered_at + 5 * S, number="+44 7700 900001")


def rows(kpi, *by, period=None, **filters):
    query = KpiQuery(kpi=kpi, by=by, period=period, start=START, end=END, filters=filters)
    return kpi_table(query).rows


def test_abandonment_leaves_out_waiting_and_short_abandons(contacts):
    # s1 s2 s4 s6 p1 p2 p3 counted; s2 and p3 abandoned (p3 at exactly 5 s counts).
    assert rows("abandonment") == [{"numerator": 2, "denominator": 7, "value": 2 / 7}]


def test_abandonment_by_tier_and_channel(contacts):
    assert rows("abandonment", "tier", "channel") == [
        {"tier": "Premium", "channel": "chat", "numerator": 0, "denominator": 1, "value": 0.0},
        {"tier": "Premium", "channel": "phone", "numerator": 1, "denominator": 2, "value": 0.5},
        {"tier": "Standard", "channel": "phone", "numerator": 1, "denominator": 4, "value": 0.25},
    ]


def test_answered_within_counts_abandoned_as_not_answered(contacts):
    # In time: s1 (45 <= 60), s6 (10), p1 (30 <= 30); late: s4, p2; abandoned: s2, p3.
    assert rows("answered_within") == [{"numerator": 3, "denominator": 7, "value": 3 / 7}]


def test_answered_within_by_agent(contacts):
    assert rows("answered_within", "agent") == [
        {"agent": None, "numerator": 0, "denominator": 2, "value": 0.0},
        {"agent": "alice", "numerator": 3, "denominator": 4, "value": 0.75},
        {"agent": "eve", "numerator": 0, "denominator": 1, "value": 0.0},
    ]


def test_speed_of_answer_mean_median_p90(contacts):
    # Waits 10, 30, 45, 75, 90: mean 50; nearest rank p50 = 3rd, p90 = 5th.
    assert rows("speed_of_answer") == [{"count": 5, "mean": 50.0, "median": 45.0, "p90": 90.0}]


def test_speed_of_answer_by_tier_and_day(contacts):
    assert rows("speed_of_answer", "tier", "period", period="day") == [
        {
            "tier": "Premium",
            "period": START.date(),
            "count": 2,
            "mean": 60.0,
            "median": 30.0,
            "p90": 90.0,
        },
        {
            "tier": "Standard",
            "period": START.date(),
            "count": 3,
            "mean": 43.333,
            "median": 45.0,
            "p90": 75.0,
        },
    ]


def test_callback_completion(contacts):
    assert rows("callback_completion") == [{"numerator": 1, "denominator": 2, "value": 0.5}]
    assert rows("callback_completion", organization="Initech") == [
        {"numerator": 1, "denominator": 1, "value": 1.0}
    ]


def test_a_filter_live_contacts_do_not_carry_is_refused(contacts):
    with pytest.raises(Invalid) as refused:
        rows("abandonment", priority="high")
    assert refused.value.fields == {
        "priority": "abandonment filters by tier, channel, agent, organization, period"
    }


def test_an_agent_sees_their_own_answers_through_the_api(contacts, api, alice):
    response = api(alice).get(
        "/kpis", kpi="answered_within", **{"from": "2026-03-03", "to": "2026-03-03"}
    )
    assert response.status_code == 200
    assert response.body["rows"] == [{"numerator": 3, "denominator": 4, "value": 0.75}]
