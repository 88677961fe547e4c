"""The console's socket: "this ticket changed" signals, and who else is on a ticket.

The socket carries no ticket content. A frame names a ticket and what happened ("new",
"reply", "note", "breach", "update"); the page fetches the affected part again from the
ordinary views, which check access as they always do. Presence frames ("Dana is viewing",
"Dana is typing") go only between agents who may open that ticket; customers never join
a ticket's group and never send presence.
"""

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer

from tierdesk.accounts.models import User
from tierdesk.errors import TierdeskError
from tierdesk.tickets.models import TicketEvent
from tierdesk.tickets.selectors import ticket_for
from tierdesk.web.live_audience import frames_of_change, groups_of_user, ticket_group

PRESENCE_STATES = ("viewing", "typing", "left")


def push_changes(events: list[TicketEvent]) -> None:
    """After-commit listener: tell each audience which tickets changed."""
    layer = get_channel_layer()
    frames = frames_of_change(events)
    if layer is None or not frames:
        return

    async def send() -> None:
        for group, frame in frames:
            await layer.group_send(group, frame)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        server = _server_loop()
        if server is None:
            async_to_sync(send)()  # a task worker's or a management command's thread
            return
        # A socket's or a request's worker thread: hand the sends to the server's loop and
        # return at once. Waiting for them would hold every chat message's answer back by a
        # trip through the busy loop (and the Redis layer) for a signal that may be lost.
        server.call_soon_threadsafe(_send_from_loop, send)
    else:
        _send_from_loop(send)  # called in the loop's own thread: send once it is free


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this worker thread was called from by ``sync_to_async``, if any.

    asgiref keeps it per thread for ``async_to_sync``, which would otherwise block here
    until the sends are done; a loop that has stopped (a server shutting down) counts none.
    """
    loop: asyncio.AbstractEventLoop | None = getattr(
        SyncToAsync.threadlocal, "main_event_loop", None
    )
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None  # inherited across a fork: not this process's loop
    return loop


def _send_from_loop(send: Callable[[], Coroutine[Any, Any, None]]) -> None:
    _sending.add(task := asyncio.get_running_loop().create_task(send()))
    task.add_done_callback(_sending.discard)


_sending: set[asyncio.Task[None]] = set()  # kept until done: the loop holds tasks weakly


@database_sync_to_async
def _groups(user: User) -> list[str]:
    return groups_of_user(user)


@database_sync_to_async
def _may_open(user: User, ticket_id: int) -> bool:
    try:
        ticket_for(user, ticket_id)
    except TierdeskError:
        return False
    return True


class ConsoleSocket(AsyncJsonWebsocketConsumer):
    """One signed-in person's console tab."""

    async def connect(self) -> None:
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user: User = user
        self.name = user.get_full_name() or user.username
        self.groups_joined = await _groups(user)
        self.tickets: set[int] = set()  # tickets whose presence group this tab is in
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        for ticket_id in list(getattr(self, "tickets", ())):
            await self._announce(ticket_id, "left")
            await self.channel_layer.group_discard(ticket_group(ticket_id), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Presence from an agent's ticket page: {"type": "viewing"|"typing"|"left", "ticket"}."""
        if not isinstance(content, dict) or content.get("type") not in PRESENCE_STATES:
            return
        ticket_id = content.get("ticket")
        if not self.user.is_agent or not isinstance(ticket_id, int):
            return
        if ticket_id not in self.tickets:
            if content["type"] == "left" or not await _may_open(self.user, ticket_id):
                return
            self.tickets.add(ticket_id)
            await self.channel_layer.group_add(ticket_group(ticket_id), self.channel_name)
            # A newcomer asks those already there to say so.
            await self._announce(ticket_id, content["type"], ask=True)
            return
        await self._announce(ticket_id, content["type"])
        if content["type"] == "left":
            self.tickets.discard(ticket_id)
            await self.channel_layer.group_discard(ticket_group(ticket_id), self.channel_name)

    async def _announce(self, ticket_id: int, state: str, *, ask: bool = False) -> None:
        await self.channel_layer.group_send(
            ticket_group(ticket_id),
            {
                "type": "console.presence",
                "ticket": ticket_id,
                "user": self.user.pk,
                "name": self.name,
                "state": state,
                "ask": ask,
            },
        )

    async def console_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "changed", "ticket": event["ticket"], "what": event["what"]})

    async def console_presence(self, event: dict[str, Any]) -> None:
        if event["user"] == self.user.pk:
            return  # one's own other tabs are not "someone else"
        await self.send_json(
            {
                "type": "presence",
                "ticket": event["ticket"],
                "user": event["user"],
                "name": event["name"],
                "state": event["state"],
            }
        )
        if event["ask"] and event["ticket"] in self.tickets:
            await self._announce(event["ticket"], "viewing")
