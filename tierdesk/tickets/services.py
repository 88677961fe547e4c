"""Every change to a ticket: one atomic use case each, audited in the same transaction."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tierdesk import compiled_writes
from tierdesk.accounts.models import AgentGroup, Role, User
from tierdesk.compiled import Compiled
from tierdesk.customers.models import Contact, InteractionKind, Organization
from tierdesk.customers.services import record_interaction
from tierdesk.errors import Conflict, Invalid, NotAllowed
from tierdesk.sla import services as sla
from tierdesk.tickets.models import (
    STATUS_TRANSITIONS,
    Attachment,
    AuthorKind,
    EventKind,
    Message,
    MessageKind,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)
from tierdesk.tickets.participants import Author
from tierdesk.tickets.subscribers import dispatch
from tierdesk.tickets.upload_limits import check_upload_quota
from tierdesk.tiers.coverage import channel_gate, refusal_message
from tierdesk.tiers.models import Channel, Priority, Tier
from tierdesk.uploads import too_large


def record_event(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None,
    at: datetime,
    before: Any = None,
    after: Any = None,
    **data: Any,
) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket, kind=kind, actor=actor, at=at, before=before, after=after, data=data
    )
    if sla.defer_event(ticket, event):
        return event  # inserted and dispatched with the rest of the service call's rows
    event.save()
    dispatch([event])
    return event


def _require_agent(actor: User | None, what: str) -> None:
    # No actor means tierdesk itself (an escalation rule or an automation) made the change.
    if actor is not None and not actor.is_agent:
        raise NotAllowed(f"Only agents can {what}.")


def _clean_text(value: str, *, field: str, max_chars: int) -> str:
    value = value.strip()
    if not value:
        raise Invalid(f"The {field} cannot be empty.", fields={field: "required"})
    if len(value) > max_chars:
        raise Invalid(
            f"The {field} is {len(value)} characters long; the limit is {max_chars}.",
            fields={field: f"at most {max_chars} characters"},
        )
    return value


def _choice(value: str, choices: type[Priority] | type[Status] | type[Channel], field: str) -> str:
    if value not in choices.values:
        raise Invalid(
            f"Unknown {field} {value!r}; use one of {', '.join(choices.values)}.",
            fields={field: "unknown value"},
        )
    return value


# Only the ticket's row: locking its tier too would queue every change to any ticket of
# that tier behind one another. Compiled once: every reply and change starts here.
_lock_ticket = Compiled(
    lambda params: (
        Ticket.objects.select_for_update(of=("self",)).select_related("tier").filter(pk=params[0])
    )
)


def _locked(ticket: Ticket) -> Ticket:
    rows = _lock_ticket.run([ticket.pk])
    if not rows:
        raise Ticket.DoesNotExist(f"No ticket {ticket.pk}.")
    return rows[0]


def _claim_attachments(actor: User | None, ids: Sequence[int], message: Message) -> None:
    """Join uploaded files to ``message``; with no actor, files nobody signed in uploaded.

    Only services name files with no actor (the public contact form hands over the ids it
    has just stored); the API and the portal always have a signed-in actor.
    """
    if not ids:
        return
    mine = {"uploaded_by": actor} if actor is not None else {"uploaded_by__isnull": True}
    claimed = Attachment.objects.filter(pk__in=ids, message=None, **mine).update(message=message)
    if claimed != len(set(ids)):
        raise Invalid(
            "Some attachments are unknown, not yours, or already sent; upload them again.",
            fields={"attachments": "unknown attachment ids"},
        )


def _tags(names: Iterable[str]) -> list[Tag]:
    slugs = sorted({slugify(n)[:50] for n in names if slugify(n)})
    existing = {t.name: t for t in Tag.objects.filter(name__in=slugs)}
    return [existing.get(s) or Tag.objects.create(name=s) for s in slugs]


def upload_attachment(*, actor: User | None, upload: UploadedFile) -> Attachment:
    """Store a file until a message names it; ``actor`` None: a sender with no login."""
    limit = settings.TIERDESK_MAX_ATTACHMENT_BYTES
    if upload.size is None or upload.size > limit:
        raise too_large(limit)
    name = PurePath(upload.name or "attachment").name[:255] or "attachment"
    now = timezone.now()
    with transaction.atomic():
        if actor is not None:  # email attachments are bounded by the message size instead
            check_upload_quota(user=actor, size=upload.size, now=now)
        attachment = Attachment(
            uploaded_by=actor,
            filename=name,
            content_type=(upload.content_type or "application/octet-stream")[:120],
            size=upload.size,
            created_at=now,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
    return attachment


def check_channel(
    *,
    requester: Contact,
    channel: str,
    at: datetime,
    logged_by_agent: bool = False,
    stamp: int | None = None,
) -> None:
    """Refuse a channel the requester's tier lacks, or a live one outside its hours.

    Uses the tier policy and calendar versions in force at ``at`` (``tiers.coverage``).
    Email, web and API are accepted at any hour (their clocks start at the next opening);
    phone and chat are refused while closed, naming when they open and what is open now.
    An agent logging contact that already happened (a call taken out of hours) is not
    refused for the hour, only for a channel the tier lacks. A refusal is kept on the
    customer's timeline in its own transaction, and nothing else is written: call this
    outside any transaction of yours, or the record is rolled back with your work.
    ``stamp``: the tier's ``terms_stamp`` when its row was read just now (``tiers.terms``).
    """
    tier = requester.organization.tier
    decision = channel_gate(tier_id=tier.pk, channel=channel, at=at, stamp=stamp)
    if decision.accepted or (logged_by_agent and decision.refusal == "closed"):
        return
    user = requester.user
    message = refusal_message(decision, tier_name=tier.name, tz=_zone_of(user))
    label = Channel(channel).label.lower()
    if decision.refusal == "not_in_tier":
        summary = f"Contact by {channel} refused: not included in {tier.name}."
        field = f"not included in {tier.name}"
    else:
        hours = decision.hours
        assert hours is not None
        opens = hours.opens_at.astimezone(hours.calendar.tz)
        summary = (
            f"Contact by {channel} refused: outside {tier.name} {label} hours "
            f"(opens {opens:%a %d %b %H:%M} {opens.tzname()})."
        )
        field = f"closed until {hours.opens_at.isoformat()}"
    with transaction.atomic():
        record_interaction(
            organization_id=requester.organization_id,
            contact_id=requester.pk,
            kind=InteractionKind.CHANNEL_REFUSED,
            channel=channel,
            summary=summary,
            at=at,
        )
    raise Conflict(
        message,
        code="channel_not_in_tier" if decision.refusal == "not_in_tier" else "channel_closed",
        fields={"channel": field},
    )


def _zone_of(user: User | None) -> ZoneInfo | None:
    if user is None or not user.time_zone:
        return None
    try:
        return ZoneInfo(user.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def open_ticket(
    *,
    actor: User | None = None,
    author: Author | None = None,
    subject: str,
    body: str,
    channel: str,
    requester: Contact | None = None,
    priority: str = Priority.NORMAL,
    tags: Iterable[str] = (),
    attachments: Sequence[int] = (),
    external_id: str = "",
    at: datetime | None = None,
) -> Ticket:
    """A new ticket from its first message: a customer writing in, or an agent logging it.

    ``author`` says who wrote it (a contact with no login, for an email); without it the
    signed-in ``actor`` is the author. A message already received (same channel and
    external id) returns its ticket again and writes nothing.
    """
    now = at or timezone.now()
    author = author or _author_of(actor)
    subject = _clean_text(subject, field="subject", max_chars=200)
    body = _clean_text(body, field="body", max_chars=settings.TIERDESK_MAX_MESSAGE_CHARS)
    _choice(channel, Channel, "channel")
    _choice(priority, Priority, "priority")
    seen = _already_received(channel, external_id)
    if seen is not None:
        return seen.ticket
    if author.is_customer:
        assert author.contact is not None
        if requester is not None and requester.pk != author.contact.pk:
            raise NotAllowed("Customers open tickets for themselves; leave out requester_id.")
        if tags:
            raise NotAllowed("Tags are the support team's; leave out tags.")
        requester = author.contact
    elif requester is None:
        raise Invalid("Say who the ticket is for.", fields={"requester_id": "required"})
    organization = organization_of(requester)
    if author.is_customer:
        _check_customer_priority(priority, organization.tier)
    check_channel(
        requester=requester,
        channel=channel,
        at=now,
        logged_by_agent=author.is_agent,
        stamp=organization.tier.terms_stamp,
    )
    return _open_ticket(
        actor=actor,
        author=author,
        subject=subject,
        body=body,
        channel=channel,
        requester=requester,
        priority=priority,
        tags=tags,
        attachments=attachments,
        external_id=external_id,
        at=now,
        organization=organization,
    )


def organization_of(requester: Contact) -> Organization:
    """The requester's organization and tier read now, in one query: the tier's terms stamp
    must be the current one for the cached terms to be trusted."""
    organization = Organization.objects.select_related("tier").get(pk=requester.organization_id)
    requester.organization = organization
    return organization


def _check_customer_priority(priority: str, tier: Tier) -> None:
    """A customer chooses a priority up to what their tier allows; agents may raise it later."""
    if tier.customer_priority(priority) == priority:
        return
    allowed = [p.value for p in Priority if tier.customer_priority(p) == p]
    raise Invalid(
        f"The {tier.name} tier lets you open a ticket at priority {', '.join(allowed)}; "
        "choose one of those, and we raise it when the issue needs it.",
        fields={"priority": f"at most {tier.max_customer_priority} on the {tier.name} tier"},
    )


def _author_of(actor: User | None) -> Author:
    if actor is None:
        raise Invalid("Say who wrote the message.", fields={"author": "required"})
    return Author.of(actor)


def _already_received(channel: str, external_id: str) -> Message | None:
    if not external_id:
        return None
    return (
        Message.objects.select_related("ticket")
        .filter(channel=channel, external_id=external_id)
        .first()
    )


def _post(
    ticket: Ticket,
    author: Author,
    *,
    actor: User | None,
    kind: str,
    body: str,
    channel: str,
    attachments: Sequence[int],
    at: datetime,
    external_id: str = "",
    in_reply_to: Message | None = None,
) -> tuple[Message, TicketEvent]:
    """A message on the ticket with its files and its event: the one way messages are written."""
    message = Message(
        ticket=ticket,
        kind=kind,
        author_kind=author.kind,
        author=author.user,
        contact=author.contact,
        body=body,
        created_at=at,
        channel=channel,
        external_id=external_id[:255],
        in_reply_to=in_reply_to,
    )
    compiled_writes.insert([message])
    _claim_attachments(actor, attachments, message)
    if not attachments:
        as_read(message, attachments=[])  # nothing to read back for the answer
    if kind == MessageKind.PUBLIC and author.kind == AuthorKind.AGENT:
        # Saved by the caller's _save, in this transaction (the KPIs read these).
        ticket.public_agent_replies += 1
        if ticket.first_response_at is None or at < ticket.first_response_at:
            ticket.first_response_at = at
    event = record_event(
        ticket=ticket,
        kind=EventKind.NOTE_ADDED if kind == MessageKind.INTERNAL else EventKind.MESSAGE_ADDED,
        actor=actor,
        at=at,
        message_id=message.pk,
        author_kind=author.kind,
        channel=channel,
    )
    return message, event


@transaction.atomic
def _open_ticket(
    *,
    actor: User | None,
    author: Author,
    subject: str,
    body: str,
    channel: str,
    requester: Contact,
    priority: str,
    tags: Iterable[str],
    attachments: Sequence[int],
    at: datetime,
    external_id: str = "",
    follow_up_of: Ticket | None = None,
    organization: Organization | None = None,
) -> Ticket:
    by_agent = author.is_agent
    organization = organization or organization_of(requester)
    ticket = Ticket(
        subject=subject,
        requester=requester,
        organization=organization,
        tier=organization.tier,
        channel=channel,
        priority=priority,
        status=Status.OPEN if by_agent else Status.NEW,
        opened_by_agent=by_agent,
        follow_up_of=follow_up_of,
        created_at=at,
        updated_at=at,
    )
    compiled_writes.insert([ticket])
    with sla.held_clocks(ticket, new=True):
        _fill_new_ticket(ticket, actor, author, body, requester, tags, attachments, at, external_id)
    return ticket


def _fill_new_ticket(
    ticket: Ticket,
    actor: User | None,
    author: Author,
    body: str,
    requester: Contact,
    tags: Iterable[str],
    attachments: Sequence[int],
    at: datetime,
    external_id: str,
) -> None:
    """The new ticket's tags, first message, clocks and their events, in bulk where it can."""
    subject, channel, priority, follow_up_of = (
        ticket.subject,
        ticket.channel,
        ticket.priority,
        ticket.follow_up_of,
    )
    tag_objs = _tags(tags)
    if tag_objs:
        ticket.tags.set(tag_objs)
    created = record_event(
        ticket=ticket,
        kind=EventKind.CREATED,
        actor=actor,
        at=at,
        after={
            "subject": subject,
            "status": ticket.status,
            "priority": priority,
            "channel": channel,
            "tags": [t.name for t in tag_objs],
        },
        follow_up_of=follow_up_of.pk if follow_up_of else None,
        author_kind=author.kind,
    )
    message, _ = _post(
        ticket,
        author,
        actor=actor,
        kind=MessageKind.PUBLIC,
        body=body,
        channel=channel,
        attachments=attachments,
        at=at,
        external_id=external_id,
    )
    record_interaction(
        organization_id=requester.organization_id,
        contact_id=requester.pk,
        kind=InteractionKind.TICKET_OPENED,
        channel=channel,
        summary=f"#{ticket.pk} {subject}",
        at=at,
        ticket_id=ticket.pk,
    )
    sla.start_clocks(ticket=ticket, at=at, cause=created)
    _save(ticket, at)
    # What the transaction wrote is what a reader of the new ticket would read back.
    as_read(ticket, tags=tag_objs, clocks=sla.held_clocks_of(ticket), messages=[message])


