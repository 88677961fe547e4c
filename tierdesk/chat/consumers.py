"""The chat sockets: a customer's (portal session or widget identity) and an agent's.

Consumers parse frames, call one chat service each in a worker thread, then push the
stored result to the chat's group so both sides see the same message id and time. Typing
is only ever a group message. A connection keeps the chats it joined (read once, at start,
resume, open or accept) and follows their state from the group's state frames, so a
message costs one trip to a worker thread and no re-reading of the chat. A customer whose
connection drops has TIERDESK_CHAT_RECONNECT_SECONDS to come back before the chat counts
as left.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core import signing
from django.core.cache import cache

from tierdesk.accounts.models import Role, User
from tierdesk.chat import selectors, services
from tierdesk.chat.frames import QUEUE_GROUP, group_of, message_frame, queue_frame, state_frame
from tierdesk.chat.identity import contact_for_identity
from tierdesk.customers.models import Contact
from tierdesk.errors import Conflict, Invalid, NotAllowed, NotFound, TierdeskError
from tierdesk.live.models import LiveContact, Outcome
from tierdesk.web.ratelimit import Limit, hit

log = logging.getLogger(__name__)

RESUME_SALT = "tierdesk.chat.resume"
REFUSALS = ("channel_not_in_tier", "channel_closed")
_pending: set[asyncio.Task[None]] = set()  # grace timers outlive their consumer


def _db[**P, R](func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run a service call in the thread pool: chats do not queue behind one another.

    Channels' default runs every consumer's database work on one thread per process; one
    connection's frames still run in order, as each handler awaits its call.
    """
    return database_sync_to_async(func, thread_sensitive=False)  # type: ignore[return-value]


def _presence_key(chat_id: str) -> str:
    return f"tierdesk:chat:present:{chat_id}"


def _arrive(chat_id: str) -> None:
    cache.add(_presence_key(chat_id), 0, timeout=86_400)
    try:
        cache.incr(_presence_key(chat_id))
    except ValueError:
        cache.set(_presence_key(chat_id), 1, timeout=86_400)


def _depart(chat_id: str) -> int:
    try:
        return int(cache.decr(_presence_key(chat_id)))
    except ValueError:
        return 0


class _Chat(AsyncJsonWebsocketConsumer):
    async def dispatch(self, message: dict[str, Any]) -> None:
        """Hand an event to its handler without Channels' per-event connection sweep.

        Channels sweeps stale database connections before every event on its one shared
        sync thread, so every socket's every frame would queue there. Here each database
        call already runs through database_sync_to_async, which sweeps the connections of
        its own worker thread before and after the call, so no stale connection is used.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return orjson.loads(text_data)
        except orjson.JSONDecodeError:
            return None

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return orjson.dumps(content).decode()

    def handlers(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[None]]]:
        raise NotImplementedError

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.error(Invalid("Send JSON objects with a 'type'.", code="bad_frame"))
            return
        handler = self.handlers().get(str(content.get("type")))
        if handler is None:
            await self.error(
                Invalid(f"Unknown frame type {content.get('type')!r}.", code="bad_frame")
            )
            return
        try:
            await handler(content)
        except TierdeskError as error:
            await self.error(error, ref=content.get("id"))

    async def error(self, error: TierdeskError, ref: object = None) -> None:
        await self.send_json(
            {
                "type": "error",
                "code": error.code,
                "message": error.message,
                "fields": error.fields,
                "ref": ref,
            }
        )

    async def broadcast(self, chat_id: str, kind: str, frame: dict[str, Any]) -> None:
        await self.channel_layer.group_send(
            group_of(chat_id), {"type": kind, "frame": frame, "sender": self.channel_name}
        )

    async def queue_changed(self) -> None:
        await self.channel_layer.group_send(QUEUE_GROUP, {"type": "chat.queue"})

    # Group messages to this socket.
    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event["frame"])

    async def chat_state(self, event: dict[str, Any]) -> None:
        self.follow(event["frame"])
        if event["sender"] != self.channel_name:  # the sender had its own answer directly
            await self.send_json(event["frame"])

    def follow(self, frame: dict[str, Any]) -> None:
        """Keep a joined chat's outcome as the other side moved it (accepted, ended)."""

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["sender"] != self.channel_name:
            await self.send_json(event["frame"])

    async def chat_queue(self, event: dict[str, Any]) -> None:
        """Only agents watching the queue join its group."""


