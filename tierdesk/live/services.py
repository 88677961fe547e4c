"""Every change to a live contact (a call or a chat in a queue): one atomic use case each.

Each change records its ticket event and a line on the customer's timeline in the same
transaction. Changes are idempotent by state: a contact moves forward only (waiting ->
answered -> ended, or waiting -> abandoned), and a change its state has passed is a
Conflict, never a second row. See docs/phone.md.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from tierdesk.accounts.models import User
from tierdesk.customers.models import Contact, InteractionKind
from tierdesk.customers.services import normalize_phone, record_interaction
from tierdesk.domain.kpi import definitions as kpi
from tierdesk.errors import Conflict, Invalid, NotAllowed
from tierdesk.live.models import LiveChannel, LiveContact, Outcome
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import EventKind, Ticket, TicketEvent
from tierdesk.tickets.participants import Author
from tierdesk.tiers.models import Tier

# A call joins the caller's open phone ticket opened within this window (a caller ringing
# back about the same thing the same day); older or closed tickets get a new one.
CALL_JOINS_TICKET_WITHIN = timedelta(hours=24)

# What each change records, per channel.
EVENTS: dict[str, dict[str, str]] = {
    LiveChannel.PHONE: {
        "offered": EventKind.CALL_OFFERED,
        "answered": EventKind.CALL_ANSWERED,
        "abandoned": EventKind.CALL_ABANDONED,
        "ended": EventKind.CALL_ENDED,
    },
    LiveChannel.CHAT: {
        "offered": EventKind.CHAT_OFFERED,
        "answered": EventKind.CHAT_ACCEPTED,
        "abandoned": EventKind.CHAT_ABANDONED,
        "ended": EventKind.CHAT_ENDED,
    },
}
NOUN = {LiveChannel.PHONE: "Call", LiveChannel.CHAT: "Chat"}


def answer_target_seconds(tier: Tier, channel: str) -> int | None:
    """The tier's answer target for the channel, read from the tier row at offer time."""
    if channel == LiveChannel.PHONE:
        return tier.phone_answer_target_seconds
    return tier.chat_answer_target_seconds


def answered_in_time(wait_seconds: int, target_seconds: int | None) -> bool | None:
    """Late means strictly after the target: a wait of exactly the target is in time."""
    if target_seconds is None:
        return None
    return kpi.answered_in_time(wait_seconds, target_seconds)


def _channel(value: str) -> str:
    if value not in LiveChannel.values:
        raise Invalid(
            f"Unknown live channel {value!r}; use one of {', '.join(LiveChannel.values)}.",
            fields={"channel": "unknown value"},
        )
    return value


def _seconds(value: int | None, field: str) -> int | None:
    if value is not None and value < 0:
        raise Invalid(f"{field} cannot be negative.", fields={field: "must be 0 or more"})
    return value


def _elapsed(start: datetime, end: datetime) -> int:
    """Whole seconds from ``start`` to ``end`` (fractions dropped, as every clock does)."""
    return int((end - start).total_seconds())


def _not_before(at: datetime, earlier: datetime, what: str) -> None:
    if at < earlier:
        raise Invalid(
            f"This happened at {at.isoformat()}, before the {what} at {earlier.isoformat()}.",
            fields={"at": f"before the {what}"},
        )


def _require_staff(agent: User, what: str) -> None:
    if not agent.is_agent:
        raise NotAllowed(f"Only agents can {what}.")


def _locked(live: LiveContact) -> LiveContact:
    return (
        LiveContact.objects.select_for_update(of=("self",))
        .select_related("ticket", "contact")
        .get(pk=live.pk)
    )


def _record(
    live: LiveContact,
    kind: str,
    *,
    actor: User | None,
    at: datetime,
    summary: str,
    **data: object,
) -> TicketEvent:
    """The ticket event and the timeline line of one change; the caller holds its transaction."""
    event = tickets.record_event(
        ticket=live.ticket,
        kind=kind,
        actor=actor,
        at=at,
        live_contact_id=live.pk,
        channel=live.channel,
        external_id=live.external_id,
        **data,
    )
    record_interaction(
        organization_id=live.ticket.organization_id,
        contact_id=live.contact_id,
        kind=InteractionKind.CALL if live.channel == LiveChannel.PHONE else InteractionKind.CHAT,
        channel=live.channel,
        summary=f"{summary} (#{live.ticket_id} {live.ticket.subject})",
        at=at,
        ticket_id=live.ticket_id,
    )
    return event


def _against(live: LiveContact) -> str:
    """What a wait is measured against, for the timeline: " (target 60 s: late)"."""
    if live.answer_target_seconds is None:
        return ""
    verdict = ""
    if live.answered_in_time is not None:
        verdict = ": in time" if live.answered_in_time else ": late"
    return f" (target {live.answer_target_seconds} s{verdict})"


def _state_conflict(live: LiveContact, wanted: str) -> Conflict:
    noun = NOUN[live.channel]
    return Conflict(
        f"{noun} {live.external_id} is {Outcome(live.outcome).label.lower()}; "
        f"it cannot be {wanted}.",
        code="out_of_order",
        fields={"outcome": live.outcome},
    )


