"""Reads for tickets; every one starts from what the user may see."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)

from tierdesk.accounts.models import User
from tierdesk.errors import NotAllowed, NotFound
from tierdesk.sla.models import SlaClock
from tierdesk.tickets.models import Attachment, Message, MessageKind, Ticket, TicketEvent
from tierdesk.tiers.models import PRIORITY_WEIGHT


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    """Agents see every ticket; a customer only their own organization's."""
    if user.is_agent:
        return Ticket.objects.all()
    contact = getattr(user, "contact", None)
    if contact is None:
        return Ticket.objects.none()
    return Ticket.objects.filter(organization_id=contact.organization_id)


def visibility_key(user: User) -> tuple[object, ...]:
    """What ``tickets_visible_to`` reads of the user: equal keys, equal querysets.

    Compiled SQL is kept per key (``tickets.page``); change both together.
    """
    if user.is_agent:
        return ("agent",)
    contact = getattr(user, "contact", None)
    return ("organization", None if contact is None else contact.organization_id)


def ticket_for(user: User, ticket_id: int) -> Ticket:
    """The ticket, or NotFound for a missing and a foreign ticket alike."""
    ticket = tickets_visible_to(user).select_related(*SUMMARY_RELATED).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(f"No ticket #{ticket_id}.")
    return ticket


@dataclass(frozen=True, slots=True)
class TicketFilters:
    status: list[str] | None = None
    priority: list[str] | None = None
    channel: str | None = None
    organization_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    tier_id: int | None = None
    group_id: int | None = None
    tag: str | None = None
    q: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    order: str = "-created_at"


ORDERINGS = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "sla_due_at": (F("sla_due_at").asc(nulls_last=True), "id"),
    "-updated_at": ("-updated_at", "-id"),
}

_priority_weight = Case(
    *(When(priority=p, then=Value(w)) for p, w in PRIORITY_WEIGHT.items()),
    output_field=IntegerField(),
)


def ticket_list(*, user: User, filters: TicketFilters) -> QuerySet[Ticket]:
    qs = tickets_visible_to(user).filter(filter_conditions(filters))
    return with_summary(qs).order_by(*ORDERINGS[filters.order])


def filter_conditions(filters: TicketFilters) -> Q:
    """The filters as one condition, shared by the API's list and the queue page."""
    conditions = Q()
    if filters.status:
        conditions &= Q(status__in=filters.status)
    if filters.priority:
        conditions &= Q(priority__in=filters.priority)
    if filters.channel:
        conditions &= Q(channel=filters.channel)
    if filters.organization_id:
        conditions &= Q(organization_id=filters.organization_id)
    if filters.assignee_id:
        conditions &= Q(assignee_id=filters.assignee_id)
    if filters.unassigned:
        conditions &= Q(assignee=None)
    if filters.tier_id:
        conditions &= Q(tier_id=filters.tier_id)
    if filters.group_id:
        conditions &= Q(group_id=filters.group_id)
    if filters.tag:
        conditions &= Q(tags__name=filters.tag)
    if filters.q:
        conditions &= Q(subject__icontains=filters.q)
    if filters.created_after:
        conditions &= Q(created_at__gte=filters.created_after)
    if filters.created_before:
        conditions &= Q(created_at__lt=filters.created_before)
    return conditions


SUMMARY_RELATED = ("tier", "organization", "requester", "assignee", "group")


def _summary_prefetches() -> tuple[str | Prefetch, ...]:
    return ("tags", Prefetch("clocks", queryset=SlaClock.objects.order_by("metric", "cycle")))


def with_summary(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a ticket row shows, fetched in a fixed number of queries however many rows."""
    return qs.select_related(*SUMMARY_RELATED).prefetch_related(*_summary_prefetches())


def summarized(ticket: Ticket) -> Ticket:
    """A ticket from ``ticket_for`` with the rest of what ``with_summary`` fetches."""
    prefetch_related_objects([ticket], *_summary_prefetches())
    return ticket


QUEUE_VIEWS = ("all", "mine", "unassigned")


def agent_queue(*, user: User, view: str = "all", limit: int = 50) -> QuerySet[Ticket]:
    """Open tickets closest to breach first; higher tiers and priorities break ties."""
    scope = {"mine": Q(assignee=user), "unassigned": Q(assignee=None)}.get(view, Q())
    return (
        with_summary(tickets_visible_to(user).open().filter(scope))
        .annotate(priority_weight=_priority_weight)
        .order_by(
            F("sla_due_at").asc(nulls_last=True),
            "-tier__routing_priority",
            "-priority_weight",
            "created_at",
        )[:limit]
    )


def conversation(*, user: User, ticket: Ticket) -> QuerySet[Message]:
    """The messages the user may read: customers never see internal notes."""
    # The delivery of each email answer is shown beside it: joined, not read message by message.
    qs = ticket.messages.select_related("author", "contact", "email_delivery").prefetch_related(
        "attachments"
    )
    if not user.is_agent:
        qs = qs.filter(kind=MessageKind.PUBLIC)
    return qs


def history(*, user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The ticket's event log: the desk's record (clocks, notes, escalations), staff only."""
    if not user.is_agent:
        raise NotAllowed("The event history is for the support team; the conversation is yours.")
    return ticket.events.select_related("actor")


def recent_of_organization(*, user: User, ticket: Ticket, limit: int = 5) -> list[Ticket]:
    """The requester's organization's latest other tickets, newest first (index ticket_org)."""
    return list(
        tickets_visible_to(user)
        .filter(organization_id=ticket.organization_id)
        .exclude(pk=ticket.pk)
        .only("id", "subject", "status", "created_at")
        .order_by("-created_at", "-id")[:limit]
    )


def attachment_for(user: User, ticket: Ticket, attachment_id: int) -> Attachment:
    """An attachment of a message the user may read on this ticket, else NotFound."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id, message__in=conversation(user=user, ticket=ticket)
        )
        .select_related("message")
        .first()
    )
    if attachment is None:
        raise NotFound(f"No attachment {attachment_id} on ticket #{ticket.pk}.")
    return attachment


def open_counts_by_organization(*, user: User, organization_ids: list[int]) -> dict[int, int]:
    """How many open tickets each organization has (index ticket_org), for a page of them."""
    rows = (
        tickets_visible_to(user)
        .open()
        .filter(organization_id__in=organization_ids)
        .values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    return dict(rows)
