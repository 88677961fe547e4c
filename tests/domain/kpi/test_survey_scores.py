"""The count forms of NPS and CES (what SQL aggregates feed) agree with the list forms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierdesk.domain.kpi import definitions as kpi


@given(st.lists(st.integers(0, 10), max_size=200))
def test_nps_from_counts_agrees_with_the_answers(scores):
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    assert kpi.net_promoter_score(promoters, detractors, len(scores)) == kpi.nps(scores)


@given(st.lists(st.integers(1, 7), max_size=200))
def test_mean_score_agrees_with_ces(scores):
    assert kpi.mean_score(sum(scores), len(scores)) == kpi.ces(scores)


def test_count_forms_by_hand():
    assert kpi.net_promoter_score(2, 1, 4) == 25.0
    assert kpi.net_promoter_score(0, 3, 3) == -100.0
    assert kpi.net_promoter_score(0, 0, 0) is None
    assert kpi.mean_score(14, 3) == 14 / 3
    assert kpi.mean_score(0, 0) is None


def test_count_forms_refuse_impossible_counts():
    with pytest.raises(ValueError, match="promoters 3 \\+ detractors 2 <= 4"):
        kpi.net_promoter_score(3, 2, 4)
    with pytest.raises(ValueError, match="answers >= 0"):
        kpi.mean_score(1, -1)
