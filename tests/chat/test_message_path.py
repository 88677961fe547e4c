"""What one chat message costs and guarantees: one write, stored once, in order, no side rows."""

from datetime import timedelta

import pytest
from django.db.models import Max
from django_tasks_db.models import DBTaskResult

from tests.conftest import T0
from tests.row_locks import needs_row_locks, runs_beside
from tierdesk.chat import selectors, services
from tierdesk.customers.models import Interaction
from tierdesk.errors import Conflict
from tierdesk.sla import services as sla
from tierdesk.sla.models import LIVE_STATES, SlaClock, SlaLedgerEntry
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Message, TicketEvent


@pytest.fixture
def chat(carol, alice):
    started = services.start_chat(contact=carol.contact, body="Hello", client_id="s-1", at=T0)
    waiting = selectors.chat_for_agent(agent=alice, chat_id=started.external_id)
    return services.accept_chat(chat=waiting, agent=alice, at=T0)


def soon(seconds):
    return T0 + timedelta(seconds=seconds)


def rows():
    return {
        model.__name__: model.objects.count()
        for model in (Message, TicketEvent, SlaClock, SlaLedgerEntry, Interaction, DBTaskResult)
    }


def test_a_chat_message_queues_no_mail_task_and_adds_no_timeline_line(chat, carol, alice):
    before = rows()
    services.post_customer_message(
        chat=chat, contact=carol.contact, body="Hi", client_id="c-1", at=soon(1)
    )
    services.post_agent_message(chat=chat, agent=alice, body="Hello!", client_id="a-1", at=soon(2))
    after = rows()
    assert after["Message"] == before["Message"] + 2
    assert (after["Interaction"], after["DBTaskResult"]) == (
        before["Interaction"],
        before["DBTaskResult"],
    )


def mail_tasks():
    return [
        task
        for task in DBTaskResult.objects.all()
        if task.args_kwargs["kwargs"].get("handler") == "tierdesk.mail.outbound.on_message_added"
    ]


def test_an_answer_by_email_still_queues_its_mail(ticket, alice):
    before = len(mail_tasks())
    tickets.reply(actor=alice, ticket=ticket, body="We are on it.", at=soon(60))
    assert len(mail_tasks()) == before + 1


def test_a_resent_frame_returns_the_stored_message_and_writes_nothing_more(chat, carol, alice):
    first = services.post_customer_message(
        chat=chat, contact=carol.contact, body="Hi", client_id="c-1", at=soon(3)
    )
    answer = services.post_agent_message(
        chat=chat, agent=alice, body="Yes?", client_id="a-1", at=soon(4)
    )
    before = rows()
    assert (
        services.post_customer_message(
            chat=chat, contact=carol.contact, body="Hi", client_id="c-1", at=soon(5)
        ).pk,
        services.post_agent_message(
            chat=chat, agent=alice, body="Yes?", client_id="a-1", at=soon(6)
        ).pk,
    ) == (first.pk, answer.pk)
    assert rows() == before


def test_a_chat_message_is_one_short_write(chat, carol, alice, django_assert_num_queries):
    # The ticket lock, the message and its event, the clocks it moves (the tier's terms come
    # from the cache its stamp keys), the ticket's save; no reading of the chat, of an
    # earlier copy of the frame or of the tier beside the ticket.
    services.post_customer_message(
        chat=chat, contact=carol.contact, body="1", client_id="c-1", at=soon(7)
    )
    services.post_agent_message(chat=chat, agent=alice, body="2", client_id="a-1", at=soon(8))
    with django_assert_num_queries(9):  # a next-response clock starts
        services.post_customer_message(
            chat=chat, contact=carol.contact, body="3", client_id="c-2", at=soon(9)
        )
    with django_assert_num_queries(10):  # it stops; a periodic-update clock starts
        services.post_agent_message(chat=chat, agent=alice, body="4", client_id="a-2", at=soon(10))


