"""Email out: what is queued (replies, notices, staff notifications), and how it is sent.

Each email is an ``OutboundEmail`` row written with a task to send it, in one transaction:
no commit, no email; a commit, then the email until it is sent or has visibly failed.
Sending claims the row with a guarded update (two workers never send one row twice), talks
SMTP outside any transaction, and on a temporary failure re-queues itself with backoff.
"""

from __future__ import annotations

import html
import smtplib
import ssl
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import F

from tierdesk.mail.models import Delivery, OutboundEmail, OutboundKind
from tierdesk.mail.parser import ParsedEmail
from tierdesk.sla.models import Notification
from tierdesk.tickets.models import AuthorKind, Message, MessageKind, Ticket
from tierdesk.tiers.models import Channel

# Tickets whose public answers go out by email. Web and API tickets too: the requester may
# have no login, and email is in every tier; chat and phone answers happen live, there.
MAILED_CHANNELS = frozenset({Channel.EMAIL, Channel.WEB, Channel.API})
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
# How long a claimed send may take before the row counts as stalled (a worker died mid-send).
LEASE = timedelta(minutes=5)
NOTICES_PER_SENDER_PER_DAY = 5
REFERENCES_KEPT = 10


def own_address() -> str:
    return parseaddr(settings.TIERDESK_MAIL_FROM)[1].lower()


def reply_base() -> str:
    return (settings.TIERDESK_MAIL_REPLY_TO or own_address()).lower()


def reply_address(ticket_id: int) -> str:
    local, _, domain = reply_base().partition("@")
    return f"{local}+t{ticket_id}@{domain}"


def _id_domain() -> str:
    return own_address().partition("@")[2] or "tierdesk.invalid"


def new_message_id() -> str:
    return f"<tierdesk.{uuid.uuid4().hex}@{_id_domain()}>"


def is_our_message_id(message_id: str) -> bool:
    return message_id.startswith("<tierdesk.") and message_id.endswith(f"@{_id_domain()}>")


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 1, 2, 4, … minutes, at most an hour."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _enqueue(row: OutboundEmail, *, run_after: datetime | None = None) -> None:
    from tierdesk.mail.tasks import send_email

    task = send_email.using(run_after=run_after) if run_after else send_email
    task.enqueue(outbound_id=row.pk)


def _queue(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    headers: dict[str, str],
    at: datetime,
    ticket: Ticket | None = None,
    message: Message | None = None,
    notification: Notification | None = None,
) -> OutboundEmail:
    row = OutboundEmail.objects.create(
        kind=kind,
        ticket=ticket,
        ticket_message=message,
        notification=notification,
        to=to[:320],
        subject=" ".join(subject.split())[:250],
        text=text,
        headers=headers,
        message_id=new_message_id(),
        next_attempt_at=at,
        created_at=at,
    )
    _enqueue(row)
    return row


def queue_email(
    *,
    to: str,
    subject: str,
    text: str,
    at: datetime,
    ticket: Ticket | None = None,
    kind: OutboundKind = OutboundKind.NOTICE,
) -> OutboundEmail:
    """An automatic email to one address (a survey, a notice of ours), sent like the rest.

    Call inside the transaction of the change that asks for it: no commit, no email.
    """
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    return _queue(
        kind=kind,
        to=to,
        subject=subject,
        text=text,
        headers=headers,
        at=at,
        ticket=ticket,
    )


def _subject(ticket: Ticket) -> str:
    tag = f"[#{ticket.pk}]"
    subject = ticket.subject if tag in ticket.subject else f"{ticket.subject} {tag}"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _thread_headers(ticket: Ticket) -> dict[str, str]:
    """In-Reply-To the customer's latest email; References the thread, oldest first."""
    received = list(
        Message.objects.filter(ticket=ticket, channel=Channel.EMAIL)
        .exclude(external_id="")
        .order_by("created_at", "id")
        .values_list("created_at", "id", "external_id")
    )
    sent = list(
        OutboundEmail.objects.filter(ticket=ticket, kind=OutboundKind.REPLY).values_list(
            "created_at", "id", "message_id"
        )
    )
    thread = [mid for _, _, mid in sorted(received + sent)]
    if not thread:
        return {}
    kept = thread if len(thread) <= REFERENCES_KEPT else [thread[0], *thread[-9:]]
    answering = received[-1][2] if received else thread[-1]
    return {"In-Reply-To": answering, "References": " ".join(kept)}


