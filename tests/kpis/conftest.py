"""A small support history built by hand through the ticket services, and a manager.

Tuesday 3 March 2026 at Acme (Premium: first and next response within 1 business hour
at normal priority, London hours 09:00-17:00 = UTC in winter):

- t1 (email, alice): opened 10:00, answered 10:30, solved 12:00.
- t2 (email, sam): opened 10:10, answered 12:10 (one hour late), customer writes 13:10,
  answered 13:40, solved 14:00; the customer writes again 15:00 (reopened), solved 16:10.
- t3 (web, nobody): opened 10:20, only an internal note; still open.
"""

from datetime import UTC, datetime, timedelta

import pytest

from tierdesk.accounts.models import Role, Seniority
from tierdesk.accounts.services import create_user
from tierdesk.tickets import services as tickets

T0 = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
DAY = "2026-03-03"
M = timedelta(minutes=1)


@pytest.fixture
def maria(db):
    return create_user(
        username="maria", email="maria@desk.example", password=None, role=Role.MANAGER
    )


@pytest.fixture
def sam(db):
    return create_user(
        username="sam",
        email="sam@desk.example",
        password=None,
        role=Role.AGENT,
        seniority=Seniority.SENIOR,
    )


@pytest.fixture
def history(carol, alice, sam, maria):
    t1 = tickets.open_ticket(actor=carol, subject="One", body="Hi", channel="email", at=T0)
    tickets.assign(actor=maria, ticket=t1, assignee=alice, at=T0 + 1 * M)
    tickets.reply(actor=alice, ticket=t1, body="Done", at=T0 + 30 * M)
    tickets.change_status(actor=alice, ticket=t1, status="solved", at=T0 + 120 * M)

    at2 = T0 + 10 * M
    t2 = tickets.open_ticket(actor=carol, subject="Two", body="Hi", channel="email", at=at2)
    tickets.assign(actor=maria, ticket=t2, assignee=sam, at=at2 + 1 * M)
    tickets.reply(actor=sam, ticket=t2, body="Looking", at=at2 + 120 * M)
    tickets.reply(actor=carol, ticket=t2, body="Still broken", at=at2 + 180 * M)
    tickets.reply(actor=sam, ticket=t2, body="Fixed", at=at2 + 210 * M)
    tickets.change_status(actor=sam, ticket=t2, status="solved", at=at2 + 230 * M)
    tickets.reply(actor=carol, ticket=t2, body="Not really", at=at2 + 290 * M)
    tickets.change_status(actor=sam, ticket=t2, status="solved", at=at2 + 360 * M)

    t3 = tickets.open_ticket(actor=carol, subject="Three", body="Hi", channel="web", at=T0 + 20 * M)
    tickets.add_note(actor=alice, ticket=t3, body="Internal only", at=T0 + 25 * M)
    return t1, t2, t3
