"""The customer's card on the ticket page: who the customer is, their latest tickets, the
ticket's history; for the support team only. And the messages part the live page fetches."""

from datetime import timedelta

import pytest
from django.test import Client

from tests.conftest import T0
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.tickets import services as tickets


def page(user, path):
    client = Client()
    client.force_login(user)
    return client.get(path)


@pytest.fixture
def managed(tiers, alice, eve):
    """Initrode, Premium, with eve as account manager and seven tickets from Dana."""
    org = create_organization(
        actor=None, name="Initrode", tier=tiers["Premium"], account_manager=eve, at=T0
    )
    dana = create_contact(
        actor=None, organization=org, name="Dana", email="dana@initrode.example", at=T0
    )
    opened = [
        tickets.open_ticket(
            actor=alice,
            requester=dana,
            subject=f"Question {n}",
            body="Hello",
            channel="email",
            at=T0 + timedelta(hours=n),
        )
        for n in range(7)
    ]
    return org, opened


def test_an_agent_sees_the_organization_its_manager_and_its_latest_tickets(alice, managed, ticket):
    org, opened = managed
    html = page(alice, f"/tickets/{opened[6].pk}/").content.decode()
    assert "Initrode" in html
    assert "<dt>Account manager</dt><dd>eve</dd>" in html
    assert "<dt>Lifecycle stage</dt><dd>Service</dd>" in html
    recent = html.split('<ul class="recent">')[1].split("</ul>")[0]
    # The five newest others, newest first; not this ticket, not another organization's.
    assert [f"#{t.pk} " in recent for t in opened] == [False, True, True, True, True, True, False]
    assert recent.index(f"#{opened[5].pk} ") < recent.index(f"#{opened[1].pk} ")
    assert f"#{ticket.pk} " not in recent


def test_the_history_says_who_did_what_folded(alice, ticket):
    tickets.update_ticket(actor=alice, ticket=ticket, changes={"priority": "high"}, at=T0)
    html = page(alice, f"/tickets/{ticket.pk}/").content.decode()
    history = html.split('<details class="history">')[1].split("</details>")[0]
    assert "Ticket created" in history
    assert "Message from the customer" in history
    assert "Priority changed: normal → high" in history
    assert "by alice" in history


def test_a_customer_sees_no_card_and_no_history(carol, ticket):
    html = page(carol, f"/tickets/{ticket.pk}/").content.decode()
    assert "Lifecycle stage" not in html
    assert "Account manager" not in html
    assert 'class="history"' not in html
    assert 'id="presence"' not in html


def test_the_messages_part_shows_each_reader_what_they_may_read(alice, carol, bob, ticket):
    tickets.add_note(actor=alice, ticket=ticket, body="Customer is grumpy", at=T0)
    path = f"/tickets/{ticket.pk}/messages/"
    assert "Customer is grumpy" in page(alice, path).content.decode()
    for_carol = page(carol, path)
    assert for_carol.status_code == 200
    assert "Help!" in for_carol.content.decode()
    assert "Customer is grumpy" not in for_carol.content.decode()
    assert page(bob, path).status_code == 404


def test_the_side_panel_part_is_the_readers_own(alice, carol, bob, ticket):
    path = f"/tickets/{ticket.pk}/side/"
    assert "Lifecycle stage" in page(alice, path).content.decode()
    for_carol = page(carol, path).content.decode()
    assert "Promised by" in for_carol
    assert "Lifecycle stage" not in for_carol
    assert page(bob, path).status_code == 404
