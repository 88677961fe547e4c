"""The KPI formulas on hand-made values, including the published NPS and percentile examples."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierdesk.domain.kpi import definitions as kpi
from tierdesk.domain.kpi.summary import DurationSummary, nearest_rank, summarize

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_nearest_rank_matches_the_published_example():
    # Wikipedia, "Percentile", nearest-rank method, first worked example:
    # for 15, 20, 35, 40, 50 the 30th percentile is 20, the 40th 20, the 50th 35, 100th 50.
    values = [15, 20, 35, 40, 50]
    assert [nearest_rank(values, p) for p in (5, 30, 40, 50, 100)] == [15, 20, 20, 35, 50]


def test_nearest_rank_second_published_example():
    # Same source, second example: 3, 6, 7, 8, 8, 10, 13, 15, 16, 20;
    # 25th -> 7, 50th -> 8, 75th -> 15, 100th -> 20.
    values = [3, 6, 7, 8, 8, 10, 13, 15, 16, 20]
    assert [nearest_rank(values, p) for p in (25, 50, 75, 100)] == [7, 8, 15, 20]


def test_summary_of_durations():
    summary = summarize([60, 120, 180, 600])
    assert (summary.count, summary.mean, summary.median, summary.p90) == (4, 240, 120, 600)


def test_summary_of_nothing_is_empty():
    assert summarize([]) == DurationSummary(count=0, mean=None, median=None, p90=None)


@given(st.lists(st.integers(0, 10**6), min_size=1), st.integers(1, 100))
def test_nearest_rank_is_an_observed_value_with_enough_below(values, percent):
    values.sort()
    chosen = nearest_rank(values, percent)
    assert chosen in values
    assert sum(1 for v in values if v <= chosen) * 100 >= percent * len(values)


def test_percent_outside_range_is_refused():
    with pytest.raises(ValueError, match="percent"):
        nearest_rank([1], 0)


def test_first_response_in_seconds():
    assert kpi.first_response_seconds(T0, T0 + timedelta(minutes=45)) == 2700


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="aware"):
        kpi.resolution_seconds(datetime(2026, 3, 2), T0)  # noqa: DTZ001


def test_attainment_excludes_nothing_but_what_it_is_given():
    assert kpi.sla_attainment(9, 1) == 0.9
    assert kpi.sla_attainment(0, 0) is None


def test_first_contact_resolution_needs_one_reply_and_no_reopen():
    one = {"solved": True, "agent_public_replies": 1, "reopened": False, "follow_ups": 0}
    assert kpi.is_first_contact_resolution(**one)
    assert not kpi.is_first_contact_resolution(**{**one, "agent_public_replies": 2})
    assert not kpi.is_first_contact_resolution(**{**one, "reopened": True})
    assert not kpi.is_first_contact_resolution(**{**one, "follow_ups": 1})
    assert not kpi.is_first_contact_resolution(**{**one, "solved": False})


def test_csat_counts_fours_and_fives():
    assert kpi.csat([5, 4, 3, 1]) == 0.5
    assert kpi.csat([]) is None


def test_nps_example():
    # Reichheld (2003): NPS = % promoters - % detractors. 10 answers: 5 promoters (9-10),
    # 3 passives (7-8), 2 detractors (0-6) -> 50% - 20% = 30.
    assert kpi.nps([10, 10, 9, 9, 9, 8, 7, 7, 6, 0]) == 30


def test_ces_is_the_mean():
    assert kpi.ces([7, 5, 6]) == 6
    with pytest.raises(ValueError, match="1-7"):
        kpi.ces([8])


def test_answered_within_counts_abandoned_as_offered():
    assert kpi.answered_within([5, 20, 40, None], 20) == 0.5


def test_backlog_membership():
    assert kpi.in_backlog(created_at=T0, resolved_at=None, as_of=T0)
    assert not kpi.in_backlog(created_at=T0, resolved_at=T0, as_of=T0)
    assert kpi.in_backlog(created_at=T0, resolved_at=T0 + timedelta(1), as_of=T0)


def test_occupancy_from_status_events():
    events = [
        (T0 - timedelta(hours=1), "available"),
        (T0 + timedelta(hours=1), "busy"),
        (T0 + timedelta(hours=4), "break"),
        (T0 + timedelta(hours=5), "busy"),
    ]
    spans = kpi.status_spans(events, start=T0, end=T0 + timedelta(hours=8))
    # available 1 h, busy 3 h + 3 h, break 1 h -> 6 / 7
    assert kpi.occupancy(spans) == pytest.approx(6 / 7)


def test_occupancy_with_no_logged_in_time_is_none():
    assert kpi.occupancy(kpi.status_spans([], start=T0, end=T0 + timedelta(1))) is None


def test_cost_to_serve():
    cost = kpi.cost_to_serve(
        cost_per_hour=40, busy_seconds=36_000, tier_handled_share=0.25, tickets=20
    )
    assert cost == 5  # 10 h x 40 = 400; a quarter is 100; over 20 tickets
