"""The Customers pages: organizations with their tier, account manager and stage, and the
editor of one organization (account facts and tier) with its history."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tierdesk.accounts.selectors import eligible_agents
from tierdesk.audit.models import Subject
from tierdesk.audit.selectors import history_of
from tierdesk.customers import selectors
from tierdesk.customers.models import Organization
from tierdesk.errors import NotFound, TierdeskError
from tierdesk.manage.access import configurer_required
from tierdesk.manage.customer_forms import OrganizationForm
from tierdesk.manage.phrases import open_tickets
from tierdesk.manage.refusals import show_refusal
from tierdesk.tickets.organization_changes import change_organization
from tierdesk.tickets.selectors import open_counts_by_organization
from tierdesk.tiers.selectors import tiers_with_terms

PAGE_SIZE = 50


@configurer_required
def organization_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:120]
    pages = Paginator(selectors.organizations_matching(request.user, text), PAGE_SIZE)  # type: ignore[arg-type]
    page = pages.get_page(request.GET.get("page"))
    organizations = list(page.object_list)
    counts = open_counts_by_organization(
        user=request.user,  # type: ignore[arg-type]
        organization_ids=[o.pk for o in organizations],
    )
    context = {
        "q": text,
        "page": page,
        "rows": [(o, counts.get(o.pk, 0)) for o in organizations],
    }
    return render(request, "manage/organization_list.html", context)


def _organization(request: HttpRequest, organization_id: int) -> Organization:
    try:
        return selectors.organization_for(request.user, organization_id)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error


def _form(organization: Organization, data: object = None) -> OrganizationForm:
    return OrganizationForm(
        data,
        organization=organization,
        tiers=list(tiers_with_terms()),
        staff=list(eligible_agents(ticket=None)),
    )


def _page(
    request: HttpRequest,
    organization: Organization,
    form: OrganizationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    count = open_counts_by_organization(
        user=request.user,  # type: ignore[arg-type]
        organization_ids=[organization.pk],
    ).get(organization.pk, 0)
    context = {
        "organization": organization,
        "form": form or _form(organization),
        "open_count": open_tickets(count),
        "history": history_of(
            actor=request.user,  # type: ignore[arg-type]
            subject=Subject.ORGANIZATION,
            subject_id=organization.pk,
        ),
    }
    return render(request, "manage/organization.html", context, status=status)


@configurer_required
def organization_page(request: HttpRequest, organization_id: int) -> HttpResponse:
    return _page(request, _organization(request, organization_id))


@require_POST
@configurer_required
def organization_edit(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = _organization(request, organization_id)
    form = _form(organization, request.POST)
    if not form.is_valid():
        return _page(request, organization, form, status=422)
    changes, tier = form.changes(), form.new_tier()
    try:
        moved = change_organization(
            actor=request.user,  # type: ignore[arg-type]
            organization=organization,
            changes=changes,
            tier=tier,
        )
    except TierdeskError as error:
        show_refusal(form, error)
        return _page(request, organization, form, status=error.status)
    if not changes and tier is None:
        messages.success(request, "Nothing changed.")
    elif tier is not None:
        messages.success(
            request, f"{organization.name}: saved; {open_tickets(moved)} moved to {tier.name}."
        )
    else:
        messages.success(request, f"{organization.name}: saved.")
    return redirect("manage:organization", organization_id=organization.pk)
