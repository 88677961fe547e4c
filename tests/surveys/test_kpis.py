"""CSAT, NPS and CES from hand-built answers, value by value, sliced like the ticket KPIs."""

from datetime import UTC, datetime, timedelta

import pytest

from tierdesk.customers.services import create_contact
from tierdesk.errors import Invalid, NotAllowed
from tierdesk.kpis.queries import kpi_query
from tierdesk.kpis.selectors import KpiQuery, kpi_table
from tierdesk.surveys.models import Survey
from tierdesk.tickets import services as tickets

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)
T = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def answer(kind, contact, score, at, ticket=None):
    return Survey.objects.create(
        kind=kind,
        contact=contact,
        ticket=ticket,
        created_at=at - timedelta(hours=1),
        send_at=at - timedelta(hours=1),
        sent_at=at - timedelta(hours=1),
        closes_at=at + timedelta(days=7),
        answered_at=None if score is None else at,
        updated_at=None if score is None else at,
        score=score,
    )


@pytest.fixture
def answers(carol, bob, alice, acme):
    t1 = tickets.open_ticket(actor=carol, subject="One", body="x", channel="email", at=T)
    t2 = tickets.open_ticket(actor=carol, subject="Two", body="x", channel="web", at=T)
    t3 = tickets.open_ticket(actor=bob, subject="Three", body="x", channel="email", at=T)
    tickets.assign(actor=alice, ticket=t1, assignee=alice, at=T)
    dan = create_contact(actor=None, organization=acme, name="Dan", email="dan@acme.example", at=T)
    c, b = carol.contact, bob.contact
    # CSAT: Premium 5 (t1), 3 (t2), 2 (t1, a week later); Basic 4 (t3).
    answer("csat", c, 5, T, t1)
    answer("csat", c, 3, T + timedelta(hours=2), t2)
    answer("csat", b, 4, T + timedelta(days=2), t3)
    answer("csat", c, 2, T + timedelta(days=7), t1)
    answer("csat", c, None, T, t2)  # sent, never answered: not counted
    answer("csat", c, 1, END, t2)  # answered after the range
    # NPS: Acme (Premium) 10 and 6; Globex (Basic) 8 and 9.
    answer("nps", c, 10, T)
    answer("nps", dan, 6, T + timedelta(days=1))
    answer("nps", b, 8, T + timedelta(days=2))
    answer("nps", b, 9, T + timedelta(days=17))
    # CES: t1 7 (alice's), t2 5 and t3 2 (unassigned).
    answer("ces", c, 7, T, t1)
    answer("ces", c, 5, T, t2)
    answer("ces", b, 2, T, t3)


def table(kpi, *by, period=None, **filters):
    query = KpiQuery(kpi=kpi, by=by, period=period, start=START, end=END, filters=filters)
    return kpi_table(query).rows


def test_csat_is_the_share_of_4_and_5(answers):
    assert table("csat") == [{"numerator": 2, "denominator": 4, "value": 0.5}]
    assert table("csat", "tier") == [
        {"tier": "Basic", "numerator": 1, "denominator": 1, "value": 1.0},
        {"tier": "Premium", "numerator": 1, "denominator": 3, "value": 1 / 3},
    ]
    assert table("csat", "channel") == [
        {"channel": "email", "numerator": 2, "denominator": 3, "value": 2 / 3},
        {"channel": "web", "numerator": 0, "denominator": 1, "value": 0.0},
    ]
    assert table("csat", "period", period="week") == [
        {"period": datetime(2026, 3, 2).date(), "numerator": 2, "denominator": 3, "value": 2 / 3},
        {"period": datetime(2026, 3, 9).date(), "numerator": 0, "denominator": 1, "value": 0.0},
    ]
    assert table("csat", organization="Globex") == [
        {"numerator": 1, "denominator": 1, "value": 1.0}
    ]