# Sync halves: one service call each, frames built in the same thread.


@_db
def _identify(user: User, identity: object) -> Contact:
    if isinstance(identity, str) and identity:
        return contact_for_identity(identity)
    contact = getattr(user, "contact", None) if user.is_authenticated else None
    if contact is None or user.is_agent:
        raise NotAllowed(
            "Sign in to the portal to chat, or open the chat from your account on our site.",
            code="identity",
        )
    return contact


@_db
def _start(contact: Contact, body: object, client_id: object) -> tuple[LiveContact, dict[str, Any]]:
    chat = services.start_chat(
        contact=contact, body=body if isinstance(body, str) else "", client_id=client_id
    )
    chat = selectors.chat_of_contact(contact=contact, chat_id=chat.external_id)
    return chat, state_frame("started", chat, list(selectors.transcript(chat)))


@_db
def _resume(contact_id: int, chat_id: str) -> tuple[Contact, LiveContact, dict[str, Any]]:
    contact = Contact.objects.get(pk=contact_id)
    chat = selectors.chat_of_contact(contact=contact, chat_id=chat_id)
    return contact, chat, state_frame("resumed", chat, list(selectors.transcript(chat)))


@_db
def _customer_says(
    chat: LiveContact, contact: Contact, body: object, client_id: object
) -> dict[str, Any]:
    message = services.post_customer_message(
        chat=chat, contact=contact, body=body if isinstance(body, str) else "", client_id=client_id
    )
    return message_frame(chat.external_id, message)


@_db
def _leave(contact: Contact, chat_id: str) -> dict[str, Any]:
    chat = selectors.chat_of_contact(contact=contact, chat_id=chat_id)
    chat = services.leave_chat(chat=chat, contact=contact)
    return state_frame(chat.outcome, chat)


@_db
def _still_gone(chat_id: str) -> bool:
    return _depart(chat_id) <= 0