def _move(
    live: LiveContact,
    expected: str,
    becoming: str,
    *,
    at: datetime,
    given: tuple[str, int | None],
) -> tuple[LiveContact, int]:
    """Lock the contact, check its state allows the change, and measure the change's seconds.

    A waiting contact measures from its offer (the wait), an answered one from its answer
    (the talk); seconds the telephony or chat system gives win over our timestamps.
    """
    field, seconds = given
    _seconds(seconds, field)
    live = _locked(live)
    if live.outcome != expected:
        raise _state_conflict(live, becoming)
    since = live.offered_at if expected == Outcome.WAITING else live.answered_at
    assert since is not None
    _not_before(at, since, "offer" if expected == Outcome.WAITING else "answer")
    return live, seconds if seconds is not None else _elapsed(since, at)


def offer(
    *,
    channel: str,
    external_id: str,
    contact: Contact | None,
    at: datetime | None = None,
    queue: str = "",
    subject: str = "",
    body: str = "",
    ticket: Ticket | None = None,
) -> LiveContact:
    """A call or chat enters the queue: its ticket, its answer clock, its event.

    Gated first (``check_channel``: a channel the tier lacks, or a closed one, is refused,
    the refusal kept on the timeline). A call joins the caller's open phone ticket opened
    in the last 24 hours, else opens one; a chat opens a new chat ticket; a given
    ``ticket`` is used as it is. The same ``external_id`` offered again returns its row.
    """
    now = at or timezone.now()
    _channel(channel)
    external_id = external_id.strip()
    if not external_id or len(external_id) > 255:
        raise Invalid(
            "Give the call or chat id (1-255 characters).", fields={"external_id": "required"}
        )
    if contact is None and ticket is None:
        raise Invalid("Say who is calling or chatting.", fields={"contact": "required"})
    if contact is not None and ticket is not None:
        if contact.organization_id != ticket.organization_id:
            raise NotAllowed("This contact is not part of the ticket's organization.")
    seen = LiveContact.objects.filter(channel=channel, external_id=external_id).first()
    if seen is not None:
        return seen
    if contact is not None:
        # With the tier's stamp read now, the gate's terms come from the cache.
        stamp = tickets.organization_of(contact).tier.terms_stamp
        tickets.check_channel(requester=contact, channel=channel, at=now, stamp=stamp)
    try:
        return _offer(channel, external_id, contact, now, queue.strip()[:80], subject, body, ticket)
    except IntegrityError:
        # The same offer, delivered twice at once, was recorded by the other delivery.
        raced = LiveContact.objects.filter(channel=channel, external_id=external_id).first()
        if raced is None:
            raise
        return raced


@transaction.atomic
def _offer(
    channel: str,
    external_id: str,
    contact: Contact | None,
    at: datetime,
    queue: str,
    subject: str,
    body: str,
    ticket: Ticket | None,
) -> LiveContact:
    if ticket is None:
        assert contact is not None
        ticket = _ticket_for(channel, external_id, contact, at, queue, subject, body)
    tier = contact.organization.tier if contact is not None else ticket.tier
    target = answer_target_seconds(tier, channel)
    live = LiveContact.objects.create(
        channel=channel,
        external_id=external_id,
        ticket=ticket,
        tier=tier,
        contact=contact,
        queue=queue,
        offered_at=at,
        answer_target_seconds=target,
        answer_due_at=at + timedelta(seconds=target) if target is not None else None,
    )
    where = f" in queue {queue}" if queue else ""
    _record(
        live,
        EVENTS[channel]["offered"],
        actor=None,
        at=at,
        summary=f"{NOUN[channel]} {external_id} waiting{where}",
        queue=queue,
        answer_target_seconds=target,
    )
    return live