def test_nps_is_promoters_minus_detractors_per_contact(answers):
    assert table("nps") == [{"answers": 4, "promoters": 2, "detractors": 1, "value": 25.0}]
    assert table("nps", "tier") == [
        {"tier": "Basic", "answers": 2, "promoters": 1, "detractors": 0, "value": 50.0},
        {"tier": "Premium", "answers": 2, "promoters": 1, "detractors": 1, "value": 0.0},
    ]
    assert table("nps", "organization", "period", period="month") == [
        {
            "organization": "Acme",
            "period": datetime(2026, 3, 1).date(),
            "answers": 2,
            "promoters": 1,
            "detractors": 1,
            "value": 0.0,
        },
        {
            "organization": "Globex",
            "period": datetime(2026, 3, 1).date(),
            "answers": 2,
            "promoters": 1,
            "detractors": 0,
            "value": 50.0,
        },
    ]
    assert table("nps", tier="Basic") == [
        {"answers": 2, "promoters": 1, "detractors": 0, "value": 50.0}
    ]


def test_nps_is_not_sliced_or_filtered_by_ticket_values(answers, alice):
    with pytest.raises(Invalid) as by_channel:
        table("nps", "channel")
    assert by_channel.value.fields == {"by": "nps slices by tier, organization, period"}
    with pytest.raises(Invalid) as filtered:
        table("nps", agent="alice")
    assert filtered.value.message == "nps cannot be filtered by agent."
    with pytest.raises(NotAllowed) as agent:
        kpi_query(
            user=alice, now=END, kpi="nps", by="", period=None, start=None, end=None, filters={}
        )
    assert agent.value.message == "nps is not measured per agent; managers and admins see it."


def test_ces_is_the_mean_score(answers):
    assert table("ces") == [{"answers": 3, "total": 14, "value": 14 / 3}]
    assert table("ces", "agent") == [
        {"agent": None, "answers": 2, "total": 7, "value": 3.5},
        {"agent": "alice", "answers": 1, "total": 7, "value": 7.0},
    ]
    assert table("ces", "tier", "priority") == [
        {"tier": "Basic", "priority": "normal", "answers": 1, "total": 2, "value": 2.0},
        {"tier": "Premium", "priority": "normal", "answers": 2, "total": 12, "value": 6.0},
    ]


def test_an_empty_range_has_no_rows(answers):
    query = KpiQuery(
        kpi="ces",
        by=(),
        period=None,
        start=END + timedelta(days=1),
        end=END + timedelta(days=2),
        filters={},
    )
    assert kpi_table(query).rows == []


def test_the_kpi_api_serves_survey_kpis_to_managers_only(api, answers, dave, alice, carol):
    nps = api(dave).get("/kpis", kpi="nps", by="tier", **{"from": "2026-03-01", "to": "2026-03-31"})
    assert nps.status_code == 200
    assert nps.body["rows"] == [
        {"tier": "Basic", "answers": 2, "promoters": 1, "detractors": 0, "value": 50.0},
        {"tier": "Premium", "answers": 2, "promoters": 1, "detractors": 1, "value": 0.0},
    ]
    own = api(alice).get("/kpis", kpi="ces", **{"from": "2026-03-01", "to": "2026-03-31"})
    assert own.body["rows"] == [{"answers": 1, "total": 7, "value": 7.0}]
    assert api(alice).get("/kpis", kpi="nps").status_code == 403
    assert api(carol).get("/kpis", kpi="csat").status_code == 403


def test_survey_tables_asked_together_equal_each_asked_alone(answers):
    from tierdesk.kpis.batch import kpi_tables

    weeks = ((START, T), (T, T + timedelta(days=7)), (T + timedelta(days=7), END))
    queries = [
        KpiQuery(kpi, by, "day" if "period" in by else None, start, end, filters)
        for kpi in ("csat", "nps", "ces")
        for start, end in weeks
        for by in ((), ("tier",), ("period",), ("organization", "period"))
        for filters in ({}, {"tier": "Premium"})
    ]
    together = kpi_tables(queries)
    assert [t.rows for t in together] == [kpi_table(q).rows for q in queries]  # type: ignore[union-attr]
    assert sum(len(t.rows) for t in together) > 30  # type: ignore[union-attr]
