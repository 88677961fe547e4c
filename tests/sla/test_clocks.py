"""SLA clocks driven by ticket changes, on a Premium ticket (London, Mon-Fri 08:00-20:00)."""

from datetime import timedelta

import pytest

from tests.conftest import T0
from tierdesk.accounts.models import User
from tierdesk.customers.models import Organization
from tierdesk.sla.models import ClockState, SlaAlert, SlaClock
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import EventKind, Status, Ticket
from tierdesk.tiers.models import Tier


def clock(ticket, metric, cycle=None):
    qs = SlaClock.objects.filter(ticket=ticket, metric=metric).order_by("-cycle")
    return qs.get(cycle=cycle) if cycle else qs.first()


def test_first_response_is_due_one_business_hour_after_creation(ticket):
    fr = clock(ticket, "first_response")
    assert fr.state == ClockState.RUNNING
    assert fr.due_at == T0 + timedelta(hours=1)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == fr.due_at


def test_reply_at_the_due_second_is_achieved(alice, ticket):
    tickets.reply(actor=alice, ticket=ticket, body="Hi", at=T0 + timedelta(hours=1))
    fr = clock(ticket, "first_response")
    assert fr.state == ClockState.ACHIEVED
    assert fr.elapsed_seconds == 3600


def test_reply_one_second_late_is_breached_and_recorded(alice, ticket):
    tickets.reply(actor=alice, ticket=ticket, body="Hi", at=T0 + timedelta(hours=1, seconds=1))
    fr = clock(ticket, "first_response")
    assert fr.state == ClockState.BREACHED
    assert fr.breached_at == T0 + timedelta(hours=1)
    assert SlaAlert.objects.filter(clock=fr, kind="breach").count() == 1


def test_internal_note_does_not_satisfy_first_response(alice, ticket):
    tickets.add_note(actor=alice, ticket=ticket, body="looking", at=T0 + timedelta(minutes=5))
    assert clock(ticket, "first_response").state == ClockState.RUNNING


def test_target_ending_at_closing_is_due_at_closing(carol):
    # Premium closes at 20:00; a high-priority first response (30 min) opened at 19:30.
    start = T0.replace(hour=19, minute=30)
    t = tickets.open_ticket(
        actor=carol, subject="Late", body="x", channel="email", priority="high", at=start
    )
    assert clock(t, "first_response").due_at == start.replace(hour=20, minute=0)


def test_target_runs_over_night_into_the_next_opening(carol):
    start = T0.replace(hour=19, minute=40)
    t = tickets.open_ticket(actor=carol, subject="Late", body="x", channel="email", at=start)
    # 20 minutes today, 40 tomorrow from 08:00.
    assert clock(t, "first_response").due_at == (start + timedelta(days=1)).replace(
        hour=8, minute=40
    )


def test_pending_pauses_resolution_and_customer_reply_resumes_with_next_response(
    alice, carol, ticket
):
    tickets.reply(
        actor=alice,
        ticket=ticket,
        body="Send logs?",
        status=Status.PENDING,
        at=T0 + timedelta(minutes=30),
    )
    res = clock(ticket, "resolution")
    assert res.state == ClockState.PAUSED and res.due_at is None
    assert res.elapsed_seconds == 1800
    tickets.reply(actor=carol, ticket=ticket, body="Here", at=T0 + timedelta(hours=3))
    res = clock(ticket, "resolution")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    assert res.state == ClockState.RUNNING
    # 24 business hours target, 30 min used: due counts from the resume, not from creation.
    assert res.due_at == _premium_add(T0 + timedelta(hours=3), 24 * 3600 - 1800)
    nr = clock(ticket, "next_response")
    assert nr.state == ClockState.RUNNING
    assert nr.due_at == T0 + timedelta(hours=4)


def _premium_add(start, seconds):
    from tierdesk.domain.sla import add_business_seconds
    from tierdesk.tiers.calendars import domain_calendar
    from tierdesk.tiers.models import BusinessCalendar

    return add_business_seconds(
        start, seconds, domain_calendar(BusinessCalendar.objects.get(name="Extended hours"))
    )


def test_solve_then_customer_reply_reopens_with_a_new_resolution_cycle(alice, carol, ticket):
    tickets.reply(
        actor=alice,
        ticket=ticket,
        body="Fixed",
        status=Status.SOLVED,
        at=T0 + timedelta(minutes=10),
    )
    assert clock(ticket, "resolution", 1).state == ClockState.ACHIEVED
    tickets.reply(actor=carol, ticket=ticket, body="Broken again", at=T0 + timedelta(hours=2))
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    second = clock(ticket, "resolution")
    assert second.cycle == 2 and second.state == ClockState.RUNNING
    assert clock(ticket, "resolution", 1).state == ClockState.ACHIEVED
    assert ticket.events.filter(kind=EventKind.REOPENED).count() == 1


