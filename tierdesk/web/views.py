"""Server-rendered pages: a ticket, its reply and update forms (htmx), new tickets."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from tierdesk.accounts.selectors import eligible_agents
from tierdesk.customers.selectors import contact_by_email
from tierdesk.errors import NotAllowed, TierdeskError
from tierdesk.sla.explain import answer_promises, explained_clock
from tierdesk.sla.services import clock_view
from tierdesk.tickets import selectors, services
from tierdesk.tickets.downloads import attachment_response
from tierdesk.tickets.models import EventKind, Message, MessageKind, Status, Ticket, TicketEvent
from tierdesk.tiers.models import Channel
from tierdesk.uploads import refused_upload
from tierdesk.web.clock_reading import fold_cycles
from tierdesk.web.feedback import form_refusal, invalid_form
from tierdesk.web.forms import (
    NewTicketForm,
    ReplyForm,
    UpdateForm,
    changed_fields,
    describe_changes,
)


def _ticket_context(request: HttpRequest, ticket_id: int, form: ReplyForm | None = None) -> dict:
    ticket = selectors.ticket_for(request.user, ticket_id)
    now = timezone.now()
    clocks = [clock_view(c, now) for c in ticket.clocks.all()]
    return {
        **_clock_context(ticket, clocks, now),
        "conversation": selectors.conversation(user=request.user, ticket=ticket),
        "clocks": clocks,
        "answer_promises": answer_promises(clocks),
        "form": form or ReplyForm(),
        "update_form": UpdateForm(
            initial={
                "status": ticket.status,
                "priority": ticket.priority,
                "assignee_id": ticket.assignee_id or "",
            },
            agents=eligible_agents(ticket=ticket),
        ),
        "tags": sorted(t.name for t in ticket.tags.all()),
        **(_customer_card(request, ticket) if request.user.is_agent else {}),
    }


HISTORY_SHOWN = 100


def _event_line(event: TicketEvent) -> dict:
    """One line of the history: what changed to what ("open → pending"), or which clock."""
    detail = ""
    if isinstance(event.after, str | int) and event.after != "":
        detail = (
            f"{event.before} → {event.after}"
            if event.before not in (None, "")
            else str(event.after)
        )
    elif (event.data or {}).get("metric"):
        detail = str(event.data["metric"]).replace("_", " ")
    actor = event.actor
    what = event.get_kind_display()
    if event.kind == EventKind.MESSAGE_ADDED and actor is not None and not actor.is_agent:
        what = "Message from the customer"  # the kind's label speaks of the desk's replies
    return {
        "at": event.at,
        "what": what,
        "detail": detail,
        "who": (actor.get_full_name() or actor.username) if actor is not None else "tierdesk",
    }


def _customer_card(request: HttpRequest, ticket: Ticket) -> dict:
    """Who the customer is to us, and what happened to this ticket: for the support team."""
    events = selectors.history(user=request.user, ticket=ticket)
    return {
        "recent_tickets": selectors.recent_of_organization(user=request.user, ticket=ticket),
        "history": [_event_line(e) for e in events.order_by("-at", "-id")[:HISTORY_SHOWN]],
        "history_total": events.count(),
    }


@login_required
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    try:
        context = _ticket_context(request, ticket_id)
    except TierdeskError as error:
        return render(request, "web/error.html", {"error": error}, status=error.status)
    return render(request, "web/ticket.html", context)


def _clock_context(ticket: Ticket, clocks: list[dict], now: datetime) -> dict:
    current, earlier = fold_cycles(clocks)
    return {
        "ticket": ticket,
        "now": now,
        "clocks": clocks,
        "current_clocks": current,
        "earlier_clocks": earlier,
    }


@login_required
def ticket_clocks(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The clocks panel alone, fetched every 30 s so the time left moves without a reload."""
    try:
        ticket = selectors.ticket_for(request.user, ticket_id)
        if not request.user.is_agent:
            raise NotAllowed("The service-level clocks are for the support team.")
    except TierdeskError as error:
        return render(request, "web/error.html", {"error": error}, status=error.status)
    now = timezone.now()
    clocks = [clock_view(c, now) for c in ticket.clocks.all()]
    return render(request, "web/_clocks.html", _clock_context(ticket, clocks, now))


