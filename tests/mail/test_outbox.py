"""Email out: what is sent, with which headers, and what happens when the server is down."""

from datetime import timedelta

import time_machine
from django_tasks_db.models import DBTaskResult

from tests.conftest import T0
from tests.mail.conftest import drain
from tierdesk.accounts.models import Role
from tierdesk.accounts.services import create_user
from tierdesk.cli import main
from tierdesk.mail.models import Delivery, OutboundEmail, OutboundKind
from tierdesk.mail.outbox import backoff, requeue
from tierdesk.sla import monitor
from tierdesk.sla.models import AlertKind, EscalationAction, EscalationRule
from tierdesk.tickets import services as tickets


def test_an_agent_reply_arrives_threaded_with_text_and_html(alice, ticket, mailbox):
    first = ticket.messages.get()
    answer = tickets.reply(actor=alice, ticket=ticket, body="Unplug it <now> & wait.", at=T0)
    drain()
    (mail_from, rcpt, msg) = mailbox.received[0]
    sent = OutboundEmail.objects.get(ticket_message=answer)
    assert (sent.state, sent.attempts) == (Delivery.SENT, 1)
    assert (mail_from, rcpt) == ("support@desk.example", ["carol@acme.example"])
    assert msg["To"] == "Carol <carol@acme.example>"
    assert msg["Subject"] == f"Re: Printer on fire [#{ticket.pk}]"
    assert msg["Message-ID"] == sent.message_id
    assert msg["Reply-To"] == f"support+t{ticket.pk}@desk.example"
    assert first.external_id == ""  # opened signed in: no email to thread under
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == (
        f"Unplug it <now> & wait.\n\nalice\n\n-- \nTicket #{ticket.pk}: reply to this email to add to it.\n"
    )
    html = msg.get_body(("html",)).get_content()
    assert "<p>Unplug it &lt;now&gt; &amp; wait.</p>" in html


def test_a_reply_to_an_email_ticket_answers_the_customers_latest_email(alice, tiers, mailbox):
    from tests.mail.conftest import corpus
    from tierdesk.mail.services import receive

    opened = receive(corpus("gmail_new.eml"), at=T0)
    receive(corpus("gmail_reply.eml"), at=T0 + timedelta(minutes=5))
    tickets.reply(actor=alice, ticket=opened.ticket, body="Address fixed.", at=T0)
    drain()
    msg = mailbox.received[0][2]
    assert msg["In-Reply-To"] == "<CAHk7x9QnP3mWq1=gmail-reply-0002@mail.gmail.com>"
    assert msg["References"] == (
        "<CAHk7x9QnP3mWq1=gmail-new-0001@mail.gmail.com> "
        "<CAHk7x9QnP3mWq1=gmail-reply-0002@mail.gmail.com>"
    )


def test_internal_notes_and_customer_messages_never_go_out(alice, carol, ticket, mailbox):
    tickets.add_note(actor=alice, ticket=ticket, body="Customer is grumpy", at=T0)
    tickets.reply(actor=carol, ticket=ticket, body="Any news?", at=T0)
    drain()
    assert OutboundEmail.objects.count() == 0
    assert mailbox.received == []


def test_chat_answers_stay_in_the_chat(alice, carol, mailbox):
    chat = tickets.open_ticket(actor=carol, subject="Hi", body="Hello", channel="chat", at=T0)
    tickets.reply(actor=alice, ticket=chat, body="Hello Carol", at=T0)
    drain()
    assert OutboundEmail.objects.count() == 0


def test_smtp_down_keeps_the_email_and_retries_with_backoff(alice, ticket, settings):
    answer = tickets.reply(actor=alice, ticket=ticket, body="Unplug it.", at=T0)
    with time_machine.travel(T0, tick=False):
        drain()
    row = OutboundEmail.objects.get(ticket_message=answer)
    assert (row.state, row.attempts) == (Delivery.QUEUED, 1)
    assert row.last_error.startswith("ConnectionRefusedError")
    assert row.next_attempt_at == T0 + timedelta(minutes=1)
    waiting = DBTaskResult.objects.get(task_path="tierdesk.mail.tasks.send_email")
    assert waiting.run_after == T0 + timedelta(minutes=1)


def test_after_the_last_attempt_the_email_is_failed_and_visible(alice, ticket, settings):
    settings.TIERDESK_MAIL_MAX_ATTEMPTS = 3
    answer = tickets.reply(actor=alice, ticket=ticket, body="Unplug it.", at=T0)
    now = T0
    for _ in range(3):
        with time_machine.travel(now, tick=False):
            drain()
        now += timedelta(hours=1)
    row = OutboundEmail.objects.get(ticket_message=answer)
    assert (row.state, row.attempts) == (Delivery.FAILED, 3)
    assert not DBTaskResult.objects.filter(task_path="tierdesk.mail.tasks.send_email").exists()


