"""A customer's whole email conversation, over real SMTP on loopback both ways.

Dana (no login) emails support; the ticket opens; Alice answers in the web UI and sets it
pending; the worker sends the answer to Dana's mail server; Dana answers from her mail
client; the answer lands on the same ticket, reopens it, and stops no clock it should not.
"""

import smtplib
from email.message import EmailMessage

import pytest

from tests.mail.conftest import corpus, crlf, drain
from tierdesk.mail.models import Delivery, InboundEmail, OutboundEmail, Outcome
from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def smtp_send(listener, raw, to):
    with smtplib.SMTP(listener.hostname, listener.port, timeout=10) as smtp:
        smtp.sendmail("dana.fischer@gmail.com", [to], crlf(raw))


def clock_states(ticket):
    return dict(SlaClock.objects.filter(ticket=ticket, cycle=1).values_list("metric", "state"))


def test_email_in_agent_answers_on_the_web_reply_threads_back(
    tiers, alice, client, our_listener, mailbox
):
    smtp_send(our_listener, corpus("gmail_new.eml"), "support@desk.example")
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.requester.email) == ("new", "dana.fischer@gmail.com")

    client.force_login(alice)
    page = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {
            "body": "We unlocked your account; please sign in again.",
            "kind": "public",
            "status": "pending",
        },
    )
    assert (page.status_code, page.url) == (302, f"/tickets/{ticket.pk}/"), page.content
    drain()  # the worker: the reply's event, then the send

    (_, rcpt, answer) = mailbox.received[0]
    assert rcpt == ["dana.fischer@gmail.com"]
    assert answer["In-Reply-To"] == "<CAHk7x9QnP3mWq1=gmail-new-0001@mail.gmail.com>"
    assert OutboundEmail.objects.get().state == Delivery.SENT
    assert clock_states(ticket)["first_response"] == ClockState.ACHIEVED

    reply = EmailMessage()
    reply["From"] = "Dana Fischer <dana.fischer@gmail.com>"
    reply["To"] = answer["Reply-To"]
    reply["Subject"] = f"Re: {answer['Subject']}"
    reply["Message-ID"] = "<CAHk7x9QnP3mWq1=gmail-run-through-0009@mail.gmail.com>"
    reply["In-Reply-To"] = answer["Message-ID"]
    reply["References"] = f"{answer['References'] or ''} {answer['Message-ID']}".strip()
    quoted = "\n".join(
        f"> {line}" for line in answer.get_body(("plain",)).get_content().splitlines()
    )
    reply.set_content(f"Signed in, thanks!\n\nOn Tue, 3 Mar 2026, Acme Support wrote:\n{quoted}\n")
    smtp_send(our_listener, reply.as_bytes(), answer["Reply-To"])

    inbound = InboundEmail.objects.order_by("id").last()
    assert (inbound.outcome, inbound.ticket_id) == (Outcome.THREADED, ticket.pk)
    ticket.refresh_from_db()
    assert ticket.status == "open"  # her answer reopened the pending ticket
    message = ticket.messages.order_by("id").last()
    assert (message.body, message.channel, message.in_reply_to.author) == (
        "Signed in, thanks!",
        "email",
        alice,
    )
    drain()
    assert OutboundEmail.objects.count() == 1  # her own message is not echoed to her
    states = clock_states(ticket)
    assert states["first_response"] == ClockState.ACHIEVED
    assert states["resolution"] == ClockState.RUNNING  # paused while pending, running again
    next_response = SlaClock.objects.filter(ticket=ticket, metric="next_response").last()
    assert next_response.state == ClockState.RUNNING  # waiting for Alice again
    assert Ticket.objects.count() == 1