@transaction.atomic
def queue_reply(*, message_id: int, at: datetime) -> OutboundEmail | None:
    """The email for a public answer on a ticket (agent, bot or tierdesk), once per message.

    Customers' own messages are never echoed back, and internal notes never leave.
    """
    message = (
        Message.objects.select_related("ticket__requester", "author").filter(pk=message_id).first()
    )
    if (
        message is None
        or message.kind != MessageKind.PUBLIC
        or message.author_kind == AuthorKind.CUSTOMER
        or message.ticket.channel not in MAILED_CHANNELS
    ):
        return None
    existing = OutboundEmail.objects.filter(ticket_message=message).first()
    if existing is not None:
        return existing
    ticket = message.ticket
    requester = ticket.requester
    signature = ""
    if message.author is not None:
        signature = f"\n\n{message.author.get_full_name() or message.author.username}"
    text = (
        f"{message.body}{signature}\n\n-- \nTicket #{ticket.pk}: reply to this email to add to it."
    )
    return _queue(
        kind=OutboundKind.REPLY,
        to=formataddr((requester.name, requester.email)),
        subject=_subject(ticket),
        text=text,
        headers={"Reply-To": reply_address(ticket.pk), **_thread_headers(ticket)},
        at=at,
        ticket=ticket,
        message=message,
    )


def _notices_today(to: str, at: datetime) -> int:
    return OutboundEmail.objects.filter(
        to=to, kind=OutboundKind.NOTICE, created_at__gt=at - timedelta(days=1)
    ).count()


def queue_notice(
    *,
    to: str,
    answering: ParsedEmail,
    text: str,
    at: datetime,
    ticket: Ticket | None = None,
) -> OutboundEmail | None:
    """An automatic answer to a sender (RFC 3834: marked auto-replied, never to automatic
    mail, a few per address a day at most, so two robots cannot loop through us)."""
    if answering.automatic or _notices_today(to, at) >= NOTICES_PER_SENDER_PER_DAY:
        return None
    subject = answering.subject or "your email"
    headers = {
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "In-Reply-To": answering.message_id,
        "References": " ".join((*answering.references[-9:], answering.message_id)),
    }
    if ticket is not None:
        headers["Reply-To"] = reply_address(ticket.pk)
    return _queue(
        kind=OutboundKind.NOTICE,
        to=to,
        subject=subject if subject.lower().startswith("re:") else f"Re: {subject}",
        text=text,
        headers=headers,
        at=at,
        ticket=ticket,
    )


def queue_oversize_notice(
    *,
    message: Message,
    answering: ParsedEmail,
    skipped: list[dict[str, object]],
    to: str,
    at: datetime,
) -> OutboundEmail | None:
    limit = _size(settings.TIERDESK_MAX_ATTACHMENT_BYTES)
    names = "\n".join(f"  - {s['filename']} ({_size(int(str(s['size'])))})" for s in skipped)
    ticket = message.ticket
    text = (
        f"We received your email and added it to ticket #{ticket.pk}, but without these "
        f"attachments, which are larger than our limit of {limit} per file:\n\n"
        f"{names}\n\nPlease send them as a link to a file share, or split them into smaller "
        "files, in a reply to this email."
    )
    return queue_notice(to=to, answering=answering, text=text, at=at, ticket=ticket)


def _size(size: int) -> str:
    if size < 1_048_576:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1_048_576:.1f} MB"