def as_read(obj: Ticket | Message, **related: list[Any] | None) -> None:
    """Hand ``obj`` its related rows as a prefetch would, so showing it reads nothing more.

    Only for rows this transaction wrote and holds; None leaves a relation to be read.
    """
    cache = obj.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        if rows is None:
            continue
        qs = getattr(obj, name).all()
        qs._result_cache, qs._prefetch_done = list(rows), True
        cache[name] = qs


def _set_status(ticket: Ticket, status: str, *, actor: User | None, at: datetime) -> None:
    """Move to `status`, with its event and clock changes; the caller holds the lock."""
    before = ticket.status
    if status == before:
        return
    if status not in STATUS_TRANSITIONS[before]:
        raise Conflict(
            f"A {Status(before).label.lower()} ticket cannot become "
            f"{Status(status).label.lower()}.",
            code="bad_transition",
            fields={"status": f"not allowed from {before}"},
        )
    ticket.status = status
    if status == Status.SOLVED:
        ticket.solved_at = at
    if status == Status.CLOSED:
        ticket.closed_at = at
    if before == Status.SOLVED and status == Status.OPEN:
        ticket.solved_at = None
        ticket.reopens += 1
        record_event(ticket=ticket, kind=EventKind.REOPENED, actor=actor, at=at)
    changed = record_event(
        ticket=ticket,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        at=at,
        before=before,
        after=status,
    )
    sla.on_status_change(
        ticket=ticket, before=before, after=status, at=at, actor=actor, cause=changed
    )


