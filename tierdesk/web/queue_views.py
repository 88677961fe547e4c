"""The queue page: saved views with counts, search, filters, sorting, paging, bulk changes."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from tierdesk.accounts.selectors import eligible_agents
from tierdesk.errors import TierdeskError
from tierdesk.sla.services import clock_view
from tierdesk.tickets import selectors, services
from tierdesk.tickets.models import Ticket
from tierdesk.tickets.queue import AGENT_VIEWS, CUSTOMER_VIEWS, QueueQuery, queue_page
from tierdesk.web.feedback import invalid_form
from tierdesk.web.queue_forms import BulkForm, QueueFilterForm

VIEW_LABELS = {
    "all": "All open",
    "mine": "Mine",
    "unassigned": "Unassigned",
    "late": "Late",
    "open": "Open",
    "done": "Solved and closed",
}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    agents = list(eligible_agents(ticket=None)) if user.is_agent else []
    form = QueueFilterForm(request.GET, agents=agents)
    now = timezone.now()
    status, error = 200, None
    if form.is_valid():
        query = form.query()
    else:
        error, status, query = invalid_form(form).message, 422, QueueQuery()
    page = queue_page(user=user, query=query, now=now)
    views = AGENT_VIEWS if user.is_agent else CUSTOMER_VIEWS
    view = query.view if query.view in views else views[0]
    context = {
        "form": form,
        "query": query,
        "view": view,
        "views": [(v, VIEW_LABELS[v], page.view_counts[v]) for v in views],
        "page": page,
        "rows": [(t, _most_urgent(t, now) if user.is_agent else []) for t in page.tickets],
        "now": now,
        "error": error,
        "bulk": BulkForm(agents=agents, auto_id="bulk_%s") if user.is_agent else None,
        "params": _params_without(request, "page", "sort", "after", "before"),
        "page_params": _params_without(request, "page", "after", "before"),
    }
    # The results (and the views' counts) are drawn by the compiled engine: fifty rows a
    # request, on every agent's screen, refreshed live.
    context["user"] = user
    results = render_to_string("web/_queue_results.html", context, request, using="jinja2")
    if request.htmx:
        return HttpResponse(results, status=status)
    views_nav = render_to_string("web/_views_nav.html", context, request, using="jinja2")
    context.update(results=mark_safe(results), views_nav=mark_safe(views_nav))  # noqa: S308 (autoescaped)
    return render(request, "web/queue.html", context, status=status)


def _most_urgent(ticket: Ticket, now: datetime) -> list[dict]:
    """The one live clock a row shows: least time left (late ones are below zero)."""
    live = [clock_view(c, now) for c in ticket.clocks.all() if c.stopped_at is None]
    return sorted(live, key=lambda c: c["remaining_seconds"])[:1]


def _params_without(request: HttpRequest, *names: str) -> str:
    """The query string minus some keys, so sort and page links keep the other filters."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """One service call per ticket: each change is checked, audited and clocked as if alone."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    form = BulkForm(request.POST, agents=list(eligible_agents(ticket=None)))
    if not form.is_valid():
        messages.error(request, invalid_form(form).message)
        return redirect(back)
    changes = form.changes()
    if not changes:
        messages.error(request, "Choose what to change: an assignee, a status or a priority.")
        return redirect(back)
    done, refused = 0, []
    for ticket_id in form.cleaned_data["ids"]:
        try:
            ticket = selectors.ticket_for(request.user, ticket_id)
            services.update_ticket(actor=request.user, ticket=ticket, changes=dict(changes))
            done += 1
        except TierdeskError as exc:
            refused.append(f"#{ticket_id}: {exc.message}")
    if done:
        messages.success(request, f"Updated {done} ticket{'s' if done != 1 else ''}.")
    if refused:
        messages.error(request, f"Not changed: {' '.join(refused)}")
    return redirect(back)
