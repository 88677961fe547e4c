"""The tier list and the tier editor: settings, and the promise with its breach preview."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tierdesk.accounts.models import AgentGroup
from tierdesk.audit.models import Subject
from tierdesk.audit.selectors import history_of
from tierdesk.errors import NotFound, TierdeskError
from tierdesk.manage.access import configurer_required
from tierdesk.manage.phrases import open_tickets
from tierdesk.manage.refusals import show_refusal
from tierdesk.manage.tier_forms import EscalationForm, PolicyForm, TierSettingsForm
from tierdesk.sla import escalation_rules
from tierdesk.sla.preview import Preview, preview_policy
from tierdesk.sla.services import reapply_terms
from tierdesk.tiers import selectors, services
from tierdesk.tiers.models import Tier


@configurer_required
def tier_list(request: HttpRequest) -> HttpResponse:
    return render(request, "manage/tier_list.html", {"tiers": selectors.tiers_with_terms()})


def _tier(request: HttpRequest, tier_id: int) -> Tier:
    try:
        return selectors.tier_for(request.user, tier_id)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error


def _page(
    request: HttpRequest,
    tier: Tier,
    *,
    settings_form: TierSettingsForm | None = None,
    policy_form: PolicyForm | None = None,
    preview: Preview | None = None,
    escalation_form: EscalationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    calendars = list(selectors.calendars_for(request.user))  # type: ignore[arg-type]
    context = {
        "tier": tier,
        "settings_form": settings_form or TierSettingsForm(instance=tier, prefix="tier"),
        "policy_form": policy_form or PolicyForm(tier=tier, calendars=calendars),
        "preview": preview,
        "escalations": escalation_rules.rules_of(actor=request.user, tier=tier),  # type: ignore[arg-type]
        "escalation_form": escalation_form or EscalationForm(groups=_groups()),
        "history": history_of(actor=request.user, subject=Subject.TIER, subject_id=tier.pk),  # type: ignore[arg-type]
    }
    return render(request, "manage/tier.html", context, status=status)


def _groups() -> list[AgentGroup]:
    return list(AgentGroup.objects.order_by("name"))


@configurer_required
def tier_page(request: HttpRequest, tier_id: int) -> HttpResponse:
    return _page(request, _tier(request, tier_id))


@require_POST
@configurer_required
def tier_settings(request: HttpRequest, tier_id: int) -> HttpResponse:
    tier = _tier(request, tier_id)
    form = TierSettingsForm(request.POST, instance=Tier.objects.get(pk=tier.pk), prefix="tier")
    if not form.is_valid():
        return _page(request, tier, settings_form=form, status=422)
    changes = {name: form.cleaned_data[name] for name in form.changed_data}
    try:
        services.update_tier(actor=request.user, tier=tier, changes=changes)  # type: ignore[arg-type]
    except TierdeskError as error:
        show_refusal(form, error)
        return _page(request, tier, settings_form=form, status=error.status)
    messages.success(request, f"{tier.name}: settings saved." if changes else "Nothing changed.")
    return redirect("manage:tier", tier_id=tier.pk)


@require_POST
@configurer_required
def tier_policy(request: HttpRequest, tier_id: int) -> HttpResponse:
    """Preview first when the change brings a due time closer; then save, maybe re-apply."""
    tier = _tier(request, tier_id)
    calendars = list(selectors.calendars_for(request.user))  # type: ignore[arg-type]
    form = PolicyForm(request.POST, tier=tier, calendars=calendars)
    if not form.is_valid():
        return _page(request, tier, policy_form=form, status=422)
    decision = request.POST.get("decision", "")
    if decision not in ("save", "reapply"):
        rules = services.proposed_policy_rules(
            targets=form.targets(), coverage=form.coverage(), pausing_statuses=form.pausing()
        )
        preview = preview_policy(actor=request.user, tier=tier, rules=rules)  # type: ignore[arg-type]
        if preview.shortens:
            return _page(request, tier, policy_form=form, preview=preview)
    try:
        version = services.replace_policy(
            actor=request.user,  # type: ignore[arg-type]
            tier=tier,
            targets=form.targets(),
            coverage=form.coverage(),
            pausing_statuses=form.pausing(),
        )
    except TierdeskError as error:
        show_refusal(form, error, form.field_for)
        return _page(request, tier, policy_form=form, status=error.status)
    said = f"{tier.name}: saved as policy version {version.number}."
    if decision == "reapply":
        count = reapply_terms(actor=request.user, tier=tier)  # type: ignore[arg-type]
        said += f" Re-applied to {open_tickets(count)}."
    else:
        said += " Open tickets keep their terms until you re-apply."
    messages.success(request, said)
    return redirect("manage:tier", tier_id=tier.pk)


@require_POST
@configurer_required
def tier_reapply(request: HttpRequest, tier_id: int) -> HttpResponse:
    tier = _tier(request, tier_id)
    count = reapply_terms(actor=request.user, tier=tier)  # type: ignore[arg-type]
    messages.success(
        request,
        f"{tier.name}: current terms re-applied to {open_tickets(count)}.",
    )
    return redirect("manage:tier", tier_id=tier.pk)


@require_POST
@configurer_required
def escalation_add(request: HttpRequest, tier_id: int) -> HttpResponse:
    tier = _tier(request, tier_id)
    form = EscalationForm(request.POST, groups=_groups())
    if not form.is_valid():
        return _page(request, tier, escalation_form=form, status=422)
    try:
        escalation_rules.add_escalation_rule(actor=request.user, tier=tier, **form.rule())  # type: ignore[arg-type]
    except TierdeskError as error:
        show_refusal(form, error)
        return _page(request, tier, escalation_form=form, status=error.status)
    messages.success(request, f"{tier.name}: escalation rule added.")
    return redirect("manage:tier", tier_id=tier.pk)


@require_POST
@configurer_required
def escalation_remove(request: HttpRequest, tier_id: int, rule_id: int) -> HttpResponse:
    tier = _tier(request, tier_id)
    try:
        escalation_rules.remove_escalation_rule(actor=request.user, tier=tier, rule_id=rule_id)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error
    messages.success(request, f"{tier.name}: escalation rule removed.")
    return redirect("manage:tier", tier_id=tier.pk)
