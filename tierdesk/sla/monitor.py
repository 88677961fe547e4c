"""Breach monitoring: find clocks past their warning or due instant, record each once, escalate."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tierdesk.sla.models import (
    AlertKind,
    ClockState,
    EscalationAction,
    EscalationRule,
    Notification,
    SlaAlert,
    SlaClock,
)
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import EventKind, Ticket
from tierdesk.tickets.services import record_event
from tierdesk.tiers.models import Priority

log = logging.getLogger(__name__)

RAISED = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
}


def clocks_past_warning(now: datetime, limit: int = 500) -> list[int]:
    # Range scan on clock_warn: warned clocks have warn_at cleared, so they drop out.
    return list(
        SlaClock.objects.filter(state=ClockState.RUNNING, warn_at__lte=now)
        .order_by("warn_at")
        .values_list("pk", flat=True)[:limit]
    )


def clocks_past_due(now: datetime, limit: int = 500) -> list[int]:
    # Range scan on clock_due: breached clocks leave the running state.
    return list(
        SlaClock.objects.filter(state=ClockState.RUNNING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )


def _lock_ticket_of(clock_id: int) -> None:
    # Ticket before clock, the order every ticket change takes: no deadlock with a reply
    # landing at the same moment, and escalations may then change the ticket safely.
    ticket_id = SlaClock.objects.filter(pk=clock_id).values_list("ticket_id", flat=True)
    list(Ticket.objects.select_for_update().filter(pk__in=ticket_id).values_list("pk"))


@transaction.atomic
def record_warning(*, clock_id: int, now: datetime) -> bool:
    """True if this call recorded the warning; False if another worker did, or it lapsed."""
    _lock_ticket_of(clock_id)
    won = SlaClock.objects.filter(
        pk=clock_id, state=ClockState.RUNNING, warned_at=None, warn_at__lte=now
    ).update(warned_at=F("warn_at"), warn_at=None)
    if not won:
        return False
    clock = SlaClock.objects.select_related("ticket__tier").get(pk=clock_id)
    return _alert(clock, AlertKind.WARNING, clock.warned_at, EventKind.SLA_WARNING)


@transaction.atomic
def record_breach(*, clock_id: int, now: datetime) -> bool:
    _lock_ticket_of(clock_id)
    won = SlaClock.objects.filter(
        pk=clock_id, state=ClockState.RUNNING, breached_at=None, due_at__lte=now
    ).update(state=ClockState.BREACHED, breached_at=F("due_at"), warn_at=None)
    if not won:
        return False
    clock = SlaClock.objects.select_related("ticket__tier").get(pk=clock_id)
    return _alert(clock, AlertKind.BREACH, clock.breached_at, EventKind.SLA_BREACHED)


def _alert(clock: SlaClock, kind: str, at: datetime | None, event: str) -> bool:
    assert at is not None
    try:
        with transaction.atomic():
            SlaAlert.objects.create(clock=clock, kind=kind, at=at, recorded_at=timezone.now())
    except IntegrityError:
        # The unique constraint is the last guard: another worker recorded it first.
        transaction.set_rollback(True)
        return False
    ticket = clock.ticket
    record_event(
        ticket=ticket,
        kind=event,
        actor=None,
        at=at,
        clock_id=clock.pk,
        metric=clock.metric,
        cycle=clock.cycle,
    )
    escalate(ticket=ticket, clock=clock, on=kind, at=at)
    return True


def escalate(*, ticket: Ticket, clock: SlaClock, on: str, at: datetime) -> None:
    rules = (
        EscalationRule.objects.filter(tier_id=ticket.tier_id, on=on)
        .filter(metric__in=["", clock.metric])
        .select_related("group")
    )
    for rule in rules:
        done = _apply(rule, ticket, clock, at)
        if done:
            record_event(
                ticket=ticket,
                kind=EventKind.ESCALATED,
                actor=None,
                at=at,
                rule_id=rule.pk,
                action=rule.action,
                on=on,
                metric=clock.metric,
                detail=done,
            )


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


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """One pass, each clock in its own transaction: a clock that fails is rolled back, logged
    and left for the next pass, and the others are still recorded."""
    now = now or timezone.now()
    found = {"warnings": 0, "breaches": 0, "failed": 0}
    for kind, ids, record in (
        ("warnings", clocks_past_warning(now), record_warning),
        ("breaches", clocks_past_due(now), record_breach),
    ):
        for clock_id in ids:
            try:
                found[kind] += record(clock_id=clock_id, now=now)
            except Exception:
                found["failed"] += 1
                log.exception("SLA sweep: clock %s failed; the next pass retries it", clock_id)
    return found
