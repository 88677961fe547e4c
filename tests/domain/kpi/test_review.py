"""The tier review's judgements from plain numbers: exact sentences for exact inputs."""

from datetime import date

import pytest

from tierdesk.domain.kpi.review import (
    Attainment,
    Boundary,
    Cluster,
    MissCell,
    OrgUsage,
    attainment_findings,
    boundary_findings,
    cost_findings,
    csat_finding,
    due_period,
    miss_cluster,
    near_boundary,
    refused_findings,
)

MONDAY, TUESDAY = 0, 1


def test_misses_in_a_two_hour_monday_window_are_a_cluster():
    cells = [
        MissCell(MONDAY, 9, 5, 8),
        MissCell(MONDAY, 10, 4, 6),
        MissCell(TUESDAY, 14, 1, 9),
        MissCell(3, 11, 2, 7),
    ]
    cluster = miss_cluster(cells)
    assert cluster == Cluster(MONDAY, 9, 2, 9, 12)
    assert cluster.describe() == "09:00–11:00 on Mondays (9 of 12 misses)"


def test_misses_spread_evenly_are_no_cluster():
    # One miss in each of 30 different hours: the best window holds 2 of 30 (7%).
    cells = [MissCell(d, h, 1, 3) for d in range(5) for h in range(9, 15)]
    assert miss_cluster(cells) is None


def test_too_few_misses_are_no_cluster_and_none_is_none():
    assert miss_cluster([MissCell(MONDAY, 9, 2, 2)]) is None
    assert miss_cluster([MissCell(MONDAY, 9, 0, 40)]) is None
    assert miss_cluster([]) is None


def test_equal_windows_go_to_the_earliest_in_the_week():
    cells = [MissCell(TUESDAY, 9, 3, 3), MissCell(MONDAY, 16, 3, 3)]
    assert miss_cluster(cells) == Cluster(MONDAY, 15, 2, 3, 6)


def test_attainment_below_goal_names_the_cluster():
    found = attainment_findings(
        tier="Standard",
        goal_percent=90,
        attainment=Attainment("first_response", met=71, breached=29),
        cluster=Cluster(MONDAY, 9, 2, 12, 29),
    )
    assert found == [
        "Standard first-response attainment 71% against 90%: the misses cluster "
        "09:00–11:00 on Mondays (12 of 29 misses); add cover in that window."
    ]


def test_attainment_below_goal_without_cluster_and_a_fall_against_last_period():
    found = attainment_findings(
        tier="Premium",
        goal_percent=95,
        attainment=Attainment("resolution", met=81, breached=19, previous=0.92),
        cluster=None,
    )
    assert found == [
        "Premium resolution attainment 81% against 95%: the 19 misses spread over the week; "
        "review staffing across the tier's hours.",
        "Premium resolution attainment fell from 92% to 81% against the previous period.",
    ]


def test_attainment_at_goal_says_nothing_and_a_small_dip_is_not_a_fall():
    at_goal = Attainment("first_response", met=90, breached=10, previous=0.94)
    assert (
        attainment_findings(tier="Standard", goal_percent=90, attainment=at_goal, cluster=None)
        == []
    )
    assert (
        attainment_findings(
            tier="Standard",
            goal_percent=90,
            attainment=Attainment("first_response", 0, 0),
            cluster=None,
        )
        == []
    )


def test_csat_below_the_bar_needs_enough_answers():
    assert csat_finding(tier="Basic", csat=0.72, answers=25) == [
        "Basic CSAT 72% is below the 80% bar (25 answers): read the low-rated tickets."
    ]
    assert csat_finding(tier="Basic", csat=0.5, answers=4) == []
    assert csat_finding(tier="Basic", csat=0.8, answers=25) == []
    assert csat_finding(tier="Basic", csat=None, answers=0) == []


def test_channels_refused_often_are_an_upsell():
    found = refused_findings(
        tier="Basic",
        refused={"phone": 12, "chat": 7, "api": 2},
        offered_by={"phone": "Standard", "chat": "Premium"},
    )
    assert found == [
        "12 Basic contacts by phone were refused: offer Standard to the organizations asking.",
        "7 Basic contacts by chat were refused: offer Premium to the organizations asking.",
    ]


def test_a_tier_dearer_per_ticket_than_a_higher_one_is_named():
    found = cost_findings(
        {"Basic": 41.2, "Standard": 35.1, "Premium": 52.0, "VIP": None},
        {"Basic": 1, "Standard": 2, "Premium": 3, "VIP": 4},
    )
    assert found == {
        "Basic": [
            "Basic costs 41.20 per ticket, more than Standard (35.10): look for work that a "
            "lower tier should not need (repeat contacts, reopens)."
        ]
    }


def test_near_boundary_upgrade_by_refusals_and_by_heavy_urgent_use_and_downgrade():
    usage = [
        OrgUsage("Acme", 4, 0, {"phone": 3, "chat": 1}, 0.75),
        OrgUsage("Globex", 12, 4, {}, 0.5),
        OrgUsage("Initech", 4, 0, {}, 1.0),
        OrgUsage("Umbrella", 0, 0, {}, None),
        OrgUsage("Hooli", 5, 0, {}, None),
    ]
    found = near_boundary(usage, tier="Standard", lowest=False, highest=False)
    assert [(b.organization, b.direction, b.reason) for b in found] == [
        ("Globex", "upgrade", "12 tickets against a Standard median of 4, 33% urgent"),
        ("Acme", "upgrade", "4 contacts refused (3 by phone, 1 by chat)"),
        ("Umbrella", "downgrade", "0 tickets against a Standard median of 4"),
    ]


def test_entry_tier_has_no_downgrade_and_top_tier_no_upgrade():
    usage = [OrgUsage("Acme", 0, 0, {}), OrgUsage("Globex", 8, 0, {}), OrgUsage("I", 8, 0, {})]
    assert near_boundary(usage, tier="Basic", lowest=True, highest=False) == []
    heavy = [OrgUsage("A", 20, 10, {"phone": 5}), OrgUsage("B", 2, 0, {}), OrgUsage("C", 2, 0, {})]
    assert near_boundary(heavy, tier="VIP", lowest=False, highest=True) == []


@pytest.mark.parametrize(
    ("today", "cadence", "period"),
    [
        (date(2026, 4, 1), "quarterly", (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 6, 30), "quarterly", (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 1, 1), "quarterly", (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2026, 12, 7), "quarterly", (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 1, 1), "yearly", (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2026, 12, 31), "yearly", (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2026, 4, 1), "off", None),
    ],
)
def test_the_schedule_owes_the_last_complete_quarter_or_year(today, cadence, period):
    assert due_period(today, cadence) == period


def test_an_unknown_cadence_is_refused():
    with pytest.raises(ValueError, match="cadence must be one of quarterly, yearly, off"):
        due_period(date(2026, 4, 1), "monthly")


def test_boundary_organizations_become_recommendations():
    up = [Boundary(n, "upgrade", "r", 9, None, None) for n in ("A", "B", "C", "D")]
    down = [Boundary("Z", "downgrade", "r", 0, None, None)]
    assert boundary_findings(tier="Standard", next_tier="Premium", found=up + down) == [
        "4 Standard organizations behave like Premium (A, B, C and 1 more): propose the upgrade.",
        "1 Standard organization uses under a quarter of the tier's typical volume (Z): check "
        "they know what Standard includes before renewal.",
    ]
    assert boundary_findings(tier="VIP", next_tier=None, found=[]) == []