# Written with every save of a locked ticket: a message or a reopen may have moved them.
KPI_COUNTERS = ("first_response_at", "public_agent_replies", "reopens")


def _save(ticket: Ticket, at: datetime, *fields: str) -> None:
    ticket.updated_at = at
    ticket.sla_due_at = sla.nearest_due(ticket)
    compiled_writes.update(ticket, [*fields, "updated_at", "sla_due_at", *KPI_COUNTERS])
    if set(fields) & set(sla.SLICE_FIELDS):
        sla.copy_ticket_slices(ticket)


def reply(
    *,
    actor: User | None = None,
    author: Author | None = None,
    ticket: Ticket,
    body: str,
    attachments: Sequence[int] = (),
    status: str | None = None,
    channel: str | None = None,
    external_id: str = "",
    in_reply_to: Message | None = None,
    at: datetime | None = None,
) -> Message:
    """A public message on the ticket's conversation, from whoever ``author`` is.

    From a customer it may reopen the ticket or, on a closed one, start a follow-up (the
    message then lives on the follow-up and names it). An agent's answer stops the response
    clocks; the bot's and tierdesk's own messages stop nothing. ``channel`` is the channel a
    customer's message came in by; everyone else's goes out on the ticket's channel. A
    message already received (same channel and external id) is returned again and nothing
    is written. A customer writing through a channel their tier lacks, or a live one out of
    hours, is refused by ``check_channel`` before anything else is written.
    """
    now = at or timezone.now()
    author = author or _author_of(actor)
    body = _clean_text(body, field="body", max_chars=settings.TIERDESK_MAX_MESSAGE_CHARS)
    channel = _choice(channel, Channel, "channel") if channel else None
    # Only a message that came in by a channel has an id there to be seen again.
    seen = _already_received(channel, external_id) if channel else None
    if seen is not None:
        return seen
    if channel and author.is_customer and author.contact is not None:
        check_channel(requester=author.contact, channel=channel, at=now)
    return _reply(
        actor, author, ticket, body, attachments, status, channel, external_id, in_reply_to, now
    )


