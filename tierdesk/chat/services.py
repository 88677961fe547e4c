"""What a live chat does, on the live-contact queue and the ticket's conversation.

A chat is a ticket on channel chat with a LiveContact waiting for an agent. Every function
here is one use case: the queue and ticket services it calls record their events in the
same transaction; pushing frames to the sockets is the consumers' work after it returns.
"""

import hashlib
import re
from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction

from tierdesk.accounts.models import Role, User
from tierdesk.chat import selectors
from tierdesk.customers.models import Contact
from tierdesk.errors import Conflict, Invalid, NotAllowed
from tierdesk.live import services as live
from tierdesk.live.models import LiveChannel, LiveContact, Outcome
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Message
from tierdesk.tickets.participants import Author
from tierdesk.tiers.models import Channel

CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _client_id(value: object) -> str:
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value):
        raise Invalid(
            "Each chat message needs an id of 1-64 letters, digits, '-' or '_'.",
            fields={"id": "1-64 letters, digits, - or _"},
        )
    return value


def chat_id_for(contact: Contact, client_id: str) -> str:
    """The chat's id: the same start frame sent twice is the same chat."""
    return hashlib.sha256(f"{contact.pk}:{client_id}".encode()).hexdigest()[:32]


def _subject(body: str) -> str:
    first = " ".join(body.split())
    return f"Chat: {first[:60]}{'…' if len(first) > 60 else ''}" if first else "Chat"


def start_chat(
    *, contact: Contact, body: str, client_id: object, at: datetime | None = None
) -> LiveContact:
    """A customer opens a chat with their first message: a chat ticket waiting in the queue.

    Outside the tier's chat coverage ``live.offer`` refuses it with the polite answer the
    other channels give, recorded on the customer's timeline; nothing else is written.
    """
    client = _client_id(client_id)
    return live.offer(
        channel=LiveChannel.CHAT,
        external_id=chat_id_for(contact, client),
        contact=contact,
        at=at,
        subject=_subject(body if isinstance(body, str) else ""),
        body=body,
    )


def _ongoing(chat: LiveContact) -> None:
    if chat.outcome in (Outcome.ABANDONED, Outcome.ENDED):
        raise Conflict("This chat has ended; start a new chat or write us a ticket.", code="ended")


def _once(external_id: str, write: Callable[[], Message]) -> Message:
    """Write a message once per id: a resent frame returns the stored message.

    The unique message id decides, so the usual frame costs no look-up first: a resent one
    fails the insert, the write's own transaction rolls back whole, and the message stored
    before is read.
    """
    try:
        return write()
    except IntegrityError:
        found = selectors.chat_message(channel=Channel.CHAT, external_id=external_id)
        if found is None:
            raise
        return found


def post_customer_message(
    *, chat: LiveContact, contact: Contact, body: str, client_id: object, at: datetime | None = None
) -> Message:
    """The customer writes in their chat: a public message on the chat ticket.

    The chat was gated when it started; once open it runs to its end even past closing
    time, so the message goes on the ticket's channel without a second gate.
    """
    if chat.contact_id != contact.pk:
        raise NotAllowed("This is not your chat.")
    _ongoing(chat)
    external_id = f"{chat.external_id}:c:{_client_id(client_id)}"
    return _once(
        external_id,
        lambda: tickets.reply(
            author=Author.customer(contact),
            ticket=chat.ticket,
            body=body,
            external_id=external_id,
            at=at,
        ),
    )


@transaction.atomic
def accept_chat(*, chat: LiveContact, agent: User, at: datetime | None = None) -> LiveContact:
    """An agent takes a waiting chat: answered (the answer clock stops) and assigned to them."""
    if not agent.is_agent:
        raise NotAllowed("Only agents can accept chats.")
    if chat.outcome != Outcome.WAITING:
        who = chat.answered_by.username if chat.answered_by else "nobody"
        raise Conflict(
            f"This chat is no longer waiting ({chat.get_outcome_display().lower()}, by {who}).",
            code="not_waiting",
        )
    if not selectors.may_accept(agent=agent, chat=chat):
        raise NotAllowed(f"{chat.tier.name} chats need a more senior agent than {agent.username}.")
    return live.answer(chat, agent=agent, at=at, assign=True)


def _require_holder(chat: LiveContact, agent: User) -> None:
    if chat.outcome == Outcome.WAITING:
        raise Conflict("Accept this chat before writing in it.", code="not_accepted")
    if chat.answered_by_id != agent.pk and agent.role not in (Role.MANAGER, Role.ADMIN):
        raise NotAllowed("Another agent holds this chat.")


def post_agent_message(
    *, chat: LiveContact, agent: User, body: str, client_id: object, at: datetime | None = None
) -> Message:
    """The agent answers in the chat: a public reply, which stops response clocks as any."""
    _require_holder(chat, agent)
    _ongoing(chat)
    external_id = f"{chat.external_id}:a:{_client_id(client_id)}"
    return _once(
        external_id,
        lambda: tickets.reply(
            actor=agent, ticket=chat.ticket, body=body, external_id=external_id, at=at
        ),
    )


def leave_chat(*, chat: LiveContact, contact: Contact, at: datetime | None = None) -> LiveContact:
    """The customer leaves: abandoned if nobody accepted it yet, else ended. Idempotent."""
    if chat.contact_id != contact.pk:
        raise NotAllowed("This is not your chat.")
    if chat.outcome == Outcome.WAITING:
        return live.abandon(chat, at=at)
    if chat.outcome == Outcome.ANSWERED:
        return live.end(chat, at=at)
    return chat


def end_chat(*, chat: LiveContact, agent: User, at: datetime | None = None) -> LiveContact:
    """The agent who holds the chat (or a manager) ends it; ending an ended chat is a no-op."""
    _require_holder(chat, agent)
    if chat.outcome == Outcome.ANSWERED:
        return live.end(chat, at=at)
    return chat
