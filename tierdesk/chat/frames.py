"""The JSON frames the chat sockets send, built from stored rows (call inside a sync thread)."""

from typing import Any

from tierdesk.live.models import LiveContact
from tierdesk.tickets.models import AuthorKind, Message


def group_of(chat_id: str) -> str:
    """The channel-layer group both sides of one chat join."""
    return f"tierdesk.chat.{chat_id}"


QUEUE_GROUP = "tierdesk.chat.queue"


def _author_name(message: Message) -> str:
    if message.author_kind == AuthorKind.CUSTOMER and message.contact is not None:
        return message.contact.name
    if message.author is not None:
        return message.author.get_full_name() or message.author.username
    return "tierdesk"


def message_frame(chat_id: str, message: Message) -> dict[str, Any]:
    """One stored message, with its id and time: the client replaces its pending copy."""
    _, _, client_id = message.external_id.rpartition(":")
    return {
        "type": "message",
        "chat": chat_id,
        "id": message.pk,
        "client_id": client_id or None,
        "author": message.author_kind,
        "name": _author_name(message),
        "body": message.body,
        "at": message.created_at.isoformat(),
    }


def agent_name(chat: LiveContact) -> str | None:
    agent = chat.answered_by
    return (agent.get_full_name() or agent.username) if agent is not None else None


def state_frame(
    kind: str, chat: LiveContact, messages: list[Message] | None = None
) -> dict[str, Any]:
    """Where a chat stands: waiting, answered (by whom), abandoned or ended."""
    frame: dict[str, Any] = {
        "type": kind,
        "chat": chat.external_id,
        "ticket": chat.ticket_id,
        "state": chat.outcome,
        "agent": agent_name(chat),
        "customer": chat.contact.name if chat.contact else None,
        "tier": chat.tier.name,
        "offered_at": chat.offered_at.isoformat(),
        "answer_due_at": chat.answer_due_at.isoformat() if chat.answer_due_at else None,
    }
    if messages is not None:
        frame["messages"] = [message_frame(chat.external_id, m) for m in messages]
    return frame


def queue_frame(chats: list[LiveContact]) -> dict[str, Any]:
    return {
        "type": "queue",
        "chats": [
            {
                "chat": c.external_id,
                "ticket": c.ticket_id,
                "subject": c.ticket.subject,
                "customer": c.contact.name if c.contact else None,
                "tier": c.tier.name,
                "offered_at": c.offered_at.isoformat(),
                "answer_due_at": c.answer_due_at.isoformat() if c.answer_due_at else None,
            }
            for c in chats
        ],
    }
