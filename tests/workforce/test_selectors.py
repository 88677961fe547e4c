"""Workforce reads: counts per interval in SQL, status timelines, attainment per tier."""

from datetime import timedelta

from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Ticket
from tierdesk.workforce.selectors import (
    contact_counts,
    current_statuses,
    first_response_attainment,
    status_timelines,
)
from tierdesk.workforce.services import set_agent_status

from .conftest import NOW


def _ticket(acme, carol, channel, at):
    return Ticket(
        subject="s",
        requester=carol.contact,
        organization=acme,
        tier=acme.tier,
        channel=channel,
        created_at=at,
        updated_at=at,
    )


def test_contacts_are_counted_per_quarter_hour_in_one_query(acme, carol, django_assert_num_queries):
    minutes = [5, 14, 20, 119, 120]  # the last is outside [since, since + 2 h)
    Ticket.objects.bulk_create(
        [_ticket(acme, carol, "email", NOW + timedelta(minutes=m)) for m in minutes]
        + [_ticket(acme, carol, "chat", NOW + timedelta(minutes=50))]
    )
    with django_assert_num_queries(1):
        counts = contact_counts(since=NOW, until=NOW + timedelta(hours=2), interval_minutes=15)
    assert counts[("email", acme.tier_id)].tolist() == [2, 1, 0, 0, 0, 0, 0, 1]
    assert counts[("chat", acme.tier_id)].tolist() == [0, 0, 0, 1, 0, 0, 0, 0]


def test_hourly_counts_cover_the_whole_window(acme, carol):
    Ticket.objects.bulk_create(
        [_ticket(acme, carol, "web", NOW + timedelta(hours=h)) for h in (0, 0, 5)]
    )
    counts = contact_counts(since=NOW, until=NOW + timedelta(hours=6), interval_minutes=60)
    assert counts[("web", acme.tier_id)].tolist() == [2, 0, 0, 0, 0, 1]


def test_a_timeline_starts_with_the_status_in_force_at_the_window(alice):
    set_agent_status(actor=alice, agent=alice, status="available", at=NOW - timedelta(hours=1))
    set_agent_status(actor=alice, agent=alice, status="busy", at=NOW + timedelta(minutes=10))
    (timeline,) = status_timelines(since=NOW, until=NOW + timedelta(hours=1))
    assert timeline.username == "alice"
    assert timeline.changes == (
        (NOW, "available"),
        (NOW + timedelta(minutes=10), "busy"),
    )


def test_current_status_is_each_agents_latest(alice, eve):
    set_agent_status(actor=alice, agent=alice, status="available", at=NOW)
    set_agent_status(actor=alice, agent=alice, status="break", at=NOW + timedelta(minutes=5))
    set_agent_status(actor=eve, agent=eve, status="busy", at=NOW)
    assert [(e.agent.username, e.status) for e in current_statuses()] == [
        ("alice", "break"),
        ("eve", "busy"),
    ]


def test_first_response_attainment_per_tier(alice, carol, tiers):
    start = NOW - timedelta(days=2)  # Saturday: Premium's first-response clock waits for Monday
    met = tickets.open_ticket(actor=carol, subject="a", body="b", channel="email", at=start)
    tickets.reply(actor=alice, ticket=met, body="On it.", at=NOW + timedelta(hours=9))
    tickets.open_ticket(actor=carol, subject="c", body="d", channel="email", at=start)
    result = first_response_attainment(since=start, until=NOW + timedelta(days=1))
    assert (result["Premium"].met, result["Premium"].missed) == (1, 0)
