"""Escalation rules: what a recorded warning or breach does (notify, raise priority, reassign)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from tierdesk.sla.models import (
    AlertKind,
    EscalationAction,
    EscalationRule,
    Notification,
    SlaClock,
)
from tierdesk.tickets.models import EventKind, Ticket, TicketEvent
from tierdesk.tickets.subscribers import dispatch
from tierdesk.tiers.models import Priority

RAISED = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
}


Rules = dict[tuple[int, str], list[EscalationRule]]


def rules_for(tier_ids: Iterable[int]) -> Rules:
    """The escalation rules of these tiers by (tier, alert kind), in one query.

    A batch of alerts (a sweep's, or one change's) looks its rules up once, not per alert.
    """
    rules: Rules = defaultdict(list)
    for rule in EscalationRule.objects.filter(tier_id__in=set(tier_ids)).select_related("group"):
        rules[(rule.tier_id, rule.on)].append(rule)
    return rules


def escalate(
    *, ticket: Ticket, clock: SlaClock, on: str, at: datetime, rules: Rules | None = None
) -> None:
    """Apply the tier's rules for this alert, each action audited as an ESCALATED event.

    ``at`` is when tierdesk found the alert (the change or the sweep), not the threshold's
    own second: a notice cannot be sent, nor a priority raised, in the past.
    """
    if rules is None:
        rules = rules_for([ticket.tier_id])
    for rule in rules.get((ticket.tier_id, on), ()):
        if rule.metric not in ("", clock.metric):
            continue
        done = _apply(rule, ticket, clock, at)
        if done:
            event = TicketEvent.objects.create(
                ticket=ticket,
                kind=EventKind.ESCALATED,
                actor=None,
                at=at,
                data={
                    "rule_id": rule.pk,
                    "action": rule.action,
                    "on": on,
                    "metric": clock.metric,
                    "detail": done,
                },
            )
            dispatch([event])


def _notify(user_id: int | None, ticket: Ticket, clock: SlaClock, on: str, at: datetime) -> str:
    if user_id is None:
        return ""
    what = "breached" if on == AlertKind.BREACH else "is close to breach"
    Notification.objects.create(
        user_id=user_id,
        ticket=ticket,
        created_at=at,
        text=f"#{ticket.pk} {ticket.subject[:120]}: {clock.get_metric_display()} {what}.",
    )
    return f"notified user {user_id}"


def _apply(rule: EscalationRule, ticket: Ticket, clock: SlaClock, at: datetime) -> str:
    # Ticket changes sit a floor above the clocks: imported here, where an action needs them.
    from tierdesk.tickets import services as tickets

    ticket = Ticket.objects.select_related("group", "organization").get(pk=ticket.pk)
    match rule.action:
        case EscalationAction.NOTIFY_ASSIGNEE:
            return _notify(ticket.assignee_id, ticket, clock, rule.on, at)
        case EscalationAction.NOTIFY_GROUP_LEAD:
            lead = ticket.group.lead_id if ticket.group else None
            return _notify(lead, ticket, clock, rule.on, at)
        case EscalationAction.NOTIFY_ACCOUNT_MANAGER:
            return _notify(ticket.organization.account_manager_id, ticket, clock, rule.on, at)
        case EscalationAction.RAISE_PRIORITY:
            raised = RAISED.get(Priority(ticket.priority))
            if raised is None:
                return ""
            tickets.change_priority(actor=None, ticket=ticket, priority=raised, at=at)
            return f"priority {ticket.priority} -> {raised}"
        case EscalationAction.REASSIGN_TO_GROUP:
            if ticket.group_id == rule.group_id:
                return ""
            tickets.set_group(actor=None, ticket=ticket, group_id=rule.group_id, at=at)
            return f"group -> {rule.group_id}"
    return ""