@login_required
def ticket_messages(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The conversation's messages alone, fetched again when the ticket changes."""
    try:
        ticket = selectors.ticket_for(request.user, ticket_id)
    except TierdeskError as error:
        return render(request, "web/error.html", {"error": error}, status=error.status)
    conversation = selectors.conversation(user=request.user, ticket=ticket)
    return render(request, "web/_messages.html", {"ticket": ticket, "conversation": conversation})


@login_required
def ticket_side(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The side panel alone: the customer's view of status and promise, fetched again live."""
    try:
        context = _ticket_context(request, ticket_id)
    except TierdeskError as error:
        return render(request, "web/error.html", {"error": error}, status=error.status)
    return render(request, "web/_side.html", context)


@login_required
def clock_explanation(request: HttpRequest, ticket_id: int, clock_id: int) -> HttpResponse:
    """Why a clock is due when it is: a panel for htmx, a page without it."""
    try:
        ticket = selectors.ticket_for(request.user, ticket_id)
        explained = explained_clock(
            user=request.user, ticket=ticket, clock_id=clock_id, now=timezone.now()
        )
    except TierdeskError as error:
        return render(request, "web/error.html", {"error": error}, status=error.status)
    template = "web/_explain.html" if request.htmx else "web/explain.html"
    return render(request, template, {"ticket": ticket, "explained": explained})


@login_required
@require_POST
def reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    form = ReplyForm(request.POST, request.FILES)
    try:
        ticket = selectors.ticket_for(request.user, ticket_id)
    except TierdeskError as exc:
        return render(request, "web/error.html", {"error": exc}, status=exc.status)
    try:
        refused = refused_upload(request)
        if refused is not None:
            raise refused
        if not form.is_valid():
            raise invalid_form(form)
        message = _send(request, ticket, form.cleaned_data)
    except TierdeskError as exc:
        if request.htmx:
            return form_refusal(exc)
        context = _ticket_context(request, ticket_id, form)
        context["reply_error"] = exc.message
        return render(request, "web/ticket.html", context, status=exc.status)
    if message.ticket_id != ticket.pk:
        return _to_follow_up(request, message.ticket_id)
    notice = _sent_notice(message.kind, form.cleaned_data["status"])
    if not request.htmx:
        messages.success(request, notice)
        return redirect("web:ticket", ticket_id=ticket_id)
    context = _ticket_context(request, ticket_id)
    context["reply_notice"] = notice
    # The side panel comes along out of band: a reply may have changed status and clocks.
    return HttpResponse(
        render_to_string("web/_conversation.html", context, request)
        + render_to_string("web/_side.html", {**context, "oob": True}, request)
    )


def _send(request: HttpRequest, ticket: Ticket, data: dict) -> Message:
    files = []
    if data["attachment"]:
        files = [services.upload_attachment(actor=request.user, upload=data["attachment"]).pk]
    if data["kind"] == MessageKind.INTERNAL:
        return services.add_note(
            actor=request.user, ticket=ticket, body=data["body"], attachments=files
        )
    return services.reply(
        actor=request.user,
        ticket=ticket,
        body=data["body"],
        status=data["status"] or None,
        attachments=files,
        channel=Channel.WEB,
    )


def _sent_notice(kind: str, status: str) -> str:
    done = "Internal note added." if kind == MessageKind.INTERNAL else "Reply sent."
    if status and kind != MessageKind.INTERNAL:
        return f"{done} Status is now {Status(status).label}."
    return done


def _to_follow_up(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    """A reply on a closed ticket opened a follow-up: say so and go there."""
    url = reverse("web:ticket", args=[follow_up_id])
    messages.success(
        request,
        format_html(
            'Your ticket was closed, so we opened follow-up <a href="{}">#{}</a> '
            "with your message.",
            url,
            follow_up_id,
        ),
    )
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


@login_required
@require_POST
def update(request: HttpRequest, ticket_id: int) -> HttpResponse:
    form = UpdateForm(request.POST, agents=eligible_agents(ticket=None))
    try:
        ticket = selectors.ticket_for(request.user, ticket_id)
    except TierdeskError as exc:
        return render(request, "web/error.html", {"error": exc}, status=exc.status)
    try:
        if not form.is_valid():
            raise invalid_form(form)
        changes = changed_fields(form, request.POST)
        if changes:
            services.update_ticket(actor=request.user, ticket=ticket, changes=changes)
    except TierdeskError as exc:
        if request.htmx:
            return form_refusal(exc)
        messages.error(request, exc.message)
        return redirect("web:ticket", ticket_id=ticket_id)
    notice = describe_changes(form, changes)
    if not request.htmx:
        messages.success(request, notice)
        return redirect("web:ticket", ticket_id=ticket_id)
    context = _ticket_context(request, ticket_id)
    context["side_notice"] = notice
    return render(request, "web/_side.html", context)


@login_required
def new_ticket(request: HttpRequest) -> HttpResponse:
    prefill = {k: request.GET[k][:2000] for k in ("subject", "body") if k in request.GET}
    form = NewTicketForm(request.POST or None, request.FILES or None, initial=prefill)
    contact = None if request.user.is_agent else getattr(request.user, "contact", None)
    if contact is not None:
        form.offer_priorities_of(contact.organization.tier)
    status = 200
    refused = refused_upload(request)
    if refused is not None and form.is_bound:
        form.is_valid()
        form.add_error("attachment", refused.message)
        status = refused.status
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requester = None
        if request.user.is_agent:
            requester = contact_by_email(request.user, data["requester_email"])
            if requester is None:
                form.add_error("requester_email", "No contact with this email.")
        if not form.errors:
            try:
                files = []
                if data["attachment"]:
                    upload = services.upload_attachment(
                        actor=request.user, upload=data["attachment"]
                    )
                    files = [upload.pk]
                ticket = services.open_ticket(
                    actor=request.user,
                    subject=data["subject"],
                    body=data["body"],
                    # A customer writing here is using the web form; agents log other channels.
                    channel=data["channel"] if request.user.is_agent else Channel.WEB,
                    priority=data["priority"],
                    requester=requester,
                    attachments=files,
                )
                return redirect("web:ticket", ticket_id=ticket.pk)
            except TierdeskError as exc:
                form.add_error(None, exc.message)
                status = exc.status
    if form.errors and status == 200:
        status = 422
    return render(request, "web/new_ticket.html", {"form": form}, status=status)


@login_required
def attachment(request: HttpRequest, ticket_id: int, attachment_id: int) -> HttpResponse:
    try:
        ticket = selectors.ticket_for(request.user, ticket_id)
        return attachment_response(selectors.attachment_for(request.user, ticket, attachment_id))
    except TierdeskError as error:
        return render(request, "web/error.html", {"error": error}, status=error.status)