def talk(chat, carol, alice, exchanges, *, after=10):
    for n in range(exchanges):
        services.post_customer_message(
            chat=chat,
            contact=carol.contact,
            body="?",
            client_id=f"c-{after}-{n}",
            at=soon(after + 2 * n),
        )
        services.post_agent_message(
            chat=chat, agent=alice, body="!", client_id=f"a-{after}-{n}", at=soon(after + 2 * n + 1)
        )


def test_a_long_chat_reads_only_its_live_clocks_and_each_metrics_latest(chat, carol, alice):
    talk(chat, carol, alice, 6)
    clocks = SlaClock.objects.filter(ticket=chat.ticket)
    live = clocks.filter(state__in=LIVE_STATES, stopped_at=None).values_list("metric", "cycle")
    latest = dict(clocks.values_list("metric").annotate(Max("cycle")))
    read = {(c.metric, c.cycle) for c in sla._clocks_in_play(chat.ticket)}
    assert read == set(live) | set(latest.items())
    assert len(read) < clocks.count() - 6  # the finished cycles before the latest stay unread


def test_a_long_chat_numbers_its_next_clocks_after_the_latest_cycle(chat, carol, alice):
    talk(chat, carol, alice, 6)
    latest = dict(
        SlaClock.objects.filter(ticket=chat.ticket).values_list("metric").annotate(Max("cycle"))
    )
    talk(chat, carol, alice, 1, after=100)
    now = dict(
        SlaClock.objects.filter(ticket=chat.ticket).values_list("metric").annotate(Max("cycle"))
    )
    assert now == latest | {
        "next_response": latest["next_response"] + 1,
        "periodic_update": latest["periodic_update"] + 1,
    }


def test_starting_and_accepting_a_chat_are_short_writes(carol, alice, django_assert_num_queries):
    services.start_chat(contact=carol.contact, body="Warm", client_id="s-0", at=T0)  # caches
    # The earlier copy's look-up, the tier's stamp (read again by the ticket), the ticket, its
    # message, clocks, events and timeline line, the chat and its event and timeline line;
    # the gate's terms come from the cache the stamp keys. Four are savepoints, two of them
    # only because the test runs inside a transaction.
    with django_assert_num_queries(17):
        started = services.start_chat(contact=carol.contact, body="Hi", client_id="s-1", at=T0)
    waiting = selectors.chat_for_agent(agent=alice, chat_id=started.external_id)
    # The chat's lock, its answer, event and timeline line; then one lock of the ticket, one
    # read of its clocks, the clocks it stops and starts, one save of the ticket (opened and
    # assigned at once), the clocks' slices, the events, the status task and the ledger. Four
    # are savepoints, two of them only because the test runs inside a transaction.
    with django_assert_num_queries(17):
        accepted = services.accept_chat(chat=waiting, agent=alice, at=soon(5))
    assert (accepted.ticket.status, accepted.ticket.assignee_id) == ("open", alice.pk)
    assert list(accepted.ticket.events.order_by("id").values_list("kind", flat=True)[4:]) == [
        "chat_offered",
        "chat_accepted",
        "clock_achieved",
        "clock_started",
        "status_changed",
        "assignee_changed",
    ]


def test_an_ended_chat_refuses_messages_and_stores_nothing(chat, carol, alice):
    ended = services.end_chat(chat=chat, agent=alice, at=soon(30))
    before = rows()
    with pytest.raises(Conflict) as refused:
        services.post_customer_message(
            chat=ended, contact=carol.contact, body="Wait!", client_id="c-9", at=soon(11)
        )
    assert refused.value.code == "ended"
    assert rows() == before


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_a_change_to_one_ticket_does_not_hold_up_another_of_the_same_tier(carol, alice):
    one, other = (
        tickets.open_ticket(actor=carol, subject=s, body="Help", channel="web", at=T0)
        for s in ("One", "Other")
    )
    assert one.tier_id == other.tier_id
    answered = runs_beside(
        lambda: tickets.add_note(actor=alice, ticket=one, body="Looking", at=soon(5)),
        lambda: tickets.reply(actor=alice, ticket=other, body="On it", at=soon(6)).pk,
    )
    assert Message.objects.get(pk=answered).ticket_id == other.pk
