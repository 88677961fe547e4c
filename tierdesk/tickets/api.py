"""Ticket endpoints: parse, check access, one service call, schema out."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from tierdesk.customers.selectors import contact_for
from tierdesk.pagination import CursorPage
from tierdesk.renderers import json_response
from tierdesk.sla.explain import explained_clock
from tierdesk.tickets import selectors, services
from tierdesk.tickets.downloads import attachment_response
from tierdesk.tickets.models import Ticket
from tierdesk.tickets.page import ticket_page
from tierdesk.tickets.schemas import (
    AttachmentOut,
    ClockExplanationOut,
    EventOut,
    MessageOut,
    NoteIn,
    ReplyIn,
    TagsIn,
    TicketDetailOut,
    TicketIn,
    TicketPageOut,
    TicketPatchIn,
    TicketQuery,
)
from tierdesk.tickets.selectors import TicketFilters
from tierdesk.tiers.models import Channel

router = Router(tags=["tickets"])


def _detail(ticket: Ticket) -> Ticket:
    return selectors.with_summary(Ticket.objects.filter(pk=ticket.pk)).get()


@router.post("/uploads", response={201: AttachmentOut})
def upload(request: HttpRequest, file: File[UploadedFile]) -> Status[object]:
    """Upload first, then name the attachment's id in a reply or note."""
    return Status(201, services.upload_attachment(actor=request.auth, upload=file))


@router.get("", response=TicketPageOut)
def list_tickets(
    request: HttpRequest, filters: Query[TicketQuery], page: Query[CursorPage]
) -> HttpResponse:
    """A page of tickets; ``count`` is exact up to 1,000, then 1,000 with ``count_capped``."""
    return json_response(
        ticket_page(
            user=request.auth,
            filters=TicketFilters(**filters.dict()),
            limit=page.limit,
            offset=page.offset,
            cursor=page.cursor,
        )
    )


@router.post("", response={201: TicketDetailOut})
def create_ticket(request: HttpRequest, body: TicketIn) -> Status[object]:
    requester = contact_for(request.auth, body.requester_id) if body.requester_id else None
    ticket = services.open_ticket(
        actor=request.auth,
        subject=body.subject,
        body=body.body,
        channel=body.channel,
        requester=requester,
        priority=body.priority,
        tags=body.tags,
        attachments=body.attachments,
    )
    # A new ticket comes back holding what was written; a repeated one is read again.
    fresh = "clocks" in getattr(ticket, "_prefetched_objects_cache", {})
    return Status(201, ticket if fresh else _detail(ticket))


@router.get("/{ticket_id}", response=TicketDetailOut)
def get_ticket(request: HttpRequest, ticket_id: int) -> object:
    return selectors.summarized(selectors.ticket_for(request.auth, ticket_id))


@router.patch("/{ticket_id}", response=TicketDetailOut)
def update_ticket(request: HttpRequest, ticket_id: int, body: TicketPatchIn) -> object:
    ticket = selectors.ticket_for(request.auth, ticket_id)
    services.update_ticket(actor=request.auth, ticket=ticket, changes=body.dict(exclude_unset=True))
    return _detail(ticket)


@router.post("/{ticket_id}/reply", response={201: MessageOut})
def reply(request: HttpRequest, ticket_id: int, body: ReplyIn) -> Status[object]:
    ticket = selectors.ticket_for(request.auth, ticket_id)
    return Status(
        201,
        services.reply(
            actor=request.auth,
            ticket=ticket,
            body=body.body,
            attachments=body.attachments,
            status=body.status,
            channel=Channel.API,
        ),
    )


@router.post("/{ticket_id}/notes", response={201: MessageOut})
def add_note(request: HttpRequest, ticket_id: int, body: NoteIn) -> Status[object]:
    ticket = selectors.ticket_for(request.auth, ticket_id)
    return Status(
        201,
        services.add_note(
            actor=request.auth, ticket=ticket, body=body.body, attachments=body.attachments
        ),
    )


@router.post("/{ticket_id}/tags", response=TicketDetailOut)
def change_tags(request: HttpRequest, ticket_id: int, body: TagsIn) -> object:
    ticket = selectors.ticket_for(request.auth, ticket_id)
    services.change_tags(actor=request.auth, ticket=ticket, add=body.add, remove=body.remove)
    return _detail(ticket)


@router.get("/{ticket_id}/attachments/{attachment_id}", response={200: None})
def download(request: HttpRequest, ticket_id: int, attachment_id: int) -> HttpResponse:
    ticket = selectors.ticket_for(request.auth, ticket_id)
    return attachment_response(selectors.attachment_for(request.auth, ticket, attachment_id))


@router.get("/{ticket_id}/events", response=list[EventOut])
def events(request: HttpRequest, ticket_id: int) -> object:
    ticket = selectors.ticket_for(request.auth, ticket_id)
    return selectors.history(user=request.auth, ticket=ticket)


@router.get("/{ticket_id}/clocks/{clock_id}/explain", response=ClockExplanationOut)
def explain_clock(request: HttpRequest, ticket_id: int, clock_id: int) -> object:
    ticket = selectors.ticket_for(request.auth, ticket_id)
    return explained_clock(
        user=request.auth, ticket=ticket, clock_id=clock_id, now=timezone.now()
    ).as_json()
