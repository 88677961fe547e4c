"""Writes for a tier's escalation rules (what a warning or breach does), audited like the
rest of a tier's configuration; managers and admins only."""

from django.db import transaction
from django.utils import timezone

from tierdesk.accounts.access import require_configurer
from tierdesk.accounts.models import AgentGroup, User
from tierdesk.audit.models import Subject
from tierdesk.audit.services import record_change
from tierdesk.errors import Invalid, NotFound
from tierdesk.sla.models import AlertKind, EscalationAction, EscalationRule
from tierdesk.tiers.models import Metric, Tier


def _said(rule: EscalationRule) -> str:
    metric = rule.get_metric_display().lower() if rule.metric else "any metric"
    to = f" {rule.group.name}" if rule.group else ""
    return (
        f"on {rule.get_on_display().lower()} of {metric}: {rule.get_action_display().lower()}{to}"
    )


def rules_of(*, actor: User, tier: Tier) -> list[EscalationRule]:
    require_configurer(actor)
    return list(EscalationRule.objects.filter(tier=tier).select_related("group"))


@transaction.atomic
def add_escalation_rule(
    *, actor: User, tier: Tier, on: str, metric: str, action: str, group: AgentGroup | None
) -> EscalationRule:
    """``metric`` empty: any metric. Reassigning needs a group; other actions take none."""
    require_configurer(actor)
    fields = {}
    if on not in AlertKind.values:
        fields["on"] = f"use one of {', '.join(AlertKind.values)}"
    if metric and metric not in Metric.values:
        fields["metric"] = f"use one of {', '.join(Metric.values)}, or none for any"
    if action not in EscalationAction.values:
        fields["action"] = f"use one of {', '.join(EscalationAction.values)}"
    elif (action == EscalationAction.REASSIGN_TO_GROUP) != (group is not None):
        fields["group"] = (
            "reassigning needs a group" if group is None else "only reassigning takes a group"
        )
    if fields:
        raise Invalid("This escalation rule cannot be kept; see the fields.", fields=fields)
    rule = EscalationRule.objects.create(
        tier=tier, on=on, metric=metric, action=action, group=group
    )
    record_change(
        actor=actor,
        at=timezone.now(),
        subject=Subject.TIER,
        subject_id=tier.pk,
        action="escalation rule added",
        before={},
        after={f"escalation.{rule.pk}": _said(rule)},
    )
    return rule


@transaction.atomic
def remove_escalation_rule(*, actor: User, tier: Tier, rule_id: int) -> None:
    require_configurer(actor)
    rule = EscalationRule.objects.select_related("group").filter(tier=tier, pk=rule_id).first()
    if rule is None:
        raise NotFound(f"{tier.name} has no escalation rule {rule_id}.")
    said = _said(rule)
    rule.delete()
    record_change(
        actor=actor,
        at=timezone.now(),
        subject=Subject.TIER,
        subject_id=tier.pk,
        action="escalation rule removed",
        before={f"escalation.{rule_id}": said},
        after={},
    )
