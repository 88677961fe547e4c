"""SQL aggregates for the tier review, on the hand-built week (both databases)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tierdesk.domain.kpi.review import MissCell, OrgUsage
from tierdesk.reports.selectors import (
    miss_cells,
    organization_usage,
    refused_contacts,
    tickets_by_tier,
    tier_zone,
)

LONDON = ZoneInfo("Europe/London")
START, END = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 8, tzinfo=UTC)


def test_misses_are_counted_by_weekday_and_hour_in_the_tier_zone(week, tiers):
    premium = tiers["Premium"]
    assert tier_zone(premium) == LONDON
    cells = miss_cells(tier=premium, metric="first_response", start=START, end=END, zone=LONDON)
    assert cells == [
        MissCell(0, 9, 3, 3),
        MissCell(0, 10, 1, 1),
        MissCell(1, 13, 0, 2),
        MissCell(2, 19, 1, 1),
    ]


def test_misses_in_utc_fall_an_hour_earlier(week, tiers):
    cells = miss_cells(
        tier=tiers["Premium"], metric="first_response", start=START, end=END, zone=ZoneInfo("UTC")
    )
    assert [(c.weekday, c.hour, c.misses) for c in cells] == [
        (0, 8, 3),
        (0, 9, 1),
        (1, 12, 0),
        (2, 18, 1),
    ]


def test_other_tiers_have_no_cells(week, tiers):
    cells = miss_cells(
        tier=tiers["Standard"], metric="first_response", start=START, end=END, zone=LONDON
    )
    assert cells == []


def test_refused_contacts_and_usage_per_organization(week, tiers):
    assert refused_contacts(start=START, end=END) == {tiers["Basic"].pk: {"phone": 3}}
    assert organization_usage(tier=tiers["Basic"], start=START, end=END) == [
        OrgUsage("Globex", 0, 0, {"phone": 3}, None)
    ]
    # Premium: 7 tickets, 7 first-response clocks with a verdict (2 met) plus next-response
    # and resolution clocks still running (no verdict).
    [acme] = organization_usage(tier=tiers["Premium"], start=START, end=END)
    assert (acme.organization, acme.tickets, acme.urgent, dict(acme.refused)) == (
        "Acme",
        7,
        0,
        {},
    )
    assert acme.attainment == 2 / 7


def test_tickets_by_tier_counts_the_week_only(week):
    assert tickets_by_tier(start=START, end=END) == {
        "Premium": {"tickets": 7, "urgent": 0, "channel_email": 7}
    }


def test_each_aggregate_is_one_grouped_query(week, tiers, django_assert_num_queries):
    premium = tiers["Premium"]
    with django_assert_num_queries(1):
        miss_cells(tier=premium, metric="first_response", start=START, end=END, zone=LONDON)
    with django_assert_num_queries(1):
        refused_contacts(start=START, end=END)
    with django_assert_num_queries(1):
        tickets_by_tier(start=START, end=END)
    # Tickets, refusals and clock verdicts per organization: one query each.
    with django_assert_num_queries(3):
        organization_usage(tier=premium, start=START, end=END)
