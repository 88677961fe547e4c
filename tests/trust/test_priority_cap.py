"""Customers open tickets at most at the priority their tier allows; agents are not capped."""

import pytest
from django.test import Client

from tests.conftest import T0
from tierdesk.customers.models import Interaction
from tierdesk.errors import Invalid
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Ticket
from tierdesk.tiers import services as tier_services

pytestmark = pytest.mark.django_db


def test_default_tiers_cap_what_customers_choose(tiers):
    caps = {name: tier.max_customer_priority for name, tier in tiers.items()}
    assert caps == {"Basic": "normal", "Standard": "high", "Premium": "high", "VIP": "urgent"}


def test_a_premium_customer_may_open_a_high_ticket_but_not_an_urgent_one(carol):
    ticket = tickets.open_ticket(
        actor=carol, subject="Down", body="x", channel="email", priority="high", at=T0
    )
    assert ticket.priority == "high"
    with pytest.raises(Invalid) as refused:
        tickets.open_ticket(
            actor=carol, subject="Down", body="x", channel="email", priority="urgent", at=T0
        )
    assert refused.value.fields == {"priority": "at most high on the Premium tier"}
    assert "low, normal, high" in refused.value.message
    assert Ticket.objects.count() == 1  # the refusal wrote nothing


def test_the_api_refuses_an_urgent_ticket_from_a_basic_customer_with_422(bob, api):
    before = Interaction.objects.count()
    response = api(bob).post(
        "/tickets", {"subject": "Now!", "body": "x", "channel": "email", "priority": "high"}
    )
    assert response.status_code == 422
    assert response.body["error"]["fields"] == {"priority": "at most normal on the Basic tier"}
    assert not Ticket.objects.exists()
    assert Interaction.objects.count() == before


def test_an_agent_opens_above_the_customers_cap(alice, bob):
    ticket = tickets.open_ticket(
        actor=alice,
        requester=bob.contact,
        subject="Outage",
        body="Logged from an email",
        channel="email",
        priority="urgent",
        at=T0,
    )
    assert ticket.priority == "urgent"


def test_the_portal_form_shows_the_refusal(bob):
    client = Client()
    client.force_login(bob)
    response = client.post(
        "/tickets/new/", {"subject": "Now!", "body": "Please", "priority": "urgent"}
    )
    assert response.status_code == 422
    assert b"The Basic tier lets you open a ticket at priority low, normal" in response.content
    assert not Ticket.objects.exists()


def test_an_admin_sets_a_tiers_cap_through_the_api(dave, tiers, api):
    basic = tiers["Basic"]
    response = api(dave).patch(f"/tiers/{basic.pk}", {"max_customer_priority": "high"})
    assert response.status_code == 200
    assert response.body["max_customer_priority"] == "high"
    refused = api(dave).patch(f"/tiers/{basic.pk}", {"max_customer_priority": "critical"})
    assert refused.status_code == 422
    assert "max_customer_priority" in refused.body["error"]["fields"]
    basic.refresh_from_db()
    assert basic.max_customer_priority == "high"


def test_the_cap_is_a_tier_field_the_service_accepts(dave, tiers):
    tier = tier_services.update_tier(
        actor=dave, tier=tiers["VIP"], changes={"max_customer_priority": "high"}
    )
    assert tier.customer_priority("urgent") == "high"
    assert tier.customer_priority("low") == "low"
