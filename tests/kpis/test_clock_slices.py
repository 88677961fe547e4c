"""The ticket's slices copied onto its clocks equal the ticket's, whatever happens to it.

Random histories go through the ticket services (replies that start clocks, solves,
assignments, group, priority and tier changes); then every clock's copy is compared with
its ticket and every clock KPI table, by every slice, with the same table read through
the ticket (the catalogue's join before the copy).
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierdesk.accounts.services import create_group
from tierdesk.kpis import catalog
from tierdesk.kpis.selectors import KpiQuery, kpi_table
from tierdesk.sla.models import SlaClock
from tierdesk.sla.services import SLICE_FIELDS
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import STATUS_TRANSITIONS, Status, Ticket
from tierdesk.tiers.models import Tier

T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
START, END = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC)
ACTIONS = ("agent_reply", "customer_reply", "solve", "assign", "unassign", "group", "priority")
CLOCK_KPIS = [k for k, v in catalog.CATALOG.items() if v.columns is catalog.CLOCK_SLICES]
SLICES = ((), ("tier",), ("agent",), ("group",), ("priority",), ("organization", "channel"))


def act(action, ticket, people, at):
    alice, sam, maria, carol, group, tiers = people
    ticket.refresh_from_db()
    if ticket.status == Status.CLOSED:
        return
    match action:
        case "agent_reply":
            tickets.reply(actor=alice, ticket=ticket, body="a", at=at)
        case "customer_reply":
            tickets.reply(actor=carol, ticket=ticket, body="c", at=at)
        case "solve" if Status.SOLVED in STATUS_TRANSITIONS[ticket.status]:
            tickets.change_status(actor=alice, ticket=ticket, status=Status.SOLVED, at=at)
        case "assign":
            other = sam if ticket.assignee_id == alice.pk else alice
            tickets.assign(actor=maria, ticket=ticket, assignee=other, at=at)
        case "unassign":
            tickets.assign(actor=maria, ticket=ticket, assignee=None, at=at)
        case "group":
            group_id = None if ticket.group_id else group.pk
            tickets.set_group(actor=maria, ticket=ticket, group_id=group_id, at=at)
        case "priority":
            priority = "high" if ticket.priority == "normal" else "normal"
            tickets.change_priority(actor=maria, ticket=ticket, priority=priority, at=at)
        case "tier":
            tier = tiers["Basic"] if ticket.tier.name != "Basic" else tiers["Premium"]
            tickets.move_to_tier(actor=maria, ticket=ticket, tier=tier, at=at)


def tables():
    return [
        kpi_table(KpiQuery(kpi, by, None, START, END, {})).rows
        for kpi in CLOCK_KPIS
        for by in SLICES
    ]


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    histories=st.lists(
        st.lists(st.tuples(st.sampled_from((*ACTIONS, "tier")), st.integers(1, 600)), max_size=10),
        min_size=1,
        max_size=3,
    )
)
def test_clocks_carry_their_tickets_slices(alice, sam, maria, carol, monkeypatch, histories):
    with transaction.atomic():
        group = create_group(name="Billing", lead=None)
        people = (alice, sam, maria, carol, group, {t.name: t for t in Tier.objects.all()})
        for i, steps in enumerate(histories):
            at = T0 + timedelta(minutes=7 * i)
            ticket = tickets.open_ticket(
                actor=carol, subject=f"#{i}", body="x", channel="email", at=at
            )
            for action, minutes in steps:
                at += timedelta(minutes=minutes)
                act(action, ticket, people, at)

        slices = [f"{f}_id" if f not in ("channel", "priority") else f for f in SLICE_FIELDS]
        by_ticket = {t[0]: t[1:] for t in Ticket.objects.values_list("pk", *slices)}
        clocks = list(SlaClock.objects.values_list("ticket_id", *slices))
        assert clocks, "the histories start clocks"
        assert all(c[1:] == by_ticket[c[0]] for c in clocks)

        fast = tables()
        with monkeypatch.context() as m:
            for name in CLOCK_KPIS:
                through_ticket = replace(catalog.CATALOG[name], columns=None)
                m.setitem(catalog.CATALOG, name, through_ticket)
            assert fast == tables()
        transaction.set_rollback(True)