class CustomerChat(_Chat):
    """One customer, at most one chat per connection: start or resume, talk, leave."""

    chat: LiveContact | None = None
    contact: Contact | None = None
    left = False

    def handlers(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[None]]]:
        return {
            "start": self.start,
            "resume": self.resume,
            "message": self.message,
            "typing": self.typing,
            "leave": self.leave,
        }

    def _client_address(self) -> str:
        client = self.scope.get("client") or ("", 0)
        return str(client[0])

    async def start(self, content: dict[str, Any]) -> None:
        if self.chat is not None:
            raise Conflict("This connection already has a chat.", code="in_chat")
        limit = Limit(
            "chat-start",
            settings.TIERDESK_CHAT_STARTS_PER_IP,
            settings.TIERDESK_CHAT_WINDOW_SECONDS,
        )
        wait = await database_sync_to_async(hit)(limit, self._client_address())
        if wait is not None:
            raise TierdeskError(
                f"Too many chats from your network; try again in {wait} s.", code="rate_limited"
            )
        contact = await _identify(self.scope["user"], content.get("identity"))
        try:
            chat, frame = await _start(contact, content.get("body"), content.get("id"))
        except Conflict as refusal:
            if refusal.code not in REFUSALS:
                raise
            await self.send_json(
                {
                    "type": "refused",
                    "code": refusal.code,
                    "message": refusal.message,
                    "ticket_form": "/tickets/new/"
                    if self.scope["user"].is_authenticated
                    else "/contact/",
                }
            )
            await self.close(code=4409)
            return
        await self._join(contact, chat)
        frame["resume"] = signing.dumps(
            {"chat": chat.external_id, "contact": contact.pk}, salt=RESUME_SALT
        )
        await self.send_json(frame)
        await self.queue_changed()

    async def resume(self, content: dict[str, Any]) -> None:
        if self.chat is not None:
            raise Conflict("This connection already has a chat.", code="in_chat")
        try:
            token = signing.loads(str(content.get("resume", "")), salt=RESUME_SALT, max_age=86_400)
        except signing.BadSignature:
            raise NotFound("No such chat.") from None
        contact, chat, frame = await _resume(int(token["contact"]), str(token["chat"]))
        if frame["state"] in (Outcome.WAITING, Outcome.ANSWERED):
            await self._join(contact, chat)
        await self.send_json(frame)

    async def _join(self, contact: Contact, chat: LiveContact) -> None:
        self.contact, self.chat = contact, chat
        await self.channel_layer.group_add(group_of(chat.external_id), self.channel_name)
        await database_sync_to_async(_arrive)(chat.external_id)

    def follow(self, frame: dict[str, Any]) -> None:
        if self.chat is not None and frame.get("chat") == self.chat.external_id:
            self.chat.outcome = frame["state"]

    def _require_chat(self) -> tuple[Contact, LiveContact]:
        if self.chat is None or self.contact is None:
            raise Conflict("Start or resume a chat first.", code="no_chat")
        return self.contact, self.chat

    async def message(self, content: dict[str, Any]) -> None:
        contact, chat = self._require_chat()
        frame = await _customer_says(chat, contact, content.get("body"), content.get("id"))
        await self.broadcast(chat.external_id, "chat.message", frame)

    async def typing(self, content: dict[str, Any]) -> None:
        chat_id = self._require_chat()[1].external_id
        frame = {
            "type": "typing",
            "chat": chat_id,
            "from": "customer",
            "typing": bool(content.get("typing")),
        }
        await self.broadcast(chat_id, "chat.typing", frame)

    async def leave(self, content: dict[str, Any]) -> None:
        contact, chat = self._require_chat()
        chat_id = chat.external_id
        frame = await _leave(contact, chat_id)
        self.left = True
        await self.send_json(frame)
        await self.broadcast(chat_id, "chat.state", frame)
        await self.queue_changed()
        await self.close()

    async def disconnect(self, code: int) -> None:
        if self.chat is None or self.contact is None:
            return
        chat_id = self.chat.external_id
        await self.channel_layer.group_discard(group_of(chat_id), self.channel_name)
        if self.left:
            await database_sync_to_async(_depart)(chat_id)
            return
        task = asyncio.create_task(self._leave_unless_back(self.contact, chat_id))
        _pending.add(task)
        task.add_done_callback(_pending.discard)

    async def _leave_unless_back(self, contact: Contact, chat_id: str) -> None:
        await asyncio.sleep(settings.TIERDESK_CHAT_RECONNECT_SECONDS)
        try:
            if not await _still_gone(chat_id):
                return
            frame = await _leave(contact, chat_id)
        except TierdeskError:
            log.exception("leaving chat %s after a dropped connection", chat_id)
            return
        await self.channel_layer.group_send(
            group_of(chat_id), {"type": "chat.state", "frame": frame, "sender": ""}
        )
        await self.queue_changed()


@_db
def _active(agent: User) -> list[LiveContact]:
    return list(selectors.active_chats(agent=agent))


@_db
def _queue(agent: User) -> dict[str, Any]:
    return queue_frame(list(selectors.waiting_chats(agent=agent)[:50]))


@_db
def _open(agent: User, chat_id: str) -> tuple[LiveContact, dict[str, Any]]:
    chat = selectors.chat_for_agent(agent=agent, chat_id=chat_id)
    holder = chat.answered_by_id == agent.pk or agent.role in (Role.MANAGER, Role.ADMIN)
    may_take = selectors.may_accept(agent=agent, chat=chat)
    if not (holder or may_take):
        raise NotAllowed(f"{chat.tier.name} chats need a more senior agent than {agent.username}.")
    return chat, state_frame("chat", chat, list(selectors.transcript(chat)))


@_db
def _accept(agent: User, chat_id: str) -> tuple[LiveContact, dict[str, Any]]:
    chat = selectors.chat_for_agent(agent=agent, chat_id=chat_id)
    chat = services.accept_chat(chat=chat, agent=agent)
    return chat, state_frame("accepted", chat, list(selectors.transcript(chat)))


