"""Breach monitoring: each warning and breach recorded once, by one of many workers, crash or not."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import T0
from tierdesk.sla import escalation, monitor
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


def test_sweep_records_warning_then_breach_once_each(ticket):
    fr = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert fr.warn_at == T0 + timedelta(minutes=45)
    assert monitor.sweep(now=T0 + timedelta(minutes=50)) == {
        "warnings": 1,
        "breaches": 0,
        "failed": 0,
    }
    assert monitor.sweep(now=T0 + timedelta(minutes=50)) == {
        "warnings": 0,
        "breaches": 0,
        "failed": 0,
    }
    assert monitor.sweep(now=T0 + timedelta(hours=2)) == {"warnings": 0, "breaches": 1, "failed": 0}
    assert monitor.sweep(now=T0 + timedelta(hours=3)) == {"warnings": 0, "breaches": 0, "failed": 0}
    fr.refresh_from_db()
    assert fr.state == ClockState.BREACHED and fr.breached_at == fr.due_at
    assert ticket.events.filter(kind=EventKind.SLA_WARNING).count() == 1
    assert ticket.events.filter(kind=EventKind.SLA_BREACHED).count() == 1


def test_breached_clock_answered_later_stays_breached(alice, ticket):
    monitor.sweep(now=T0 + timedelta(hours=2))
    tickets.reply(actor=alice, ticket=ticket, body="Sorry", at=T0 + timedelta(hours=2))
    fr = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert fr.state == ClockState.BREACHED and fr.stopped_at is not None
    assert SlaAlert.objects.filter(clock=fr, kind=AlertKind.BREACH).count() == 1


def test_escalation_rules_notify_and_raise_priority(alice, ticket, tiers):
    premium = tiers["Premium"]
    EscalationRule.objects.create(
        tier=premium, on=AlertKind.WARNING, action=EscalationAction.NOTIFY_ASSIGNEE
    )
    EscalationRule.objects.create(
        tier=premium,
        on=AlertKind.BREACH,
        metric="first_response",
        action=EscalationAction.RAISE_PRIORITY,
    )
    tickets.assign(actor=alice, ticket=ticket, assignee=alice, at=T0)
    monitor.sweep(now=T0 + timedelta(minutes=50))
    assert Notification.objects.filter(user=alice, ticket=ticket).count() == 1
    monitor.sweep(now=T0 + timedelta(hours=2))
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"
    actions = list(
        ticket.events.filter(kind=EventKind.ESCALATED).values_list("data__action", flat=True)
    )
    assert actions == ["notify_assignee", "raise_priority"]


def test_a_failing_clock_is_rolled_back_and_retried_while_the_others_are_recorded(
    carol, ticket, monkeypatch
):
    other = tickets.open_ticket(actor=carol, subject="Other", body="x", channel="email", at=T0)
    real = escalation.escalate
    broken = {ticket.pk}

    def escalation_fails_for_one_ticket(**kwargs):
        if kwargs["ticket"].pk in broken:
            raise RuntimeError("mail server down")
        return real(**kwargs)

    monkeypatch.setattr(escalation, "escalate", escalation_fails_for_one_ticket)
    now = T0 + timedelta(hours=2)
    assert monitor.sweep(now=now) == {"warnings": 1, "breaches": 1, "failed": 1}
    fr = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert fr.state == ClockState.RUNNING and fr.warned_at is None and fr.breached_at is None
    assert not ticket.events.filter(kind=EventKind.SLA_WARNING).exists()
    assert SlaClock.objects.get(ticket=other, metric="first_response").breached_at is not None
    broken.clear()
    assert monitor.sweep(now=now) == {"warnings": 1, "breaches": 1, "failed": 0}
    fr.refresh_from_db()
    assert (fr.warned_at, fr.breached_at) == (T0 + timedelta(minutes=45), T0 + timedelta(hours=1))
    assert SlaAlert.objects.filter(clock=fr).count() == 2


def test_closing_a_ticket_never_erases_a_recorded_breach(alice, ticket):
    monitor.sweep(now=T0 + timedelta(hours=2))
    tickets.change_status(actor=alice, ticket=ticket, status="solved", at=T0 + timedelta(hours=3))
    tickets.change_status(actor=alice, ticket=ticket, status="closed", at=T0 + timedelta(days=5))
    fr = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert fr.state == ClockState.BREACHED
    assert fr.stopped_at == T0 + timedelta(hours=3)


def test_a_sweep_batch_writes_its_rows_in_one_statement_per_table(carol):
    for i in range(5):
        tickets.open_ticket(actor=carol, subject=f"T{i}", body="x", channel="email", at=T0)
    with CaptureQueriesContext(connection) as seen:
        found = monitor.sweep(now=T0 + timedelta(days=10))
    assert found == {"warnings": 10, "breaches": 10, "failed": 0}
    # Statement heads, in order: the clocks updated together, then one INSERT per table.
    # (Each subscriber of an alert also gets its task queued: that is the task table's.)
    heads = [
        q["sql"].split(" (")[0].split(" SET ")[0] for q in seen if "dbtaskresult" not in q["sql"]
    ]
    assert [h for h in heads if h.startswith(("INSERT", "UPDATE", "10 times"))] == [
        '10 times: UPDATE "sla_slaclock"',
        'INSERT INTO "sla_slaalert"',
        'INSERT INTO "tickets_ticketevent"',
        'INSERT INTO "sla_slaledgerentry"',
    ]