def test_the_server_coming_back_delivers_the_queued_email(alice, ticket, settings, mailbox):
    answer = tickets.reply(actor=alice, ticket=ticket, body="Unplug it.", at=T0)
    mailbox.refuse_with = "451 4.3.0 try later"
    with time_machine.travel(T0, tick=False):
        drain()
    assert OutboundEmail.objects.get().state == Delivery.QUEUED
    mailbox.refuse_with = None
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        drain()
    row = OutboundEmail.objects.get(ticket_message=answer)
    assert (row.state, row.attempts, row.last_error) == (Delivery.SENT, 2, "")
    assert len(mailbox.received) == 1


def test_a_recipient_refused_for_good_fails_at_once(alice, ticket, mailbox):
    mailbox.refuse_with = "550 5.1.1 User unknown"
    tickets.reply(actor=alice, ticket=ticket, body="Unplug it.", at=T0)
    drain()
    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts) == (Delivery.FAILED, 1)
    assert "User unknown" in row.last_error


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_delivery_state_shows_on_the_message_for_agents_only(alice, carol, ticket, api):
    tickets.reply(actor=alice, ticket=ticket, body="Unplug it.", at=T0)
    drain()
    seen_by_agent = api(alice).get(f"/tickets/{ticket.pk}").body["messages"]
    seen_by_customer = api(carol).get(f"/tickets/{ticket.pk}").body["messages"]
    assert seen_by_agent[0]["delivery"] is None  # carol's own message
    assert seen_by_agent[1]["delivery"]["state"] == "queued"
    assert seen_by_agent[1]["delivery"]["last_error"].startswith("ConnectionRefusedError")
    assert [m["delivery"] for m in seen_by_customer] == [None, None]


def test_the_ticket_page_shows_the_delivery_state(alice, ticket, client):
    tickets.reply(actor=alice, ticket=ticket, body="Unplug it.", at=T0)
    drain()
    client.force_login(alice)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "email queued, attempt 1 failed" in page


def test_escalation_notices_are_emailed_to_the_staff_they_name(alice, ticket, tiers, mailbox):
    EscalationRule.objects.create(
        tier=tiers["Premium"], on=AlertKind.WARNING, action=EscalationAction.NOTIFY_ASSIGNEE
    )
    tickets.assign(actor=alice, ticket=ticket, assignee=alice, at=T0)
    monitor.sweep(now=T0 + timedelta(minutes=50))
    drain()
    row = OutboundEmail.objects.get(kind=OutboundKind.NOTIFICATION)
    assert (row.state, row.to) == (Delivery.SENT, "alice@desk.example")
    msg = mailbox.received[0][2]
    assert (
        msg["Subject"]
        == f"[tierdesk] #{ticket.pk} Printer on fire: First response is close to breach."
    )
    assert msg["Auto-Submitted"] == "auto-generated"
    drain()
    assert OutboundEmail.objects.count() == 1  # once per notice


def test_staff_without_an_email_address_get_no_email(ticket, tiers):
    silent = create_user(username="nomail", email="", password=None, role=Role.AGENT)
    EscalationRule.objects.create(
        tier=tiers["Premium"], on=AlertKind.WARNING, action=EscalationAction.NOTIFY_ASSIGNEE
    )
    tickets.assign(actor=silent, ticket=ticket, assignee=silent, at=T0)
    monitor.sweep(now=T0 + timedelta(minutes=50))
    drain()
    assert OutboundEmail.objects.count() == 0


def test_a_send_stalled_by_a_dead_worker_is_queued_again(alice, ticket, mailbox):
    tickets.reply(actor=alice, ticket=ticket, body="Unplug it.", at=T0)
    drain()
    row = OutboundEmail.objects.get()
    # A worker claimed it (attempt counted, lease set) and died before recording anything.
    OutboundEmail.objects.filter(pk=row.pk).update(
        state=Delivery.QUEUED, attempts=1, next_attempt_at=T0 + timedelta(minutes=5), sent_at=None
    )
    mailbox.received.clear()
    assert requeue(at=T0 + timedelta(minutes=9)) == 0  # still within its lease
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        assert requeue(at=T0 + timedelta(minutes=10)) == 1
        drain()
    row.refresh_from_db()
    assert (row.state, row.attempts, len(mailbox.received)) == (Delivery.SENT, 2, 1)


def test_mail_retry_sends_failed_email_again(alice, ticket, settings, capsys):
    settings.TIERDESK_MAIL_MAX_ATTEMPTS = 1
    tickets.reply(actor=alice, ticket=ticket, body="Unplug it.", at=T0)
    drain()
    assert OutboundEmail.objects.get().state == Delivery.FAILED
    main(["mail", "retry"])
    assert capsys.readouterr().out == "1 email(s) queued again\n"
    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts) == (Delivery.QUEUED, 0)
    assert DBTaskResult.objects.filter(task_path="tierdesk.mail.tasks.send_email").count() == 1