@_db
def _agent_says(agent: User, chat: LiveContact, body: object, client_id: object) -> dict[str, Any]:
    message = services.post_agent_message(
        chat=chat, agent=agent, body=body if isinstance(body, str) else "", client_id=client_id
    )
    return message_frame(chat.external_id, message)


@_db
def _end(agent: User, chat_id: str) -> dict[str, Any]:
    chat = selectors.chat_for_agent(agent=agent, chat_id=chat_id)
    chat = services.end_chat(chat=chat, agent=agent)
    return state_frame(chat.outcome, chat)


class AgentChat(_Chat):
    """A staff member's socket: the waiting queue, and any number of chats they hold."""

    watching = False

    async def connect(self) -> None:
        user = self.scope["user"]
        if not user.is_authenticated or not user.is_agent:
            await self.close(code=4403)
            return
        self.agent: User = user
        self.joined: dict[str, LiveContact] = {}
        await self.accept()
        for chat in await _active(user):
            await self._join(chat)
        await self.send_json(
            {"type": "hello", "agent": user.username, "active": sorted(self.joined)}
        )

    def handlers(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[None]]]:
        return {
            "watch": self.watch,
            "open": self.open,
            "accept": self.accept_chat,
            "message": self.message,
            "typing": self.typing,
            "end": self.end,
        }

    async def _join(self, chat: LiveContact) -> None:
        """Join a chat's group, or take a fresher read of one already joined."""
        known = chat.external_id in self.joined
        self.joined[chat.external_id] = chat
        if not known:
            await self.channel_layer.group_add(group_of(chat.external_id), self.channel_name)

    def follow(self, frame: dict[str, Any]) -> None:
        chat = self.joined.get(str(frame.get("chat")))
        if chat is not None:
            chat.outcome = frame["state"]

    async def watch(self, content: dict[str, Any]) -> None:
        if not self.watching:
            self.watching = True
            await self.channel_layer.group_add(QUEUE_GROUP, self.channel_name)
        await self.send_json(await _queue(self.agent))

    async def chat_queue(self, event: dict[str, Any]) -> None:
        if self.watching:
            await self.send_json(await _queue(self.agent))

    async def open(self, content: dict[str, Any]) -> None:
        chat, frame = await _open(self.agent, str(content.get("chat", "")))
        await self._join(chat)
        await self.send_json(frame)

    async def accept_chat(self, content: dict[str, Any]) -> None:
        chat, frame = await _accept(self.agent, str(content.get("chat", "")))
        await self._join(chat)
        await self.send_json(frame)
        await self.broadcast(
            frame["chat"],
            "chat.state",
            {k: v for k, v in frame.items() if k != "messages"} | {"type": "joined"},
        )
        await self.queue_changed()

    def _held(self, content: dict[str, Any]) -> LiveContact:
        chat = self.joined.get(str(content.get("chat", "")))
        if chat is None:
            raise NotFound("No such chat.")
        return chat

    async def message(self, content: dict[str, Any]) -> None:
        chat = self._held(content)
        frame = await _agent_says(self.agent, chat, content.get("body"), content.get("id"))
        await self.broadcast(chat.external_id, "chat.message", frame)

    async def typing(self, content: dict[str, Any]) -> None:
        chat_id = self._held(content).external_id
        frame = {
            "type": "typing",
            "chat": chat_id,
            "from": "agent",
            "name": self.agent.get_full_name() or self.agent.username,
            "typing": bool(content.get("typing")),
        }
        await self.broadcast(chat_id, "chat.typing", frame)

    async def end(self, content: dict[str, Any]) -> None:
        chat_id = self._held(content).external_id
        frame = await _end(self.agent, chat_id)
        await self.send_json(frame)
        await self.broadcast(chat_id, "chat.state", frame)
        self.joined.pop(chat_id, None)
        await self.channel_layer.group_discard(group_of(chat_id), self.channel_name)

    async def disconnect(self, code: int) -> None:
        for chat_id in getattr(self, "joined", {}):
            await self.channel_layer.group_discard(group_of(chat_id), self.channel_name)
        if self.watching:
            await self.channel_layer.group_discard(QUEUE_GROUP, self.channel_name)
