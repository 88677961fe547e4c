"""Re-tiering and policy re-apply: elapsed business time kept, shorter targets breach at once."""

from datetime import timedelta

import pytest
import time_machine

from tests.conftest import T0
from tests.row_locks import needs_row_locks, runs_beside
from tierdesk.customers.models import Interaction, InteractionKind
from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.sla.services import reapply_terms
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import EventKind, Ticket
from tierdesk.tiers.services import set_target


def first_response(ticket):
    return SlaClock.objects.get(ticket=ticket, metric="first_response")


def test_moving_a_customer_to_vip_moves_open_tickets_and_breaches_the_overdue(
    api, dave, ticket, acme, tiers
):
    # 20 minutes of Premium's hour used; VIP's normal first response is 15 minutes.
    at = T0 + timedelta(minutes=20)
    moved = tickets.move_organization_to_tier(
        actor=dave, organization=acme, tier=tiers["VIP"], at=at
    )
    assert moved == 1
    fr = first_response(ticket)
    assert fr.state == ClockState.BREACHED and fr.breached_at == at
    assert fr.target_seconds == 900 and fr.business_time is False
    assert Ticket.objects.get(pk=ticket.pk).tier == tiers["VIP"]
    assert ticket.events.filter(kind=EventKind.TIER_CHANGED, after="VIP").count() == 1
    assert Interaction.objects.filter(organization=acme, kind=InteractionKind.TIER_CHANGED).exists()


def test_moving_to_a_longer_target_keeps_elapsed_time(dave, ticket, acme, tiers):
    at = T0 + timedelta(minutes=20)
    tickets.move_organization_to_tier(actor=dave, organization=acme, tier=tiers["Standard"], at=at)
    fr = first_response(ticket)
    # Standard normal: 4 business hours on 09-17; 20 minutes are used already.
    assert fr.elapsed_seconds == 1200
    assert fr.due_at == at + timedelta(hours=3, minutes=40)


def test_agents_cannot_re_tier_and_nothing_changes(api, alice, acme, ticket, tiers):
    response = api(alice).patch(f"/organizations/{acme.pk}", {"tier_id": tiers["Basic"].pk})
    assert response.status_code == 403
    assert (
        response.body["error"]["message"]
        == "Only managers and admins can change a customer's tier."
    )
    assert Ticket.objects.get(pk=ticket.pk).tier == tiers["Premium"]
    assert not ticket.events.filter(kind=EventKind.TIER_CHANGED).exists()


def test_re_tier_over_the_api(api, dave, acme, ticket, tiers):
    response = api(dave).patch(f"/organizations/{acme.pk}", {"tier_id": tiers["VIP"].pk})
    assert response.status_code == 200, response.body
    assert response.body["tier_name"] == "VIP"


def test_target_edit_leaves_running_clocks_until_re_applied(api, dave, ticket, tiers):
    premium = tiers["Premium"]
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        set_target(
            actor=dave,
            tier=premium,
            priority="normal",
            metric="first_response",
            target_seconds=7200,
            business_time=True,
        )
    assert first_response(ticket).target_seconds == 3600
    assert reapply_terms(actor=dave, tier=premium, at=T0 + timedelta(minutes=30)) == 1
    fr = first_response(ticket)
    assert fr.target_seconds == 7200 and fr.due_at == T0 + timedelta(hours=2)
    assert ticket.events.filter(
        kind=EventKind.CLOCK_RECOMPUTED, data__reason="tier policy re-applied"
    ).exists()


def test_re_apply_is_for_managers(api, alice, tiers):
    response = api(alice).post(f"/tiers/{tiers['Premium'].pk}/reapply")
    assert response.status_code == 403


def test_metrics_the_new_tier_adds_start_at_the_move(alice, dave, carol, globex, tiers):
    from tierdesk.accounts.models import User

    basic_customer = User.objects.get(pk=carol.pk)
    # Carol's organization moves to Basic first: Basic has no periodic updates.
    tickets.move_organization_to_tier(
        actor=dave, organization=basic_customer.contact.organization, tier=tiers["Basic"], at=T0
    )
    t = tickets.open_ticket(
        actor=User.objects.get(pk=carol.pk), subject="x", body="y", channel="email", at=T0
    )
    tickets.reply(actor=alice, ticket=t, body="on it", at=T0 + timedelta(minutes=5))
    assert not SlaClock.objects.filter(ticket=t, metric="periodic_update").exists()
    at = T0 + timedelta(hours=1)
    tickets.move_to_tier(actor=dave, ticket=t, tier=tiers["VIP"], at=at)
    update = SlaClock.objects.get(ticket=t, metric="periodic_update")
    assert update.started_at == at and update.due_at == at + timedelta(hours=4)
    assert not SlaClock.objects.filter(ticket=t, metric="first_response", state="running").exists()


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_re_applying_a_tier_does_not_hold_up_a_new_ticket_of_that_tier(carol, dave, tiers):
    premium = tiers["Premium"]
    tickets.open_ticket(actor=carol, subject="Old", body="Help", channel="email", at=T0)
    opened = runs_beside(
        lambda: reapply_terms(actor=dave, tier=premium, at=T0 + timedelta(minutes=5)),
        # Committing checks the new ticket's tier: it must share the tier's row.
        lambda: (
            tickets.open_ticket(actor=carol, subject="New", body="Help", channel="email", at=T0).pk
        ),
    )
    assert Ticket.objects.get(pk=opened).tier_id == premium.pk