@transaction.atomic
def _reply(
    actor: User | None,
    author: Author,
    ticket: Ticket,
    body: str,
    attachments: Sequence[int],
    status: str | None,
    channel: str | None,
    external_id: str,
    in_reply_to: Message | None,
    now: datetime,
) -> Message:
    ticket = _locked(ticket)
    with sla.held_clocks(ticket):
        return _reply_locked(
            actor, author, ticket, body, attachments, status, channel, external_id, in_reply_to, now
        )


def _reply_locked(
    actor: User | None,
    author: Author,
    ticket: Ticket,
    body: str,
    attachments: Sequence[int],
    status: str | None,
    channel: str | None,
    external_id: str,
    in_reply_to: Message | None,
    now: datetime,
) -> Message:
    # A customer's message is on the channel it came in by; answers go out on the ticket's.
    channel = channel if channel and author.is_customer else ticket.channel
    if author.is_customer:
        if status is not None:
            raise NotAllowed("Customers cannot set a ticket's status; just write your reply.")
        return _customer_reply(
            actor, author, ticket, body, attachments, channel, external_id, in_reply_to, now
        )
    if ticket.status == Status.CLOSED:
        raise Conflict("This ticket is closed; open a follow-up ticket instead.", code="closed")
    if author.is_agent:
        return _agent_reply(
            actor, author, ticket, body, attachments, status, channel, external_id, now
        )
    message, _ = _post(
        ticket,
        author,
        actor=actor,
        kind=MessageKind.PUBLIC,
        body=body,
        channel=channel,
        attachments=attachments,
        at=now,
        external_id=external_id,
        in_reply_to=in_reply_to,
    )
    _save(ticket, now)
    return message


