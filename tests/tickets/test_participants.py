"""Messages from anyone: contacts without a login, the bot, tierdesk; channels, ids, events."""

from datetime import timedelta

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.conftest import T0, run_queued_tasks
from tierdesk.customers.services import create_contact
from tierdesk.errors import NotAllowed
from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import AuthorKind, EventKind, Message
from tierdesk.tickets.participants import Author
from tierdesk.tickets.subscribers import subscribe, unsubscribe

HANDLER = f"{__name__}.remember"
seen: list[tuple[str, int]] = []


def remember(event):
    seen.append((event.kind, event.ticket_id))


@pytest.fixture
def dora(acme):
    """A contact who writes by email and has never signed in."""
    return create_contact(
        actor=None, organization=acme, name="Dora", email="dora@acme.example", at=T0
    )


@pytest.fixture
def listening():
    seen.clear()
    subscribe(EventKind.MESSAGE_ADDED, HANDLER)
    yield seen
    unsubscribe(EventKind.MESSAGE_ADDED, HANDLER)


def test_a_contact_without_a_login_opens_a_ticket_and_its_clocks_start(dora):
    ticket = tickets.open_ticket(
        author=Author.customer(dora),
        subject="Invoice",
        body="Wrong VAT",
        channel="email",
        external_id="<a1@acme.example>",
        at=T0,
    )
    message = ticket.messages.get()
    assert (message.author, message.contact, message.author_kind) == (None, dora, "customer")
    assert (message.channel, message.external_id) == ("email", "<a1@acme.example>")
    assert SlaClock.objects.get(ticket=ticket, metric="first_response").state == ClockState.RUNNING


def test_the_same_external_id_twice_is_one_message(dora):
    first = tickets.open_ticket(
        author=Author.customer(dora),
        subject="A",
        body="x",
        channel="email",
        external_id="<same@acme.example>",
        at=T0,
    )
    again = tickets.open_ticket(
        author=Author.customer(dora),
        subject="A",
        body="x",
        channel="email",
        external_id="<same@acme.example>",
        at=T0 + timedelta(minutes=1),
    )
    assert again.pk == first.pk
    assert Message.objects.filter(external_id="<same@acme.example>").count() == 1


def test_a_reply_names_the_message_it_answers(alice, dora):
    ticket = tickets.open_ticket(
        author=Author.customer(dora), subject="A", body="x", channel="email", at=T0
    )
    answer = tickets.reply(actor=alice, ticket=ticket, body="Hi", at=T0 + timedelta(minutes=5))
    back = tickets.reply(
        author=Author.customer(dora),
        ticket=ticket,
        body="Thanks",
        channel="email",
        external_id="<b2@acme.example>",
        in_reply_to=answer,
        at=T0 + timedelta(minutes=9),
    )
    assert back.in_reply_to == answer and answer.channel == "email"
    assert list(answer.replies.all()) == [back]


def test_the_bot_answers_publicly_and_stops_no_clock(ticket):
    message = tickets.reply(author=Author.bot(), ticket=ticket, body="Try turning it off", at=T0)
    assert message.author_kind == AuthorKind.BOT and message.kind == "public"
    assert SlaClock.objects.get(ticket=ticket, metric="first_response").state == ClockState.RUNNING


def test_a_contact_of_another_organization_cannot_write_on_the_ticket(bob, ticket):
    with pytest.raises(NotAllowed, match="not part of the ticket's organization"):
        tickets.reply(author=Author.customer(bob.contact), ticket=ticket, body="hi", at=T0)
    assert ticket.messages.count() == 1


def test_subscribers_get_the_event_after_commit_by_a_task(alice, ticket, listening):
    tickets.reply(actor=alice, ticket=ticket, body="On it", at=T0 + timedelta(minutes=3))
    assert listening == []  # nothing runs inside the change itself
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__handler=HANDLER).count() == 1
    run_queued_tasks()  # other apps (mail) subscribe to replies too: their tasks run as well
    assert not DBTaskResult.objects.filter(args_kwargs__kwargs__handler=HANDLER).exists()
    assert listening == [(EventKind.MESSAGE_ADDED, ticket.pk)]


def test_a_change_that_rolls_back_queues_nothing(alice, ticket, listening):
    with pytest.raises(RuntimeError), transaction.atomic():
        tickets.reply(actor=alice, ticket=ticket, body="On it", at=T0)
        raise RuntimeError("the request failed after the reply")
    assert not DBTaskResult.objects.filter(args_kwargs__kwargs__handler=HANDLER).exists()
