"""The telephony system's events: signed webhooks checked, then applied through the services.

A request is accepted only with a valid HMAC-SHA256 signature of "timestamp.body" under
``TIERDESK_PHONE_WEBHOOK_SECRET``, a timestamp within five minutes of our clock, and a
signature not applied before. Every refusal is a ``WebhookRefusal`` row and nothing else.
See docs/phone.md.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, NoReturn

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tierdesk.accounts.models import User
from tierdesk.customers.services import contact_for_caller
from tierdesk.errors import Conflict, Invalid, TierdeskError
from tierdesk.live import services
from tierdesk.live.models import LiveChannel, LiveContact, WebhookReceipt, WebhookRefusal
from tierdesk.live.selectors import live_contact_by_external_id, staff_by_login

# A signed request is good for this long either side of our clock; a signature is kept
# twice as long, so a replay is refused as a replay and not only as stale.
TOLERANCE = timedelta(minutes=5)
KEEP_SIGNATURES = 2 * TOLERANCE
SIGNATURE_PREFIX = "sha256="

EventType = Literal[
    "offered", "answered", "abandoned", "ended", "callback_requested", "callback_completed"
]


class WebhookRefused(TierdeskError):
    status = 401
    default_code = "unauthenticated"


class NotConfigured(TierdeskError):
    status = 503
    default_code = "not_configured"


@dataclass(frozen=True, slots=True)
class Caller:
    phone: str
    email: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class PhoneEvent:
    type: EventType
    call_id: str
    at: datetime
    queue: str = ""
    caller: Caller | None = None
    agent: str = ""
    wait_seconds: int | None = None
    talk_seconds: int | None = None
    number: str = ""


@dataclass(frozen=True, slots=True)
class Applied:
    live: LiveContact
    changed: bool  # False: the same event was applied before, nothing new was written


def signature_of(secret: str, timestamp: str, body: bytes) -> str:
    """The header value a sender puts in X-Tierdesk-Signature for ``body`` at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


@dataclass(frozen=True, slots=True)
class Verified:
    """A request whose signature checked out: kept once its event is applied."""

    digest: str
    sent: datetime
    at: datetime


def verify_webhook(
    *,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    remote_addr: str | None,
    now: datetime | None = None,
) -> Verified:
    """Check a signed request, or record why it is refused and raise (401).

    Nothing is written for a request that passes: its signature is kept only once its
    event is applied (``apply_phone_event``), so a refused event leaves no trace and the
    same request sent again is refused again for the same reason.
    """
    now = now or timezone.now()
    secret = settings.TIERDESK_PHONE_WEBHOOK_SECRET
    if not secret:
        raise NotConfigured(
            "Phone events are not configured: set TIERDESK_PHONE_WEBHOOK_SECRET and give "
            "the same secret to the telephony system.",
        )
    if not timestamp or not signature:
        _refuse(
            "missing_signature",
            "X-Tierdesk-Timestamp and X-Tierdesk-Signature are required.",
            remote_addr,
            now,
        )
    try:
        sent = datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (ValueError, OverflowError, OSError):
        _refuse("bad_timestamp", "X-Tierdesk-Timestamp must be unix seconds.", remote_addr, now)
    if abs(now - sent) > TOLERANCE:
        _refuse(
            "stale",
            f"Timestamp {timestamp} is more than 5 minutes from the server clock.",
            remote_addr,
            now,
        )
    if not hmac.compare_digest(signature.encode(), signature_of(secret, timestamp, body).encode()):
        _refuse("bad_signature", "The signature does not match the body.", remote_addr, now)
    digest = signature.removeprefix(SIGNATURE_PREFIX)
    if WebhookReceipt.objects.filter(signature=digest).exists():
        _refuse("replayed", "This signed request was received before.", remote_addr, now)
    return Verified(digest=digest, sent=sent, at=now)


def _remember(verified: Verified) -> None:
    """Keep an applied request's signature for the replay window; forget older ones."""
    try:
        with transaction.atomic():
            WebhookReceipt.objects.filter(received_at__lt=verified.at - KEEP_SIGNATURES).delete()
            WebhookReceipt.objects.create(
                signature=verified.digest, timestamp=verified.sent, received_at=verified.at
            )
    except IntegrityError:
        # The same request, delivered twice at once, was applied (idempotently) by both.
        pass


def _refuse(reason: str, detail: str, remote_addr: str | None, at: datetime) -> NoReturn:
    with transaction.atomic():
        WebhookRefusal.objects.create(
            reason=reason, detail=detail[:300], remote_addr=remote_addr or None, at=at
        )
    raise WebhookRefused(
        f"Refused: {detail} Sign each request as described in docs/phone.md.",
        code=reason,
    )


def apply_phone_event(event: PhoneEvent, *, verified: Verified | None = None) -> Applied:
    """One telephony event through the live services; the same event twice changes nothing.

    Events out of order (answered before offered, ended before answered) are a Conflict
    and write nothing. Once applied, the ``verified`` request's signature is kept so
    that the request replayed is refused.
    """
    applied = _apply(event)
    if verified is not None:
        _remember(verified)
    return applied


def _apply(event: PhoneEvent) -> Applied:
    if event.at.tzinfo is None:
        raise Invalid("Give 'at' with its time zone offset.", fields={"at": "timezone required"})
    live = live_contact_by_external_id(channel=LiveChannel.PHONE, external_id=event.call_id)
    if event.type == "offered":
        if live is not None:
            return Applied(live, changed=False)
        if event.caller is None:
            raise Invalid("An offered call needs its caller.", fields={"caller": "required"})
        contact = contact_for_caller(
            phone=event.caller.phone, email=event.caller.email, name=event.caller.name, at=event.at
        )
        live = services.offer(
            channel=LiveChannel.PHONE,
            external_id=event.call_id,
            contact=contact,
            at=event.at,
            queue=event.queue,
        )
        return Applied(live, changed=True)
    if live is None:
        raise Conflict(
            f"Call {event.call_id} has not been offered; send its 'offered' event first.",
            code="out_of_order",
            fields={"call_id": "not offered"},
        )
    if _already_applied(live, event):
        return Applied(live, changed=False)
    if event.type == "answered":
        agent = _agent(event.agent)
        live = services.answer(live, agent=agent, at=event.at, wait_seconds=event.wait_seconds)
    elif event.type == "abandoned":
        live = services.abandon(live, at=event.at, wait_seconds=event.wait_seconds)
    elif event.type == "ended":
        live = services.end(live, at=event.at, talk_seconds=event.talk_seconds)
    elif event.type == "callback_requested":
        live = services.request_callback(live, at=event.at, number=event.number)
    else:
        live = services.complete_callback(live, agent=_agent(event.agent), at=event.at)
    return Applied(live, changed=True)


def _already_applied(live: LiveContact, event: PhoneEvent) -> bool:
    """The instant this event's type stamps on the contact is already the event's own."""
    stamped = {
        "answered": live.answered_at,
        "abandoned": live.abandoned_at,
        "ended": live.ended_at,
        "callback_requested": live.callback_requested_at,
        "callback_completed": live.callback_completed_at,
    }[event.type]
    return stamped is not None and stamped == event.at


def _agent(login: str) -> User:
    if not login:
        raise Invalid("Say which agent (username or email).", fields={"agent": "required"})
    agent = staff_by_login(login)
    if agent is None:
        raise Invalid(f"No active agent {login!r}.", fields={"agent": "unknown agent"})
    return agent