def _agent_reply(
    actor: User | None,
    author: Author,
    ticket: Ticket,
    body: str,
    attachments: Sequence[int],
    status: str | None,
    channel: str,
    external_id: str,
    at: datetime,
) -> Message:
    target = _choice(status, Status, "status") if status else None
    message, added = _post(
        ticket,
        author,
        actor=actor,
        kind=MessageKind.PUBLIC,
        body=body,
        channel=channel,
        attachments=attachments,
        at=at,
        external_id=external_id,
    )
    sla.on_agent_reply(ticket=ticket, at=at, actor=actor, cause=added)
    if target is None and ticket.status == Status.NEW:
        target = Status.OPEN
    if target is not None:
        _set_status(ticket, target, actor=actor, at=at)
    _save(ticket, at, "status", "solved_at", "closed_at")
    return message


def _customer_reply(
    actor: User | None,
    author: Author,
    ticket: Ticket,
    body: str,
    attachments: Sequence[int],
    channel: str,
    external_id: str,
    in_reply_to: Message | None,
    at: datetime,
) -> Message:
    contact = author.contact
    if contact is None or contact.organization_id != ticket.organization_id:
        raise NotAllowed("This contact is not part of the ticket's organization.")
    if ticket.status == Status.CLOSED:
        follow_up = _open_ticket(
            actor=actor,
            author=author,
            subject=f"Follow-up: {ticket.subject}"[:200],
            body=body,
            channel=channel,
            requester=contact,
            priority=ticket.priority,
            tags=(),
            attachments=attachments,
            external_id=external_id,
            at=at,
            follow_up_of=ticket,
        )
        record_event(
            ticket=ticket,
            kind=EventKind.FOLLOW_UP_CREATED,
            actor=actor,
            at=at,
            follow_up_id=follow_up.pk,
        )
        return follow_up.messages.get()
    message, added = _post(
        ticket,
        author,
        actor=actor,
        kind=MessageKind.PUBLIC,
        body=body,
        channel=channel,
        attachments=attachments,
        at=at,
        external_id=external_id,
        in_reply_to=in_reply_to,
    )
    if ticket.status in (Status.PENDING, Status.ON_HOLD, Status.SOLVED):
        _set_status(ticket, Status.OPEN, actor=actor, at=at)
    sla.on_customer_message(ticket=ticket, at=at, actor=actor, cause=added)
    # A live chat is on the timeline once, by its own lines (offered, accepted, ended); its
    # messages are the transcript, not a timeline line each.
    if channel != Channel.CHAT:
        record_interaction(
            organization_id=ticket.organization_id,
            contact_id=contact.pk,
            kind=InteractionKind.MESSAGE,
            channel=channel,
            summary=f"Reply on #{ticket.pk} {ticket.subject}",
            at=at,
            ticket_id=ticket.pk,
        )
    _save(ticket, at, "status", "solved_at", "closed_at")
    return message


