"""Who is told that a ticket changed: the channel-layer groups of a change and of a user.

The same rule as ``tickets_visible_to``, said as groups: agents see every ticket, so every
agent is told of every change; a customer is told only of their own organization's tickets,
and only of what they can see there (a public message, a status), never of internal notes,
clocks, warnings or breaches. ``tests/web/live/test_console_sockets.py`` pins the two
rules together.
"""

from tierdesk.accounts.models import User
from tierdesk.tickets.models import EventKind, TicketEvent

AGENTS = "tierdesk.console.agents"

# What each kind of event means in the console, strongest first: a frame names one.
_WHAT = {
    EventKind.CREATED: "new",
    EventKind.FOLLOW_UP_CREATED: "new",
    EventKind.SLA_BREACHED: "breach",
    EventKind.MESSAGE_ADDED: "reply",
    EventKind.NOTE_ADDED: "note",
}
_STRENGTH = ["new", "breach", "reply", "note", "update"]
_SEEN_BY_CUSTOMERS = frozenset(
    {
        EventKind.CREATED,
        EventKind.FOLLOW_UP_CREATED,
        EventKind.MESSAGE_ADDED,
        EventKind.STATUS_CHANGED,
        EventKind.REOPENED,
    }
)


def organization_group(organization_id: int) -> str:
    return f"tierdesk.console.org.{organization_id}"


def ticket_group(ticket_id: int) -> str:
    """The agents on one ticket's page, for presence."""
    return f"tierdesk.console.ticket.{ticket_id}"


def groups_of_user(user: User) -> list[str]:
    if user.is_agent:
        return [AGENTS]
    contact = getattr(user, "contact", None)
    return [organization_group(contact.organization_id)] if contact is not None else []


def frames_of_change(events: list[TicketEvent]) -> list[tuple[str, dict[str, object]]]:
    """(group, frame) pairs for one committed change: one frame per ticket and audience."""
    by_ticket: dict[int, list[TicketEvent]] = {}
    for event in events:
        by_ticket.setdefault(event.ticket_id, []).append(event)
    sent: list[tuple[str, dict[str, object]]] = []
    for ticket_id, mine in by_ticket.items():
        organization_id = mine[0].ticket.organization_id
        sent.append((AGENTS, _frame(ticket_id, mine)))
        public = [e for e in mine if e.kind in _SEEN_BY_CUSTOMERS]
        if public:
            sent.append((organization_group(organization_id), _frame(ticket_id, public)))
    return sent


def _frame(ticket_id: int, events: list[TicketEvent]) -> dict[str, object]:
    whats = {_WHAT.get(e.kind, "update") for e in events}
    what = next(w for w in _STRENGTH if w in whats)
    return {"type": "console.changed", "ticket": ticket_id, "what": what}
