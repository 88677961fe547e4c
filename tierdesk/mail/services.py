"""Email in: ``receive`` is the one entry for the SMTP listener and the Maildir poller.

Every email received leaves one ``InboundEmail`` row saying what became of it. Threading
order (docs/email.md): In-Reply-To, then References newest first (our own Message-IDs and
the customers'), then the ticket in the reply address (``support+t42@…``), then ``[#42]``
in the subject. A reference to a ticket of another organization is not followed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from tierdesk.customers.services import contact_for_sender
from tierdesk.errors import Conflict, Invalid, TierdeskError
from tierdesk.mail import outbox
from tierdesk.mail.models import InboundEmail, OutboundEmail, Outcome
from tierdesk.mail.parser import File, ParsedEmail, parse, reply_text, ticket_in_address
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Attachment, Message, Ticket
from tierdesk.tickets.participants import Author
from tierdesk.tiers.models import Channel

EMPTY_BODY = "(This email had no text; see its attachments.)"
TRUNCATED = "\n\n[The rest of this email was cut: it was longer than {limit} characters.]"


@dataclass(frozen=True, slots=True)
class _Thread:
    ticket: Ticket | None
    answers: Message | None


def receive(raw: bytes, *, at: datetime, recipients: Sequence[str] = ()) -> InboundEmail:
    """Turn one raw email into a ticket, a reply on one, or a logged refusal; never raises
    for what a sender wrote (a database outage does raise, so SMTP answers "try later")."""
    try:
        email = parse(raw)
    except Exception as exc:  # noqa: BLE001 - an unreadable email is logged, not crashed on
        return _log(raw, None, at, Outcome.REFUSED, f"unreadable email: {exc!r}"[:300])
    ignored = _why_ignored(email)
    if ignored:
        return _log(raw, email, at, Outcome.IGNORED, ignored)
    try:
        return _receive(raw, email, at, recipients)
    except TierdeskError as error:
        # A rule refused it (rolled back whole): log why rather than have SMTP retry forever.
        return _log(raw, email, at, Outcome.REFUSED, error.message)
    except IntegrityError:
        # The same email delivered twice at once: the other delivery won the unique id.
        seen = _received_before(email.message_id)
        return _log(raw, email, at, Outcome.DUPLICATE, "delivered twice", seen)


def _why_ignored(email: ParsedEmail) -> str:
    if email.automatic:
        return email.automatic
    if email.tierdesk_header or outbox.is_our_message_id(email.message_id):
        return "loop: our own email came back"
    if email.sender_email == outbox.own_address():
        return "loop: sent from our own address"
    return ""


def _received_before(message_id: str) -> tuple[int, int] | None:
    """(message id, ticket id) of the email received before under this Message-ID."""
    return (
        Message.objects.filter(channel=Channel.EMAIL, external_id=message_id)
        .values_list("pk", "ticket_id")
        .first()
    )


def _receive(
    raw: bytes, email: ParsedEmail, at: datetime, recipients: Sequence[str]
) -> InboundEmail:
    seen = _received_before(email.message_id)
    if seen is not None:
        return _log(raw, email, at, Outcome.DUPLICATE, "received before", seen)
    with transaction.atomic():
        try:
            contact = contact_for_sender(email=email.sender_email, name=email.sender_name, at=at)
        except Invalid as error:
            return _log(raw, email, at, Outcome.REFUSED, f"sender: {error.message}")
        thread = _thread_of(email, recipients, contact.organization_id)
        author = Author.customer(contact)
        files, too_big = _split_files(email)
        try:
            if thread.ticket is None:
                ticket = tickets.open_ticket(  # it checks the channel against the tier itself
                    author=author,
                    subject=(email.subject or "(no subject)")[:200],
                    body=_body(email.text),
                    channel=Channel.EMAIL,
                    external_id=email.message_id,
                    at=at,
                )
                message, outcome = ticket.messages.get(), Outcome.CREATED
            else:
                message = tickets.reply(
                    author=author,
                    ticket=thread.ticket,
                    body=_body(reply_text(email.text)),
                    channel=Channel.EMAIL,
                    external_id=email.message_id,
                    in_reply_to=thread.answers,
                    at=at,
                )
                outcome = Outcome.THREADED
        except Conflict as error:
            if error.code != "channel_not_in_tier":
                raise
            # The attempt is on the customer's timeline already (the channel check kept it).
            outbox.queue_notice(to=email.sender_email, answering=email, text=error.message, at=at)
            return _log(raw, email, at, Outcome.REFUSED, error.message)
        _attach(message, files, at)
        if too_big:
            outbox.queue_oversize_notice(
                message=message, answering=email, skipped=too_big, to=email.sender_email, at=at
            )
        reason = "" if not too_big else f"{len(too_big)} attachment(s) over the size limit"
        return _log(raw, email, at, outcome, reason, message, too_big)


def _thread_of(email: ParsedEmail, recipients: Sequence[str], organization_id: int) -> _Thread:
    ids = email.thread_ids
    if ids:
        # Customers mostly answer our emails: look there first; theirs only if needed.
        found: dict[str, Message] = {
            o.message_id: o.ticket_message
            for o in OutboundEmail.objects.select_related("ticket_message__ticket").filter(
                message_id__in=ids, ticket_message__isnull=False
            )
        }
        if ids[0] not in found:
            found |= {
                m.external_id: m
                for m in Message.objects.select_related("ticket").filter(
                    channel=Channel.EMAIL, external_id__in=ids
                )
            }
        for mid in ids:
            message = found.get(mid)
            if message is not None and message.ticket.organization_id == organization_id:
                return _Thread(message.ticket, message)
    reply_to = outbox.reply_base()
    for number in (
        *(ticket_in_address(a, reply_to) for a in (*recipients, *email.recipients)),
        email.ticket_in_subject,
    ):
        if number is None:
            continue
        ticket = Ticket.objects.filter(pk=number, organization_id=organization_id).first()
        if ticket is not None:
            return _Thread(ticket, None)
    return _Thread(None, None)


def _body(text: str) -> str:
    limit = settings.TIERDESK_MAX_MESSAGE_CHARS
    text = text.strip() or EMPTY_BODY
    if len(text) > limit:
        note = TRUNCATED.format(limit=limit)
        text = text[: limit - len(note)] + note
    return text


def _split_files(email: ParsedEmail) -> tuple[list[File], list[dict[str, object]]]:
    limit = settings.TIERDESK_MAX_ATTACHMENT_BYTES
    kept = [f for f in email.files if len(f.data) <= limit]
    skipped = [{"filename": f.filename, "size": len(f.data)} for f in email.files if f not in kept]
    return kept, skipped


def _attach(message: Message, files: list[File], at: datetime) -> None:
    for f in files:
        attachment = Attachment(
            message=message,
            uploaded_by=None,
            filename=f.filename,
            content_type=f.content_type,
            size=len(f.data),
            created_at=at,
        )
        attachment.file.save(f.filename, ContentFile(f.data), save=False)
        attachment.save()


def _log(
    raw: bytes,
    email: ParsedEmail | None,
    at: datetime,
    outcome: str,
    reason: str = "",
    message: Message | tuple[int, int] | None = None,
    skipped: list[dict[str, object]] | None = None,
) -> InboundEmail:
    ids = (message.pk, message.ticket_id) if isinstance(message, Message) else message
    return InboundEmail.objects.create(
        received_at=at,
        message_id=email.message_id if email else "",
        sender=email.sender_email[:254] if email else "",
        subject=email.subject[:200] if email else "",
        size=len(raw),
        outcome=outcome,
        reason=reason[:300],
        ticket_id=ids[1] if ids else None,
        ticket_message_id=ids[0] if ids else None,
        html=email.html if email and outcome in (Outcome.CREATED, Outcome.THREADED) else "",
        skipped_files=skipped or [],
    )