@transaction.atomic
def add_note(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    attachments: Sequence[int] = (),
    at: datetime | None = None,
) -> Message:
    """An internal note: agents only, never shown to customers, no SLA effect."""
    _require_agent(actor, "add internal notes")
    now = at or timezone.now()
    body = _clean_text(body, field="body", max_chars=settings.TIERDESK_MAX_MESSAGE_CHARS)
    ticket = _locked(ticket)
    message, _ = _post(
        ticket,
        Author.agent(actor),
        actor=actor,
        kind=MessageKind.INTERNAL,
        body=body,
        channel=ticket.channel,
        attachments=attachments,
        at=now,
    )
    _save(ticket, now)
    return message


@transaction.atomic
def change_status(
    *, actor: User, ticket: Ticket, status: str, at: datetime | None = None
) -> Ticket:
    _require_agent(actor, "change a ticket's status")
    now = at or timezone.now()
    _choice(status, Status, "status")
    ticket = _locked(ticket)
    _set_status(ticket, status, actor=actor, at=now)
    _save(ticket, now, "status", "solved_at", "closed_at")
    return ticket


@transaction.atomic
def change_priority(
    *, actor: User | None, ticket: Ticket, priority: str, at: datetime | None = None
) -> Ticket:
    _require_agent(actor, "change a ticket's priority")
    now = at or timezone.now()
    _choice(priority, Priority, "priority")
    ticket = _locked(ticket)
    if ticket.priority != priority:
        before, ticket.priority = ticket.priority, priority
        _terms_changed(
            ticket, EventKind.PRIORITY_CHANGED, before, priority, "priority", actor=actor, at=now
        )
    return ticket