@transaction.atomic
def queue_notifications(*, ticket_id: int, at: datetime) -> list[OutboundEmail]:
    """Email each escalation notice on this ticket not emailed yet to the staff it names."""
    pending = Notification.objects.filter(ticket_id=ticket_id).exclude(user__email="")
    emailed = OutboundEmail.objects.filter(notification__in=pending).values_list(
        "notification_id", flat=True
    )
    queued = []
    for notice in pending.exclude(pk__in=emailed).select_related("user", "ticket"):
        queued.append(
            _queue(
                kind=OutboundKind.NOTIFICATION,
                to=formataddr((notice.user.get_full_name(), notice.user.email)),
                subject=f"[tierdesk] {notice.text}",
                text=f"{notice.text}\n\nOpen ticket #{ticket_id} in tierdesk to act on it.",
                headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
                at=at,
                ticket=notice.ticket,
                notification=notice,
            )
        )
    return queued


def compose(row: OutboundEmail) -> EmailMessage:
    """The email exactly as sent: the same on every attempt (same Message-ID and Date)."""
    msg = EmailMessage()
    msg["From"] = settings.TIERDESK_MAIL_FROM
    msg["To"] = row.to
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(row.created_at)
    msg["Message-ID"] = row.message_id
    for name, value in row.headers.items():
        msg[name] = value
    msg["X-Tierdesk-Mail"] = str(row.pk)
    if row.ticket_id is not None:
        msg["X-Tierdesk-Ticket"] = str(row.ticket_id)
    msg.set_content(row.text)
    msg.add_alternative(text_to_html(row.text), subtype="html")
    return msg


def text_to_html(text: str) -> str:
    """HTML built from our own plain text, escaped: never from anyone's HTML."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return f'<!doctype html>\n<html><body style="font-family:sans-serif">\n{body}\n</body></html>\n'


def _send(msg: EmailMessage) -> None:
    with smtplib.SMTP(settings.TIERDESK_SMTP_HOST, settings.TIERDESK_SMTP_PORT, timeout=30) as smtp:
        if settings.TIERDESK_SMTP_STARTTLS:
            smtp.starttls(context=ssl.create_default_context())
        if settings.TIERDESK_SMTP_USER:
            smtp.login(settings.TIERDESK_SMTP_USER, settings.TIERDESK_SMTP_PASSWORD)
        smtp.send_message(msg, from_addr=own_address())


def _permanent(error: Exception) -> bool:
    """The server refused this email for good (5xx to the recipient or the content)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def deliver(*, outbound_id: int, at: datetime) -> OutboundEmail:
    """One attempt to send; on a temporary failure the next is queued with backoff."""
    claimed = OutboundEmail.objects.filter(
        pk=outbound_id, state=Delivery.QUEUED, next_attempt_at__lte=at
    ).update(attempts=F("attempts") + 1, next_attempt_at=at + LEASE)
    row = OutboundEmail.objects.get(pk=outbound_id)
    if not claimed:
        return row  # sent, failed, not due yet, or another worker has it
    try:
        _send(compose(row))
    except (smtplib.SMTPException, OSError) as error:
        return _failed(row, error, at)
    row.state, row.sent_at, row.last_error = Delivery.SENT, at, ""
    row.save(update_fields=["state", "sent_at", "last_error"])
    return row


@transaction.atomic
def _failed(row: OutboundEmail, error: Exception, at: datetime) -> OutboundEmail:
    row.last_error = f"{type(error).__name__}: {error}"[:500]
    if _permanent(error) or row.attempts >= settings.TIERDESK_MAIL_MAX_ATTEMPTS:
        row.state = Delivery.FAILED
    else:
        row.next_attempt_at = at + backoff(row.attempts)
        _enqueue(row, run_after=row.next_attempt_at)
    row.save(update_fields=["state", "last_error", "next_attempt_at"])
    return row


@transaction.atomic
def requeue(*, at: datetime, failed: bool = False) -> int:
    """Queue a send for stalled rows (a worker died mid-send) and, asked to, failed ones."""
    stalled = OutboundEmail.objects.filter(
        state=Delivery.QUEUED, next_attempt_at__lte=at - LEASE
    ).select_for_update(skip_locked=True)
    rows = list(stalled)
    if failed:
        again = list(OutboundEmail.objects.select_for_update().filter(state=Delivery.FAILED))
        OutboundEmail.objects.filter(pk__in=[r.pk for r in again]).update(
            state=Delivery.QUEUED, attempts=0, next_attempt_at=at
        )
        rows += again
    for row in rows:
        _enqueue(row)
    return len(rows)
