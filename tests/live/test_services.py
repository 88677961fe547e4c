"""Live contacts through the services: offer, answer, abandon, end, callbacks, gating.

Default answer targets (README tier table): Standard phone 60 s, Premium phone 30 s and
chat 60 s, VIP phone 20 s and chat 30 s. T0 is Tuesday 3 March 2026 10:00 UTC, inside
every tier's hours; 22:00 that day the Standard and Premium lines are closed.
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import T0
from tierdesk.customers.models import Interaction, InteractionKind
from tierdesk.errors import Conflict, Invalid, NotAllowed
from tierdesk.live import services as live
from tierdesk.live.models import LiveContact, Outcome
from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import EventKind, Status, Ticket, TicketEvent
from tierdesk.tiers.models import Metric


def call(contact, external_id="call-1", at=T0, **kwargs):
    return live.offer(channel="phone", external_id=external_id, contact=contact, at=at, **kwargs)


def kinds(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket)
        .filter(kind__in=[*live.EVENTS["phone"].values(), *live.EVENTS["chat"].values()])
        .values_list("kind", flat=True)
    )


def test_a_call_opens_a_phone_ticket_with_the_tier_answer_clock(peter):
    row = call(peter, queue="billing")
    assert row.outcome == Outcome.WAITING
    assert row.tier.name == "Standard"
    assert row.answer_target_seconds == 60
    assert row.answer_due_at == datetime(2026, 3, 3, 10, 1, tzinfo=UTC)
    assert row.queue == "billing"
    ticket = row.ticket
    assert ticket.channel == "phone" and ticket.requester == peter
    assert ticket.subject == "Call from +442079460001"
    assert kinds(ticket) == [EventKind.CALL_OFFERED]
    event = ticket.events.get(kind=EventKind.CALL_OFFERED)
    assert event.data["live_contact_id"] == row.pk and event.data["answer_target_seconds"] == 60
    line = Interaction.objects.get(kind=InteractionKind.CALL)
    assert (
        line.summary
        == f"Call call-1 waiting in queue billing (#{ticket.pk} Call from +442079460001)"
    )
    assert line.contact == peter and line.ticket_id == ticket.pk and line.occurred_at == T0


def test_offering_the_same_call_again_returns_the_same_row(peter):
    first = call(peter)
    again = call(peter, at=T0 + timedelta(seconds=5))
    assert again.pk == first.pk
    assert LiveContact.objects.count() == 1 and Ticket.objects.count() == 1
    assert kinds(first.ticket) == [EventKind.CALL_OFFERED]


def test_a_second_call_within_24_hours_joins_the_open_phone_ticket(peter):
    first = call(peter)
    second = call(peter, "call-2", at=T0 + timedelta(hours=23, minutes=59, seconds=59))
    assert second.ticket_id == first.ticket_id
    assert kinds(first.ticket) == [EventKind.CALL_OFFERED, EventKind.CALL_OFFERED]


def test_a_call_24_hours_later_opens_a_new_ticket(peter):
    first = call(peter)
    later = call(peter, "call-2", at=T0 + timedelta(days=1))
    assert later.ticket_id != first.ticket_id


def test_a_call_after_the_ticket_is_solved_opens_a_new_ticket(peter, alice):
    first = call(peter)
    tickets.change_status(actor=alice, ticket=first.ticket, status=Status.SOLVED, at=T0)
    later = call(peter, "call-2", at=T0 + timedelta(minutes=5))
    assert later.ticket_id != first.ticket_id


def test_a_chat_always_opens_a_new_chat_ticket(carol):
    contact = carol.contact
    one = live.offer(channel="chat", external_id="chat-1", contact=contact, at=T0, body="Hi")
    two = live.offer(channel="chat", external_id="chat-2", contact=contact, at=T0)
    assert one.ticket_id != two.ticket_id
    assert one.ticket.channel == "chat" and one.answer_target_seconds == 60
    assert one.ticket.messages.get().body == "Hi"
    assert kinds(one.ticket) == [EventKind.CHAT_OFFERED]


def test_a_chat_offered_on_a_given_ticket_uses_it(carol, ticket):
    row = live.offer(channel="chat", external_id="chat-1", contact=None, ticket=ticket, at=T0)
    assert row.ticket_id == ticket.pk and row.tier.name == "Premium"
    assert Ticket.objects.count() == 1


def test_a_call_from_a_basic_customer_is_refused_and_recorded(bob):
    with pytest.raises(Conflict) as refused:
        call(bob.contact)
    assert refused.value.code == "channel_not_in_tier"
    assert refused.value.message == (
        "Basic tier has no phone; please contact us by email or web form and portal, "
        "or upgrade your plan."
    )
    [line] = Interaction.objects.filter(kind=InteractionKind.CHANNEL_REFUSED)
    assert line.channel == "phone" and line.contact == bob.contact
    assert LiveContact.objects.count() == 0 and Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def test_a_call_at_night_is_refused_with_the_opening(peter):
    with pytest.raises(Conflict) as refused:
        call(peter, at=datetime(2026, 3, 3, 22, 0, tzinfo=UTC))
    assert refused.value.code == "channel_closed"
    assert refused.value.fields == {"channel": "closed until 2026-03-04T09:00:00+00:00"}
    assert Interaction.objects.filter(kind=InteractionKind.CHANNEL_REFUSED).count() == 1
    assert LiveContact.objects.count() == 0 and Ticket.objects.count() == 0


def test_offered_and_abandoned_after_40_seconds_is_an_abandoned_call_against_60(peter):
    row = live.abandon(call(peter), at=T0 + timedelta(seconds=40))
    assert row.outcome == Outcome.ABANDONED
    assert row.wait_seconds == 40 and row.answer_target_seconds == 60
    assert row.answered_in_time is None and row.answered_at is None
    assert row.abandoned_at == T0 + timedelta(seconds=40)
    assert kinds(row.ticket) == [EventKind.CALL_OFFERED, EventKind.CALL_ABANDONED]
    assert Interaction.objects.filter(kind=InteractionKind.CALL).first().summary == (
        f"Call abandoned after 40 s (target 60 s) (#{row.ticket_id} Call from +442079460001)"
    )


def test_answered_at_the_target_second_is_in_time(carol, alice):
    row = live.answer(call(carol.contact), agent=alice, at=T0 + timedelta(seconds=30))
    assert row.outcome == Outcome.ANSWERED and row.answered_by == alice
    assert row.wait_seconds == 30 and row.answered_in_time is True


def test_answered_one_second_after_the_target_is_late(carol, alice):
    row = live.answer(
        call(carol.contact), agent=alice, at=T0 + timedelta(seconds=31, microseconds=900_000)
    )
    assert row.wait_seconds == 31 and row.answered_in_time is False


def test_the_telephony_wait_wins_over_our_timestamps(carol, alice):
    row = live.answer(
        call(carol.contact), agent=alice, at=T0 + timedelta(seconds=25), wait_seconds=35
    )
    assert row.wait_seconds == 35 and row.answered_in_time is False


def test_answering_stops_the_first_response_clock_and_opens_the_ticket(carol, alice):
    row = call(carol.contact)
    assert row.ticket.status == Status.NEW
    live.answer(row, agent=alice, at=T0 + timedelta(seconds=10))
    ticket = Ticket.objects.get(pk=row.ticket_id)
    assert ticket.status == Status.OPEN
    clock = SlaClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert clock.state == ClockState.ACHIEVED
    assert clock.stopped_at == T0 + timedelta(seconds=10)


def test_answering_twice_is_a_conflict_and_writes_nothing(carol, alice):
    row = live.answer(call(carol.contact), agent=alice, at=T0 + timedelta(seconds=10))
    events = TicketEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        live.answer(row, agent=alice, at=T0 + timedelta(seconds=12))
    assert refused.value.code == "out_of_order"
    assert refused.value.message == "Call call-1 is answered; it cannot be answered."
    assert TicketEvent.objects.count() == events
    assert LiveContact.objects.get().answered_at == T0 + timedelta(seconds=10)


def test_a_customer_cannot_answer(carol):
    row = call(carol.contact)
    with pytest.raises(NotAllowed):
        live.answer(row, agent=carol, at=T0 + timedelta(seconds=5))
    assert LiveContact.objects.get().outcome == Outcome.WAITING


def test_an_answer_before_the_offer_is_invalid(carol, alice):
    row = call(carol.contact)
    with pytest.raises(Invalid) as refused:
        live.answer(row, agent=alice, at=T0 - timedelta(seconds=1))
    assert refused.value.fields == {"at": "before the offer"}
    assert LiveContact.objects.get().outcome == Outcome.WAITING


def test_abandoning_an_answered_call_is_a_conflict(carol, alice):
    row = live.answer(call(carol.contact), agent=alice, at=T0 + timedelta(seconds=10))
    with pytest.raises(Conflict):
        live.abandon(row, at=T0 + timedelta(seconds=20))
    assert LiveContact.objects.get().outcome == Outcome.ANSWERED


def test_ending_before_the_answer_is_a_conflict(carol):
    row = call(carol.contact)
    with pytest.raises(Conflict) as refused:
        live.end(row, at=T0 + timedelta(seconds=20))
    assert refused.value.message == (
        "Call call-1 is waiting; it cannot be ended (only an answered one can end)."
    )
    assert kinds(row.ticket) == [EventKind.CALL_OFFERED]


def test_an_answered_call_ends_with_its_talk_time(carol, alice):
    row = live.answer(call(carol.contact), agent=alice, at=T0 + timedelta(seconds=10))
    row = live.end(row, at=T0 + timedelta(minutes=5, seconds=10))
    assert row.outcome == Outcome.ENDED and row.talk_seconds == 300
    assert kinds(row.ticket) == [
        EventKind.CALL_OFFERED,
        EventKind.CALL_ANSWERED,
        EventKind.CALL_ENDED,
    ]
    row2 = live.answer(call(carol.contact, "call-2"), agent=alice, at=T0 + timedelta(seconds=10))
    assert live.end(row2, at=T0 + timedelta(seconds=20), talk_seconds=7).talk_seconds == 7


def test_a_callback_is_requested_then_completed(peter, alice):
    row = live.abandon(call(peter), at=T0 + timedelta(seconds=50))
    row = live.request_callback(row, at=T0 + timedelta(seconds=50))
    assert row.callback_number == "+442079460001"
    row = live.complete_callback(row, agent=alice, at=T0 + timedelta(minutes=20))
    assert row.callback_completed_by == alice
    assert row.callback_completed_at == T0 + timedelta(minutes=20)
    events = row.ticket.events.filter(kind__startswith="callback").order_by("at")
    assert [e.kind for e in events] == [EventKind.CALLBACK_REQUESTED, EventKind.CALLBACK_COMPLETED]
    assert events[1].data["waited_seconds"] == 1150
    assert row.outcome == Outcome.ABANDONED


def test_a_callback_on_another_number_is_normalized(peter):
    row = live.request_callback(call(peter), at=T0, number="+44 (20) 7946-0999")
    assert row.callback_number == "+442079460999"


def test_completing_a_callback_nobody_asked_for_is_a_conflict(peter, alice):
    row = call(peter)
    with pytest.raises(Conflict) as refused:
        live.complete_callback(row, agent=alice, at=T0)
    assert refused.value.fields == {"callback": "not requested"}
    assert LiveContact.objects.get().callback_completed_at is None


def test_a_callback_completes_once(peter, alice):
    row = live.request_callback(call(peter), at=T0)
    live.complete_callback(row, agent=alice, at=T0 + timedelta(minutes=1))
    with pytest.raises(Conflict):
        live.complete_callback(row, agent=alice, at=T0 + timedelta(minutes=2))
    with pytest.raises(Conflict):
        live.request_callback(row, at=T0 + timedelta(minutes=2))
    assert row.ticket.events.filter(kind=EventKind.CALLBACK_COMPLETED).count() == 1


def test_a_negative_wait_is_invalid(carol, alice):
    row = call(carol.contact)
    with pytest.raises(Invalid) as refused:
        live.abandon(row, at=T0, wait_seconds=-1)
    assert refused.value.fields == {"wait_seconds": "must be 0 or more"}


def test_a_chat_on_another_organizations_ticket_is_not_allowed(bob, ticket):
    with pytest.raises(NotAllowed):
        live.offer(channel="chat", external_id="chat-1", contact=bob.contact, ticket=ticket, at=T0)
    assert LiveContact.objects.count() == 0
