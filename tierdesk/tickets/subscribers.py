"""After-commit subscribers of ticket events: outbound mail, chat push, webhooks, surveys.

A change records its ``TicketEvent`` in its own transaction; each subscriber of that kind
gets a task of its own, queued in the same transaction on the database task backend, so
workers only see it once the change has committed, and a change that rolls back queues
nothing. Other backends queue on commit. One subscriber failing never holds up another:
each task is retried or recorded on its own.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from tierdesk.tickets.models import TicketEvent

log = logging.getLogger(__name__)

_subscribers: dict[str, list[str]] = defaultdict(list)
_conditions: dict[tuple[str, str], Callable[[TicketEvent], bool]] = {}
# Told in this process right after the commit, with no task: only for what is cheap and may
# be lost (the console's "this ticket changed" signal; the pages' poll is its fallback).
_listeners: list[Callable[[list[TicketEvent]], None]] = []


def subscribe(
    kind: str, handler: str, *, when: Callable[[TicketEvent], bool] | None = None
) -> None:
    """Call ``handler`` (a dotted path to ``f(event: TicketEvent)``) after each ``kind`` event.

    ``when`` decides from the event alone whether the handler has anything to do; events it
    turns down queue no task (a chat message never becomes an email, so it costs no row).
    Apps subscribe in ``AppConfig.ready``; subscribing twice is a no-op.
    """
    if handler not in _subscribers[kind]:
        _subscribers[kind].append(handler)
    if when is not None:
        _conditions[(kind, handler)] = when


def unsubscribe(kind: str, handler: str) -> None:
    if handler in _subscribers[kind]:
        _subscribers[kind].remove(handler)
    _conditions.pop((kind, handler), None)


def listen(listener: Callable[[list[TicketEvent]], None]) -> None:
    """Call ``listener`` with a change's events once it has committed; twice is a no-op."""
    if listener not in _listeners:
        _listeners.append(listener)


def _tell_listeners(events: list[TicketEvent]) -> None:
    for listener in _listeners:
        try:
            listener(events)
        except Exception:  # a lost signal costs a poll's delay; the change has committed
            log.exception("after-commit listener %r failed", listener)


def subscribers_of(kind: str) -> tuple[str, ...]:
    return tuple(_subscribers.get(kind, ()))


def _transactional_backend() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).endswith("DatabaseBackend")


def dispatch(events: Iterable[TicketEvent]) -> None:
    """Queue one delivery per (event, subscriber); call inside the change's transaction."""
    queue: Callable[..., object] = deliver_event.enqueue
    events = list(events)
    if _listeners and events:
        transaction.on_commit(partial(_tell_listeners, events))
    for event in events:
        for handler in subscribers_of(event.kind):
            wanted = _conditions.get((event.kind, handler))
            if wanted is not None and not wanted(event):
                continue
            if _transactional_backend():
                queue(event_id=event.pk, handler=handler)
            else:
                transaction.on_commit(partial(queue, event_id=event.pk, handler=handler))


@task()
def deliver_event(*, event_id: int, handler: str) -> None:
    from tierdesk.tickets.models import TicketEvent

    event = TicketEvent.objects.select_related("ticket").get(pk=event_id)
    import_string(handler)(event)