def _terms_changed(
    ticket: Ticket,
    kind: str,
    before: str,
    after: str,
    field: str,
    *,
    actor: User | None,
    at: datetime,
) -> None:
    """A change to what the ticket is promised: audit it and recompute its clocks."""
    changed = record_event(ticket=ticket, kind=kind, actor=actor, at=at, before=before, after=after)
    sla.on_terms_change(
        ticket=ticket, at=at, actor=actor, reason=f"{field} {before} -> {after}", cause=changed
    )
    _save(ticket, at, field)


@transaction.atomic
def assign(
    *, actor: User, ticket: Ticket, assignee: User | None, at: datetime | None = None
) -> Ticket:
    _require_agent(actor, "assign tickets")
    now = at or timezone.now()
    ticket = _locked(ticket)
    if _set_assignee(ticket, assignee, actor=actor, at=now):
        _save(ticket, now, "assignee")
    return ticket


def _set_assignee(ticket: Ticket, assignee: User | None, *, actor: User, at: datetime) -> bool:
    """Give the locked ticket to ``assignee`` with its event; False when nothing changes."""
    if assignee is not None:
        if not assignee.is_agent or not assignee.is_active:
            raise Invalid(
                f"{assignee.username} is not an active agent.",
                fields={"assignee_id": "not an agent"},
            )
        if assignee.seniority < ticket.tier.min_seniority:
            raise Conflict(
                f"{ticket.tier.name} tickets need a more senior agent than {assignee.username}.",
                code="seniority",
                fields={"assignee_id": "not senior enough for this tier"},
            )
    before = ticket.assignee_id
    if before == (assignee.pk if assignee else None):
        return False
    ticket.assignee = assignee
    record_event(
        ticket=ticket,
        kind=EventKind.ASSIGNEE_CHANGED,
        actor=actor,
        at=at,
        before=before,
        after=assignee.pk if assignee else None,
    )
    return True


# No savepoint of its own: its one caller, ``live.answer``, holds one around it.
@transaction.atomic(savepoint=False)
def answer_live(
    *, actor: User, ticket: Ticket, at: datetime, cause: TicketEvent, assign: bool = False
) -> Ticket:
    """A call or chat answered by ``actor``: a human answer, so the response clocks stop and
    a new ticket becomes open; with ``assign`` the ticket is theirs as well.

    One lock of the ticket, one read of its clocks and one save for all of it.
    """
    ticket = _locked(ticket)
    fields = ["status", "solved_at", "closed_at"]
    with sla.held_clocks(ticket):
        sla.on_agent_reply(ticket=ticket, at=at, actor=actor, cause=cause)
        if ticket.status == Status.NEW:
            _set_status(ticket, Status.OPEN, actor=actor, at=at)
        if assign and _set_assignee(ticket, actor, actor=actor, at=at):
            fields.append("assignee")
        _save(ticket, at, *fields)
    return ticket


@transaction.atomic
def set_group(
    *, actor: User | None, ticket: Ticket, group_id: int | None, at: datetime | None = None
) -> Ticket:
    _require_agent(actor, "move tickets between groups")
    now = at or timezone.now()
    ticket = _locked(ticket)
    if ticket.group_id == group_id:
        return ticket
    record_event(
        ticket=ticket,
        kind=EventKind.GROUP_CHANGED,
        actor=actor,
        at=now,
        before=ticket.group_id,
        after=group_id,
    )
    ticket.group_id = group_id
    _save(ticket, now, "group")
    return ticket


