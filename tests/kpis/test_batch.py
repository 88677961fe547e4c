"""Tables asked together (one query per KPI) equal the same tables asked one by one."""

from datetime import UTC, datetime

from tierdesk.errors import Invalid
from tierdesk.kpis.batch import kpi_tables
from tierdesk.kpis.catalog import CATALOG
from tierdesk.kpis.selectors import KpiQuery, kpi_table

# The history is on 2026-03-03: a range with it, the day before (adjacent), a later day
# with a gap between, and one range that overlaps another (not merged).
MAR_1 = datetime(2026, 3, 1, tzinfo=UTC)
MAR_3 = datetime(2026, 3, 3, tzinfo=UTC)
MAR_3_NOON = datetime(2026, 3, 3, 12, tzinfo=UTC)
MAR_4 = datetime(2026, 3, 4, tzinfo=UTC)
MAR_9 = datetime(2026, 3, 9, tzinfo=UTC)
RANGES = ((MAR_3, MAR_4), (MAR_1, MAR_3), (MAR_4, MAR_9))
SLICES = ((), ("tier",), ("tier", "period"), ("agent",), ("channel", "group"), ("priority",))


def grid(kpi, filters, ranges=RANGES):
    return [
        KpiQuery(kpi, by, "day" if "period" in by else None, start, end, filters)
        for start, end in ranges
        for by in SLICES
    ]


def alone(query):
    try:
        return kpi_table(query)
    except Invalid:
        return None


def test_every_kpi_asked_together_equals_each_asked_alone(history):
    queries = [
        q
        for kpi in (*CATALOG, "occupancy", "cost_to_serve")
        for filters in ({}, {"agent": "alice"}, {"tier": "Premium"})
        for q in grid(kpi, filters)
    ]
    together = kpi_tables(queries)
    assert [t.rows if t else None for t in together] == [
        t.rows if t else None for t in map(alone, queries)
    ]
    # Something was counted: the comparison is not between empty tables.
    assert sum(len(t.rows) for t in together if t) > 100


def test_one_query_answers_every_table_of_a_ratio(history, django_assert_num_queries):
    queries = grid("sla_first_response", {})
    # The sums, then the tier and agent names of the keys they are grouped by (no clock
    # has a group: no group names to read).
    with django_assert_num_queries(3):
        together = kpi_tables(queries)
    assert [t.rows for t in together] == [kpi_table(q).rows for q in queries]  # type: ignore[union-attr]
    met = next(t for t, q in zip(together, queries, strict=True) if q.by == ("tier", "period"))
    assert met is not None and met.rows and {r["period"] for r in met.rows} <= {MAR_3.date()}


def test_overlapping_ranges_and_two_periods_are_asked_apart(history, django_assert_num_queries):
    overlapping = [
        KpiQuery("resolution_rate", ("tier",), None, MAR_1, MAR_4, {}),
        KpiQuery("resolution_rate", ("tier",), None, MAR_3_NOON, MAR_9, {}),
    ]
    periods = [
        KpiQuery("resolution_rate", ("period",), "day", MAR_1, MAR_4, {}),
        KpiQuery("resolution_rate", ("period",), "week", MAR_4, MAR_9, {}),
    ]
    for queries in (overlapping, periods):
        with django_assert_num_queries(2):
            together = kpi_tables(queries)
        assert [t.rows for t in together] == [kpi_table(q).rows for q in queries]  # type: ignore[union-attr]


def test_a_refused_slice_or_filter_is_none_and_the_rest_is_answered(history):
    nps_by_agent, created = kpi_tables(
        [
            KpiQuery("nps", ("agent",), None, MAR_1, MAR_4, {}),
            KpiQuery("resolution_rate", (), None, MAR_1, MAR_4, {"agent": "alice"}),
        ]
    )
    assert nps_by_agent is None
    assert created is not None and created.rows[0]["denominator"] >= 1
