"""Subscribers of ticket events that put email in the outbox (run after the change commits)."""

from django.utils import timezone

from tierdesk.mail import outbox
from tierdesk.tickets.models import AuthorKind, TicketEvent


def may_mail(event: TicketEvent) -> bool:
    """Whether a message event can become an email, as ``queue_reply`` would decide it:
    customers' own messages never do, nor answers on a channel that is not mailed (chat)."""
    return (
        event.data.get("author_kind") != AuthorKind.CUSTOMER
        and event.data.get("channel") in outbox.MAILED_CHANNELS
    )


def on_message_added(event: TicketEvent) -> None:
    """A public message: its email to the requester (outbox.queue_reply says which go out)."""
    outbox.queue_reply(message_id=int(event.data["message_id"]), at=timezone.now())


def on_sla_alert(event: TicketEvent) -> None:
    """A warning or breach: email the escalation notices it wrote to the staff they name."""
    outbox.queue_notifications(ticket_id=event.ticket_id, at=timezone.now())
