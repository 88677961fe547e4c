"""Reads for live chats: a chat is a LiveContact on channel chat, its transcript the ticket's."""

from django.db.models import QuerySet

from tierdesk.accounts.models import User
from tierdesk.customers.models import Contact
from tierdesk.errors import NotFound
from tierdesk.live.models import LiveChannel, LiveContact, Outcome
from tierdesk.live.selectors import senior_enough, waiting
from tierdesk.tickets.models import Message, MessageKind


def _chats() -> QuerySet[LiveContact]:
    return LiveContact.objects.filter(channel=LiveChannel.CHAT).select_related(
        "ticket", "tier", "contact", "answered_by"
    )


def chat_of_contact(*, contact: Contact, chat_id: str) -> LiveContact:
    """The contact's own chat; NotFound for a missing and somebody else's chat alike."""
    chat = _chats().filter(external_id=chat_id, contact=contact).first()
    if chat is None:
        raise NotFound("No such chat.")
    return chat


def chat_for_agent(*, agent: User, chat_id: str) -> LiveContact:
    """Any chat for a staff member; NotFound for everyone else and for missing ids."""
    chat = _chats().filter(external_id=chat_id).first() if agent.is_agent else None
    if chat is None:
        raise NotFound("No such chat.")
    return chat


def waiting_chats(*, agent: User) -> QuerySet[LiveContact]:
    """Chats this agent may accept (role and the tier's minimum seniority), most urgent first."""
    return waiting(actor=agent, channel=LiveChannel.CHAT).select_related(
        "ticket", "tier", "contact"
    )


def may_accept(*, agent: User, chat: LiveContact) -> bool:
    """Whether ``agent`` may take this chat as it was read: still waiting, tier senior enough."""
    return chat.outcome == Outcome.WAITING and senior_enough(actor=agent, tier=chat.tier)


def active_chats(*, agent: User) -> QuerySet[LiveContact]:
    """Chats this agent accepted and has not ended yet."""
    return _chats().filter(answered_by=agent, outcome=Outcome.ANSWERED).order_by("answered_at")


def transcript(chat: LiveContact) -> QuerySet[Message]:
    """The chat's conversation: the ticket's public messages, in order."""
    return (
        Message.objects.filter(ticket_id=chat.ticket_id, kind=MessageKind.PUBLIC)
        .select_related("author", "contact")
        .order_by("created_at", "id")
    )


def chat_message(*, channel: str, external_id: str) -> Message | None:
    """A chat message already received under this id (a resent frame)."""
    return (
        Message.objects.select_related("author", "contact")
        .filter(channel=channel, external_id=external_id)
        .first()
    )