def _ticket_for(
    channel: str,
    external_id: str,
    contact: Contact,
    at: datetime,
    queue: str,
    subject: str,
    body: str,
) -> Ticket:
    if channel == LiveChannel.PHONE:
        joined = (
            Ticket.objects.open()
            .filter(
                requester=contact,
                channel=channel,
                created_at__gt=at - CALL_JOINS_TICKET_WITHIN,
                created_at__lte=at,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if joined is not None:
            return joined
    who = contact.phone if channel == LiveChannel.PHONE and contact.phone else contact.name
    where = f" (queue {queue})" if queue else ""
    return tickets.open_ticket(
        author=Author.customer(contact),
        requester=contact,
        subject=subject.strip()[:200] or f"{NOUN[channel]} from {who}",
        body=body.strip() or f"{NOUN[channel]} from {who}{where}.",
        channel=channel,
        at=at,
    )


@transaction.atomic
def answer(
    live: LiveContact,
    *,
    agent: User,
    at: datetime | None = None,
    wait_seconds: int | None = None,
    assign: bool = False,
) -> LiveContact:
    """An agent answers: the wait and whether it met the tier's target are recorded.

    ``wait_seconds`` from the telephony system wins over our own timestamps' difference
    (it saw the caller's whole wait). Answering is a human answer, so the ticket's first
    and next response clocks stop as for a public reply, and a new ticket becomes open;
    with ``assign`` it is assigned to the agent in the same write.
    """
    _require_staff(agent, "answer calls and chats")
    now = at or timezone.now()
    live, wait = _move(
        live, Outcome.WAITING, "answered", at=now, given=("wait_seconds", wait_seconds)
    )
    live.answered_at, live.answered_by, live.wait_seconds = now, agent, wait
    live.answered_in_time = answered_in_time(wait, live.answer_target_seconds)
    live.outcome = Outcome.ANSWERED
    live.save(
        update_fields=["answered_at", "answered_by", "wait_seconds", "answered_in_time", "outcome"]
    )
    answered = _record(
        live,
        EVENTS[live.channel]["answered"],
        actor=agent,
        at=now,
        summary=f"{NOUN[live.channel]} answered by {agent.username} after {wait} s{_against(live)}",
        wait_seconds=wait,
        answer_target_seconds=live.answer_target_seconds,
        answered_in_time=live.answered_in_time,
    )
    live.ticket = tickets.answer_live(
        actor=agent, ticket=live.ticket, at=now, cause=answered, assign=assign
    )
    return live


@transaction.atomic
def abandon(
    live: LiveContact, *, at: datetime | None = None, wait_seconds: int | None = None
) -> LiveContact:
    """The caller hung up (or the chat was left) before anyone answered."""
    now = at or timezone.now()
    live, wait = _move(
        live, Outcome.WAITING, "abandoned", at=now, given=("wait_seconds", wait_seconds)
    )
    live.abandoned_at, live.wait_seconds, live.outcome = now, wait, Outcome.ABANDONED
    live.save(update_fields=["abandoned_at", "wait_seconds", "outcome"])
    _record(
        live,
        EVENTS[live.channel]["abandoned"],
        actor=None,
        at=now,
        summary=f"{NOUN[live.channel]} abandoned after {wait} s{_against(live)}",
        wait_seconds=wait,
        answer_target_seconds=live.answer_target_seconds,
    )
    return live


@transaction.atomic
def end(
    live: LiveContact, *, at: datetime | None = None, talk_seconds: int | None = None
) -> LiveContact:
    """An answered call or chat ends; ``talk_seconds`` from the telephony system wins."""
    now = at or timezone.now()
    live, talk = _move(
        live,
        Outcome.ANSWERED,
        "ended (only an answered one can end)",
        at=now,
        given=("talk_seconds", talk_seconds),
    )
    live.ended_at, live.talk_seconds, live.outcome = now, talk, Outcome.ENDED
    live.save(update_fields=["ended_at", "talk_seconds", "outcome"])
    _record(
        live,
        EVENTS[live.channel]["ended"],
        actor=live.answered_by,
        at=now,
        summary=f"{NOUN[live.channel]} ended after {talk} s",
        talk_seconds=talk,
    )
    return live


@transaction.atomic
def request_callback(
    live: LiveContact, *, at: datetime | None = None, number: str = ""
) -> LiveContact:
    """The customer asks to be called back (on ``number``, else the contact's phone).

    It does not change the contact's outcome: a caller who leaves the queue after asking
    is still reported abandoned by the telephony system, and the callback is measured on
    its own (callback completion).
    """
    now = at or timezone.now()
    live = _locked(live)
    if live.callback_requested_at is not None:
        raise Conflict(
            f"A callback for {live.external_id} was requested already.",
            code="out_of_order",
            fields={"callback": "already requested"},
        )
    _not_before(now, live.offered_at, "offer")
    number = normalize_phone(number) or (live.contact.phone if live.contact else "")
    if not number:
        raise Invalid("Say which number to call back.", fields={"number": "required"})
    live.callback_requested_at, live.callback_number = now, number
    live.save(update_fields=["callback_requested_at", "callback_number"])
    _record(
        live,
        EventKind.CALLBACK_REQUESTED,
        actor=None,
        at=now,
        summary=f"Callback requested on {number}",
        number=number,
    )
    return live


@transaction.atomic
def complete_callback(live: LiveContact, *, agent: User, at: datetime | None = None) -> LiveContact:
    """An agent has called the customer back."""
    _require_staff(agent, "complete callbacks")
    now = at or timezone.now()
    live = _locked(live)
    if live.callback_requested_at is None:
        raise Conflict(
            f"No callback was requested for {live.external_id}.",
            code="out_of_order",
            fields={"callback": "not requested"},
        )
    if live.callback_completed_at is not None:
        raise Conflict(
            f"The callback for {live.external_id} was completed already.",
            code="out_of_order",
            fields={"callback": "already completed"},
        )
    _not_before(now, live.callback_requested_at, "callback request")
    live.callback_completed_at, live.callback_completed_by = now, agent
    live.save(update_fields=["callback_completed_at", "callback_completed_by"])
    _record(
        live,
        EventKind.CALLBACK_COMPLETED,
        actor=agent,
        at=now,
        summary=f"Callback made by {agent.username}",
        waited_seconds=_elapsed(live.callback_requested_at, now),
    )
    return live
