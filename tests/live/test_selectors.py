"""Who may take which waiting call or chat, and in which order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import T0
from tierdesk.errors import NotFound
from tierdesk.live import services as live
from tierdesk.live.selectors import live_contact_for, waiting


def offers(peter, carol, vera):
    # Standard (60 s) at T0, Premium (30 s) at T0+10 s, VIP (20 s) at T0+20 s:
    # due at T0+60, T0+40 and T0+40; VIP's higher routing priority breaks the tie.
    standard = live.offer(channel="phone", external_id="s", contact=peter, at=T0)
    premium = live.offer(
        channel="phone", external_id="p", contact=carol.contact, at=T0 + timedelta(seconds=10)
    )
    vip = live.offer(channel="phone", external_id="v", contact=vera, at=T0 + timedelta(seconds=20))
    chat = live.offer(
        channel="chat", external_id="c", contact=carol.contact, at=T0 + timedelta(seconds=30)
    )
    return standard, premium, vip, chat


def test_a_senior_agent_sees_every_waiting_contact_closest_to_due_first(alice, peter, carol, vera):
    standard, premium, vip, chat = offers(peter, carol, vera)
    with CaptureQueriesContext(connection) as queries:
        rows = list(waiting(actor=alice))
    assert rows == [vip, premium, standard, chat]
    assert len(queries) == 1
    assert list(waiting(actor=alice, channel="chat")) == [chat]


def test_answered_and_abandoned_contacts_leave_the_queue(alice, peter, carol, vera):
    standard, premium, vip, chat = offers(peter, carol, vera)
    live.answer(vip, agent=alice, at=T0 + timedelta(seconds=25))
    live.abandon(standard, at=T0 + timedelta(seconds=40))
    assert list(waiting(actor=alice)) == [premium, chat]


def test_a_junior_agent_sees_only_tiers_they_may_serve(eve, peter, carol, vera):
    standard, *_ = offers(peter, carol, vera)
    assert list(waiting(actor=eve)) == [standard]


def test_customers_see_no_queue(carol, bob, peter, vera):
    offers(peter, carol, vera)
    assert list(waiting(actor=carol)) == []
    assert list(waiting(actor=bob)) == []


def test_a_customer_sees_only_their_own_organizations_contacts(carol, bob, peter, vera):
    _, premium, vip, _ = offers(peter, carol, vera)
    assert live_contact_for(carol, premium.pk) == premium
    for user, row in ((carol, vip), (bob, premium)):
        with pytest.raises(NotFound) as missing:
            live_contact_for(user, row.pk)
        assert missing.value.message == f"No call or chat {row.pk}."
