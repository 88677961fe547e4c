"""Clock rows are the same whoever found a fact and whenever the sweep ran; every path escalates."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import T0
from tierdesk.sla import monitor
from tierdesk.sla.ledger import verify
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
from tierdesk.tickets.models import STATUS_TRANSITIONS, EventKind, Status
from tierdesk.tiers.models import Metric
from tierdesk.tiers.services import remove_target

ROW_FIELDS = (
    "metric",
    "cycle",
    "state",
    "elapsed_seconds",
    "running_since",
    "due_at",
    "warned_at",
    "breached_at",
    "achieved_at",
    "stopped_at",
    "cancelled_at",
)


def rows(ticket):
    return list(
        SlaClock.objects.filter(ticket=ticket).order_by("metric", "cycle").values(*ROW_FIELDS)
    )


def test_a_late_reply_keeps_the_breach_and_records_when_it_came(alice, ticket, api):
    tickets.reply(actor=alice, ticket=ticket, body="Sorry", at=T0 + timedelta(hours=3))
    fr = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert fr.state == ClockState.BREACHED
    assert fr.breached_at == T0 + timedelta(hours=1)
    assert fr.achieved_at == fr.stopped_at == T0 + timedelta(hours=3)
    body = api(alice).get(f"/tickets/{ticket.pk}").body
    shown = next(c for c in body["clocks"] if c["metric"] == "first_response")
    assert shown["achieved_at"].startswith("2026-03-03T13:00:00")
    assert shown["stopped_at"].startswith("2026-03-03T13:00:00")


def test_the_sweep_in_the_due_second_does_not_breach(ticket):
    due = SlaClock.objects.get(ticket=ticket, metric="first_response").due_at
    assert monitor.sweep(now=due + timedelta(microseconds=999_999))["breaches"] == 0
    assert monitor.sweep(now=due + timedelta(seconds=1))["breaches"] == 1


def test_a_pause_after_the_warning_share_records_the_warning(alice, ticket):
    tickets.reply(actor=alice, ticket=ticket, body="Logs?", at=T0 + timedelta(minutes=10))
    res = SlaClock.objects.get(ticket=ticket, metric="resolution")
    warn_at = res.warn_at
    tickets.change_status(
        actor=alice, ticket=ticket, status=Status.PENDING, at=warn_at + timedelta(minutes=5)
    )
    res.refresh_from_db()
    assert res.warned_at == warn_at
    assert SlaAlert.objects.filter(clock=res, kind=AlertKind.WARNING, at=warn_at).exists()


def test_next_response_waits_for_a_public_agent_answer_even_without_a_first_response_target(
    carol, dave, tiers
):
    for i, priority in enumerate(("low", "normal", "high", "urgent")):
        with time_machine.travel(T0 - timedelta(days=1, seconds=-i), tick=False):
            remove_target(
                actor=dave, tier=tiers["Premium"], priority=priority, metric=Metric.FIRST_RESPONSE
            )
    ticket = tickets.open_ticket(actor=carol, subject="x", body="x", channel="email", at=T0)
    assert not SlaClock.objects.filter(ticket=ticket, metric=Metric.FIRST_RESPONSE).exists()
    tickets.reply(actor=carol, ticket=ticket, body="Any news?", at=T0 + timedelta(minutes=5))
    assert not SlaClock.objects.filter(ticket=ticket, metric=Metric.NEXT_RESPONSE).exists()


def test_a_shorter_target_records_the_warning_it_passed_with_the_breach(alice, ticket):
    tickets.change_priority(
        actor=alice, ticket=ticket, priority="urgent", at=T0 + timedelta(minutes=40)
    )
    fr = SlaClock.objects.get(ticket=ticket, metric="first_response")
    at = T0 + timedelta(minutes=40)
    assert (fr.state, fr.warned_at, fr.breached_at) == (ClockState.BREACHED, at, at)
    assert SlaAlert.objects.filter(clock=fr).count() == 2


def test_a_breach_found_by_a_late_reply_escalates_like_one_the_sweep_finds(alice, ticket, tiers):
    EscalationRule.objects.create(
        tier=tiers["Premium"], on=AlertKind.BREACH, action=EscalationAction.NOTIFY_ASSIGNEE
    )
    tickets.assign(actor=alice, ticket=ticket, assignee=alice, at=T0)
    tickets.reply(actor=alice, ticket=ticket, body="Late", at=T0 + timedelta(hours=2))
    assert Notification.objects.filter(user=alice, ticket=ticket).count() == 1
    assert ticket.events.filter(kind=EventKind.ESCALATED).count() == 1


def test_a_backlog_larger_than_a_batch_records_every_warning_before_its_breach(carol, tiers):
    opened = [
        tickets.open_ticket(actor=carol, subject=f"#{i}", body="x", channel="email", at=T0)
        for i in range(7)
    ]
    found = monitor.sweep(now=T0 + timedelta(days=30), batch=3)
    assert found["warnings"] == found["breaches"] == 14  # first response and resolution each
    for ticket in opened:
        for clock in SlaClock.objects.filter(ticket=ticket):
            assert clock.warned_at is not None and clock.breached_at is not None


# --- the same events, swept at random instants or never, give the same rows ---------------

# When the sweep runs around a step: not at all, a second before it, in the step's own
# second before it, or in the same second after it.
SWEEP_BEFORE = {"second_before": timedelta(seconds=-1), "same_second_before": timedelta(0)}
SWEEPS = ("none", "second_before", "same_second_before", "same_second_after")
ACTIONS = ("agent_reply", "customer_reply", "pending", "open", "priority", "solve", "note")


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.integers(1, 600), st.sampled_from(SWEEPS)),
        min_size=1,
        max_size=8,
    )
)
def test_rows_do_not_depend_on_when_the_sweep_ran(alice, carol, steps):
    # The swept ticket lives its whole history first, with sweeps just before some steps;
    # the plain one lives the same history afterwards with no sweep until the end.
    swept = tickets.open_ticket(actor=carol, subject="a", body="x", channel="email", at=T0)
    end = replay(swept, steps, alice, carol, sweep=True)
    plain = tickets.open_ticket(actor=carol, subject="b", body="x", channel="email", at=T0)
    replay(plain, steps, alice, carol, sweep=False)
    monitor.sweep(now=end)
    assert rows(swept) == rows(plain)
    assert list(verify(SlaClock.objects.filter(ticket__in=[swept, plain]))) == []


def replay(ticket, steps, alice, carol, *, sweep):
    at = T0
    for action, minutes, when in steps:
        at += timedelta(minutes=minutes)
        if sweep and when in SWEEP_BEFORE:
            monitor.sweep(now=at + SWEEP_BEFORE[when])
        apply(action, ticket, alice, carol, at)
        if sweep and when == "same_second_after":
            monitor.sweep(now=at + timedelta(milliseconds=500))
    return at


def apply(action, ticket, alice, carol, at):
    ticket.refresh_from_db()
    if ticket.status == Status.CLOSED:
        return
    match action:
        case "agent_reply":
            tickets.reply(actor=alice, ticket=ticket, body="a", at=at)
        case "customer_reply":
            tickets.reply(actor=carol, ticket=ticket, body="c", at=at)
        case "note":
            tickets.add_note(actor=alice, ticket=ticket, body="n", at=at)
        case "pending" | "open" | "solve":
            target = {"pending": Status.PENDING, "open": Status.OPEN, "solve": Status.SOLVED}
            wanted = target[action]
            if wanted in STATUS_TRANSITIONS[ticket.status]:
                tickets.change_status(actor=alice, ticket=ticket, status=wanted, at=at)
        case "priority":
            new = "urgent" if ticket.priority != "urgent" else "low"
            tickets.change_priority(actor=alice, ticket=ticket, priority=new, at=at)


def test_the_ledger_rebuilds_every_clock_and_catches_a_tampered_row(alice, carol, ticket):
    tickets.reply(
        actor=alice,
        ticket=ticket,
        body="Logs?",
        status=Status.PENDING,
        at=T0 + timedelta(minutes=70),
    )
    tickets.reply(actor=carol, ticket=ticket, body="Here", at=T0 + timedelta(hours=5))
    tickets.change_priority(
        actor=alice, ticket=ticket, priority="urgent", at=T0 + timedelta(hours=6)
    )
    monitor.sweep(now=T0 + timedelta(days=3))
    clocks = SlaClock.objects.filter(ticket=ticket)
    assert list(verify(clocks)) == []
    SlaClock.objects.filter(ticket=ticket, metric="resolution").update(elapsed_seconds=1)
    assert [m.why for m in verify(SlaClock.objects.filter(ticket=ticket))] == [
        "the row differs from the replay"
    ]


def test_customers_see_when_their_answer_is_due_and_no_clock(api, alice, carol, ticket):
    mine = api(carol).get(f"/tickets/{ticket.pk}").body
    assert mine["clocks"] == [] and mine["sla_due_at"] is None
    assert mine["reply_due_at"].startswith("2026-03-03T11:00:00")
    theirs = api(alice).get(f"/tickets/{ticket.pk}").body
    assert {c["metric"] for c in theirs["clocks"]} == {"first_response", "resolution"}
    assert theirs["reply_due_at"] == mine["reply_due_at"]


def test_the_ticket_page_shows_when_a_late_answer_came(alice, ticket):
    tickets.reply(actor=alice, ticket=ticket, body="Sorry", at=T0 + timedelta(hours=3))
    client = Client()
    client.force_login(alice)
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert 'due <time datetime="2026-03-03T11:00:00+00:00">' in page
    assert 'met late <time datetime="2026-03-03T13:00:00+00:00">' in page


@pytest.mark.django_db(transaction=True)
def test_sla_verify_replays_the_ledger_from_the_command_line(tiers, carol, alice):
    from tests.accounts.test_cli import tierdesk

    opened = tickets.open_ticket(actor=carol, subject="x", body="x", channel="email", at=T0)
    tickets.reply(actor=alice, ticket=opened, body="late", at=T0 + timedelta(hours=2))
    done = tierdesk("sla-verify")
    assert done.returncode == 0, done.stderr
    assert "3 clocks replayed from the SLA ledger, 0 differ" in done.stdout
    SlaClock.objects.filter(ticket=opened, metric="resolution").update(warn_percent=10)
    broken = tierdesk("sla-verify", "--ticket", str(opened.pk))
    assert broken.returncode == 1
    assert "the row differs from the replay" in broken.stdout


def test_ledger_rows_of_a_threshold_carry_the_business_time_it_was_passed_at(alice, ticket):
    tickets.change_status(
        actor=alice, ticket=ticket, status=Status.SOLVED, at=T0 + timedelta(days=5)
    )
    res = SlaClock.objects.get(ticket=ticket, metric="resolution")
    rows = {e.transition: e for e in res.ledger.all()}
    assert rows["warned"].elapsed_seconds == res.target_seconds * 75 // 100
    assert rows["breached"].elapsed_seconds == res.target_seconds
    assert rows["satisfied_late"].elapsed_seconds > res.target_seconds