def test_message_on_a_closed_ticket_starts_a_linked_follow_up(alice, carol, ticket):
    tickets.change_status(actor=alice, ticket=ticket, status=Status.SOLVED, at=T0)
    tickets.change_status(actor=alice, ticket=ticket, status=Status.CLOSED, at=T0)
    message = tickets.reply(
        actor=carol, ticket=ticket, body="One more thing", at=T0 + timedelta(days=1)
    )
    follow_up = message.ticket
    assert follow_up.pk != ticket.pk
    assert follow_up.follow_up_of_id == ticket.pk
    assert clock(follow_up, "first_response").state == ClockState.RUNNING
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_priority_change_recomputes_from_elapsed_business_time(alice, ticket):
    tickets.change_priority(
        actor=alice, ticket=ticket, priority="urgent", at=T0 + timedelta(minutes=10)
    )
    fr = clock(ticket, "first_response")
    # urgent: 15 minutes; 10 already elapsed, so 5 are left.
    assert fr.target_seconds == 900
    assert fr.due_at == T0 + timedelta(minutes=15)
    assert ticket.events.filter(kind=EventKind.CLOCK_RECOMPUTED).exists()


def test_move_to_a_shorter_target_breaches_at_once(alice, ticket):
    at = T0 + timedelta(minutes=40)
    tickets.change_priority(actor=alice, ticket=ticket, priority="urgent", at=at)
    fr = clock(ticket, "first_response")
    assert fr.state == ClockState.BREACHED
    assert fr.breached_at == at
    assert ticket.events.filter(kind=EventKind.SLA_BREACHED).count() == 1


def test_agent_opened_ticket_has_no_first_response_clock(alice, carol):
    contact = carol.contact
    t = tickets.open_ticket(
        actor=alice,
        subject="Called in",
        body="Logged a call",
        channel="email",
        requester=contact,
        at=T0,
    )
    assert not SlaClock.objects.filter(ticket=t, metric="first_response").exists()
    assert clock(t, "resolution").state == ClockState.RUNNING


def test_vip_runs_on_calendar_time_over_the_weekend(alice, tiers, carol):
    Organization.objects.filter(pk=carol.contact.organization_id).update(tier=tiers["VIP"])
    carol = User.objects.get(pk=carol.pk)
    saturday = T0 + timedelta(days=4)
    t = tickets.open_ticket(actor=carol, subject="Down", body="x", channel="chat", at=saturday)
    assert clock(t, "first_response").due_at == saturday + timedelta(minutes=15)


def test_periodic_update_restarts_at_each_public_update(alice, ticket):
    tickets.reply(actor=alice, ticket=ticket, body="First", at=T0 + timedelta(minutes=5))
    first = clock(ticket, "periodic_update")
    assert first.cycle == 1 and first.due_at == T0 + timedelta(minutes=5, hours=8)
    tickets.reply(actor=alice, ticket=ticket, body="Update", at=T0 + timedelta(hours=2))
    assert clock(ticket, "periodic_update", 1).state == ClockState.ACHIEVED
    assert clock(ticket, "periodic_update").cycle == 2


def test_assigning_a_vip_ticket_needs_a_senior_agent(eve, alice, tiers, carol):
    Organization.objects.filter(pk=carol.contact.organization_id).update(tier=tiers["VIP"])
    carol = User.objects.get(pk=carol.pk)
    t = tickets.open_ticket(actor=carol, subject="Down", body="x", channel="email", at=T0)
    from tierdesk.errors import Conflict

    with pytest.raises(Conflict, match="need a more senior agent"):
        tickets.assign(actor=alice, ticket=t, assignee=eve)
    assert Ticket.objects.get(pk=t.pk).assignee_id is None
    tickets.assign(actor=alice, ticket=t, assignee=alice)
    assert Ticket.objects.get(pk=t.pk).assignee_id == alice.pk


def test_status_transition_rules_are_enforced(alice, ticket):
    from tierdesk.errors import Conflict

    tickets.change_status(actor=alice, ticket=ticket, status=Status.SOLVED, at=T0)
    tickets.change_status(actor=alice, ticket=ticket, status=Status.CLOSED, at=T0)
    with pytest.raises(Conflict, match="cannot become"):
        tickets.change_status(actor=alice, ticket=ticket, status=Status.OPEN, at=T0)


def test_tiers_exist(db):
    assert Tier.objects.count() == 4


def test_a_change_past_the_warning_share_warns_at_once(alice, ticket):
    at = T0 + timedelta(minutes=12)
    tickets.change_priority(actor=alice, ticket=ticket, priority="urgent", at=at)
    fr = clock(ticket, "first_response")
    # 12 of urgent's 15 minutes are used: past 75%, not yet due.
    assert fr.state == ClockState.RUNNING
    assert fr.warned_at == at and fr.warn_at is None
    assert fr.due_at == T0 + timedelta(minutes=15)
