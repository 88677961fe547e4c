"""receive(): every email becomes a ticket, a reply on one, or a logged refusal, once."""

from datetime import timedelta

import pytest
import time_machine

from tests.conftest import T0
from tests.mail.conftest import corpus, drain
from tierdesk.customers.models import Contact, Interaction, InteractionKind
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.errors import Conflict
from tierdesk.mail.models import InboundEmail, OutboundEmail, OutboundKind, Outcome
from tierdesk.mail.services import receive
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Attachment, Message, Ticket
from tierdesk.tiers.models import BusinessCalendar
from tierdesk.tiers.services import create_tier, set_coverage


def email(*, sender, subject, message_id, body="Hello, a question.", extra=""):
    return (
        f"From: {sender}\r\nTo: support@desk.example\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def test_an_email_from_a_stranger_opens_a_ticket_on_the_entry_tier(tiers):
    inbound = receive(corpus("gmail_new.eml"), at=T0)
    assert inbound.outcome == Outcome.CREATED
    ticket = inbound.ticket
    assert (ticket.subject, ticket.channel, ticket.tier.name) == (
        "Cannot sign in after password reset",
        "email",
        "Basic",
    )
    assert ticket.requester.email == "dana.fischer@gmail.com"
    message = ticket.messages.get()
    assert message.external_id == "<CAHk7x9QnP3mWq1=gmail-new-0001@mail.gmail.com>"
    assert message.body.endswith("Can you unlock it?\n\nThanks,\nDana")
    assert inbound.html.startswith("<div><div>Hello,</div>")


def test_a_gmail_reply_threads_by_in_reply_to_with_only_the_new_text(tiers):
    first = receive(corpus("gmail_new.eml"), at=T0)
    second = receive(corpus("gmail_reply.eml"), at=T0 + timedelta(hours=2))
    assert second.outcome == Outcome.THREADED
    assert second.ticket == first.ticket
    assert second.ticket_message.in_reply_to == first.ticket_message
    assert second.ticket_message.body == (
        "It works again, thank you! One more thing: the invoice still shows my old\naddress."
    )


def test_an_outlook_reply_threads_and_loses_the_quoted_original(tiers):
    first = receive(corpus("outlook_new.eml"), at=T0)
    second = receive(corpus("outlook_reply.eml"), at=T0 + timedelta(hours=5))
    assert (second.outcome, second.ticket) == (Outcome.THREADED, first.ticket)
    assert second.ticket_message.body == (
        "Still broken after the update to 5.2, the drops are now every 20 minutes."
    )


def test_the_same_email_delivered_twice_is_one_message(tiers):
    receive(corpus("gmail_new.eml"), at=T0)
    again = receive(corpus("gmail_new.eml"), at=T0 + timedelta(minutes=1))
    assert again.outcome == Outcome.DUPLICATE
    assert Message.objects.count() == 1
    assert InboundEmail.objects.count() == 2


def test_auto_replies_and_bounces_create_nothing_and_answer_nothing(tiers):
    for name in ("auto_reply.eml", "bounce_dsn.eml"):
        assert receive(corpus(name), at=T0).outcome == Outcome.IGNORED
    drain()
    assert (Ticket.objects.count(), Contact.objects.count(), OutboundEmail.objects.count()) == (
        0,
        0,
        0,
    )
    assert list(InboundEmail.objects.order_by("id").values_list("reason", flat=True)) == [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-replied",
    ]


def test_our_own_email_coming_back_is_a_loop(tiers):
    ours = email(
        sender="Someone <someone@elsewhere.example>",
        subject="Re: anything",
        message_id="<tierdesk.0123456789abcdef@desk.example>",
    )
    stamped = email(
        sender="Someone <someone@elsewhere.example>",
        subject="Fwd: anything",
        message_id="<fwd-1@elsewhere.example>",
        extra="X-Tierdesk-Mail: 17\r\n",
    )
    from_us = email(
        sender="Acme Support <support@desk.example>", subject="Hi", message_id="<x-1@desk.example>"
    )
    outcomes = [receive(raw, at=T0) for raw in (ours, stamped, from_us)]
    assert [(o.outcome, o.reason) for o in outcomes] == [
        (Outcome.IGNORED, "loop: our own email came back"),
        (Outcome.IGNORED, "loop: our own email came back"),
        (Outcome.IGNORED, "loop: sent from our own address"),
    ]
    assert Ticket.objects.count() == 0


def test_a_ticket_reference_in_the_subject_threads_for_the_same_organization(ticket, bob):
    mine = email(
        sender="Carol <carol@acme.example>",
        subject=f"Re: Printer on fire [#{ticket.pk}]",
        message_id="<carol-2@acme.example>",
    )
    foreign = email(
        sender="Bob <bob@globex.example>",
        subject=f"Re: Printer on fire [#{ticket.pk}]",
        message_id="<bob-1@globex.example>",
    )
    assert (receive(mine, at=T0).outcome, Message.objects.last().ticket) == (
        Outcome.THREADED,
        ticket,
    )
    other = receive(foreign, at=T0)
    assert other.outcome == Outcome.CREATED
    assert other.ticket != ticket and other.ticket.organization.name == "Globex"


def test_the_reply_address_threads_when_headers_are_lost(ticket):
    raw = email(sender="carol@acme.example", subject="new phone", message_id="<c-3@acme.example>")
    inbound = receive(raw, at=T0, recipients=[f"support+t{ticket.pk}@desk.example"])
    assert (inbound.outcome, inbound.ticket) == (Outcome.THREADED, ticket)


def test_a_reply_to_our_email_threads_onto_the_message_it_answers(alice, ticket, mailbox):
    answer = tickets.reply(actor=alice, ticket=ticket, body="Unplug it.", at=T0)
    drain()
    sent = OutboundEmail.objects.get(ticket_message=answer)
    raw = email(
        sender="Carol <carol@acme.example>",
        subject="Re: Printer on fire",
        message_id="<carol-4@acme.example>",
        extra=f"In-Reply-To: {sent.message_id}\r\n",
        body="Done, thanks.\r\n\r\nOn Tue, Acme Support wrote:\r\n> Unplug it.",
    )
    inbound = receive(raw, at=T0 + timedelta(minutes=5))
    assert (inbound.outcome, inbound.ticket) == (Outcome.THREADED, ticket)
    assert inbound.ticket_message.in_reply_to == answer
    assert inbound.ticket_message.body == "Done, thanks."


def test_an_oversized_attachment_is_left_out_and_the_sender_told(tiers):
    inbound = receive(corpus("oversized_attachment.eml"), at=T0)
    assert inbound.outcome == Outcome.CREATED
    assert [a.filename for a in inbound.ticket_message.attachments.all()] == ["config.txt"]
    assert inbound.skipped_files == [{"filename": "device-logs.bin", "size": 40_000}]
    notice = OutboundEmail.objects.get(kind=OutboundKind.NOTICE)
    assert notice.to == "dana.fischer@gmail.com"
    assert notice.headers["Auto-Submitted"] == "auto-replied"
    assert notice.headers["Reply-To"] == f"support+t{inbound.ticket.pk}@desk.example"
    assert "device-logs.bin (39 KB)" in notice.text
    assert "larger than our limit of 32 KB per file" in notice.text


def test_an_inline_image_is_stored_as_an_attachment_of_nobody(tiers):
    inbound = receive(corpus("inline_image.eml"), at=T0)
    attachment = Attachment.objects.get()
    assert (attachment.message, attachment.uploaded_by, attachment.filename) == (
        inbound.ticket_message,
        None,
        "screenshot.png",
    )
    assert attachment.file.read().startswith(b"\x89PNG")


def test_non_utf8_emails_arrive_readable(tiers):
    latin = receive(corpus("latin1.eml"), at=T0)
    japanese = receive(corpus("shift_jis.eml"), at=T0)
    assert latin.ticket.subject == "Problème de facturation à régler"
    assert "450 € au lieu de 405 €" in latin.ticket_message.body
    assert japanese.ticket.subject == "請求書の宛先について"
    assert japanese.ticket.requester.name == "山田 太郎"


def test_a_stranger_joins_the_organization_of_their_domain(tiers):
    initech = create_organization(
        actor=None, name="Initech", tier=tiers["Standard"], domain="initech.example", at=T0
    )
    inbound = receive(corpus("html_only.eml"), at=T0)
    assert inbound.ticket.organization == initech
    assert inbound.ticket.tier.name == "Standard"
    assert "<script" not in inbound.html


@pytest.fixture
def web_only(dave, tiers):
    """Dana's organization is on a tier that includes the web form but not email."""
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        tier = create_tier(actor=dave, name="Web only", rank=9, fields={})
    with time_machine.travel(T0 - timedelta(days=1, seconds=-1), tick=False):
        set_coverage(
            actor=dave,
            tier=tier,
            channel="web",
            calendar=BusinessCalendar.objects.get(name="Business hours"),
        )
    org = create_organization(actor=None, name="Fischer", tier=tier, at=T0)
    create_contact(actor=None, organization=org, name="Dana", email="dana.fischer@gmail.com", at=T0)
    return tier


def test_a_tier_without_email_refuses_politely_and_keeps_the_attempt(web_only):
    inbound = receive(corpus("gmail_new.eml"), at=T0)
    assert inbound.outcome == Outcome.REFUSED
    assert inbound.reason.startswith("Web only tier has no email; please contact us by")
    assert Ticket.objects.count() == 0
    assert Interaction.objects.filter(kind=InteractionKind.CHANNEL_REFUSED).count() == 1
    notice = OutboundEmail.objects.get()
    assert (notice.kind, notice.to, notice.text) == (
        OutboundKind.NOTICE,
        "dana.fischer@gmail.com",
        inbound.reason,
    )


def test_notices_to_one_address_are_capped_per_day(web_only):
    for n in range(7):
        raw = email(sender="dana.fischer@gmail.com", subject="hi", message_id=f"<d-{n}@gmail.com>")
        receive(raw, at=T0 + timedelta(minutes=n))
    assert InboundEmail.objects.filter(outcome=Outcome.REFUSED).count() == 7
    assert OutboundEmail.objects.count() == 5


def test_a_reply_on_a_closed_ticket_starts_a_follow_up(alice, ticket):
    tickets.change_status(actor=alice, ticket=ticket, status="solved", at=T0)
    tickets.change_status(actor=alice, ticket=ticket, status="closed", at=T0)
    raw = email(
        sender="carol@acme.example",
        subject=f"Re: Printer on fire [#{ticket.pk}]",
        message_id="<carol-5@acme.example>",
    )
    inbound = receive(raw, at=T0 + timedelta(days=1))
    assert inbound.outcome == Outcome.THREADED
    assert inbound.ticket.follow_up_of == ticket


def test_an_email_without_a_sender_is_refused_and_logged(tiers):
    raw = b"To: support@desk.example\r\nSubject: ?\r\nMessage-ID: <n-1@x.example>\r\n\r\nhi\r\n"
    inbound = receive(raw, at=T0)
    assert (inbound.outcome, inbound.reason) == (
        Outcome.REFUSED,
        "sender: '' is not an email address.",
    )


def test_a_rule_refusing_the_email_is_logged_and_writes_nothing(tiers, monkeypatch):
    def refuse(**kwargs):
        raise Conflict("Tickets are frozen for maintenance.", code="frozen")

    monkeypatch.setattr("tierdesk.mail.services.tickets.open_ticket", refuse)
    inbound = receive(corpus("gmail_new.eml"), at=T0)
    assert (inbound.outcome, inbound.reason) == (
        Outcome.REFUSED,
        "Tickets are frozen for maintenance.",
    )
    assert (Ticket.objects.count(), Contact.objects.count()) == (0, 0)