@transaction.atomic
def change_tags(
    *,
    actor: User,
    ticket: Ticket,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    at: datetime | None = None,
) -> Ticket:
    _require_agent(actor, "tag tickets")
    now = at or timezone.now()
    ticket = _locked(ticket)
    before = sorted(ticket.tags.values_list("name", flat=True))
    if add:
        ticket.tags.add(*_tags(add))
    drop = {slugify(n) for n in remove}
    if drop:
        ticket.tags.remove(*Tag.objects.filter(name__in=drop))
    after = sorted(ticket.tags.values_list("name", flat=True))
    if after != before:
        record_event(
            ticket=ticket,
            kind=EventKind.TAGS_CHANGED,
            actor=actor,
            at=now,
            before=before,
            after=after,
        )
        _save(ticket, now)
    return ticket


@transaction.atomic
def update_ticket(
    *, actor: User, ticket: Ticket, changes: dict[str, Any], at: datetime | None = None
) -> Ticket:
    """Several field changes as one use case: all of them land or none does."""
    _require_agent(actor, "change tickets")
    now = at or timezone.now()
    if changes.get("priority"):
        ticket = change_priority(actor=actor, ticket=ticket, priority=changes["priority"], at=now)
    if "assignee_id" in changes:
        assignee = None
        if changes["assignee_id"]:
            assignee = User.objects.filter(pk=changes["assignee_id"]).first()
            if assignee is None:
                raise Invalid(
                    f"No user {changes['assignee_id']}.", fields={"assignee_id": "unknown user"}
                )
        ticket = assign(actor=actor, ticket=ticket, assignee=assignee, at=now)
    if "group_id" in changes:
        group_id = changes["group_id"] or None
        if group_id and not AgentGroup.objects.filter(pk=group_id).exists():
            raise Invalid(f"No group {group_id}.", fields={"group_id": "unknown group"})
        ticket = set_group(actor=actor, ticket=ticket, group_id=group_id, at=now)
    if changes.get("status"):
        ticket = change_status(actor=actor, ticket=ticket, status=changes["status"], at=now)
    return ticket


def _require_manager(actor: User, what: str) -> None:
    if actor.role not in (Role.ADMIN, Role.MANAGER):
        raise NotAllowed(f"Only managers and admins can {what}.")


@transaction.atomic
def move_to_tier(
    *, actor: User | None, ticket: Ticket, tier: Tier, at: datetime | None = None
) -> Ticket:
    """Run the ticket under another tier's terms, keeping the business time already used."""
    if actor is not None:
        _require_manager(actor, "move a ticket to another tier")
    now = at or timezone.now()
    ticket = _locked(ticket)
    if ticket.tier_id != tier.pk:
        before, ticket.tier = ticket.tier.name, tier
        _terms_changed(
            ticket, EventKind.TIER_CHANGED, before, tier.name, "tier", actor=actor, at=now
        )
    return ticket


@transaction.atomic
def move_organization_to_tier(
    *, actor: User, organization: Organization, tier: Tier, at: datetime | None = None
) -> int:
    """Re-tier a customer: the organization and its open tickets, audited on both."""
    _require_manager(actor, "change a customer's tier")
    now = at or timezone.now()
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = organization.tier
    if before.pk == tier.pk:
        return 0
    organization.tier = tier
    organization.save(update_fields=["tier"])
    record_interaction(
        organization_id=organization.pk,
        kind=InteractionKind.TIER_CHANGED,
        summary=f"Tier changed from {before.name} to {tier.name} by {actor.username}.",
        at=now,
    )
    moved = 0
    for ticket in Ticket.objects.open().filter(organization=organization).order_by("pk"):
        move_to_tier(actor=actor, ticket=ticket, tier=tier, at=now)
        moved += 1
    return moved
