"""A hand-built week at Acme (Premium: first response within 1 business hour at normal
priority, London 08:00-20:00) in June, when London is UTC+1, and a manager.

First-response clocks started 1-7 June 2026 (London times):
- Monday 09:10 (three tickets) and 10:20 (one): answered two hours later, breached.
- Tuesday 13:00 (two): answered after 10 minutes, met.
- Wednesday 19:30 (one): answered Thursday 10:00, breached.
Before the week, Tuesday 26 May 09:10: one ticket answered in 10 minutes, met (the
previous period; Monday 25 May is a bank holiday in England).
Globex (Basic) tries the phone three times in the week: refused and recorded.
"""

from datetime import UTC, datetime, timedelta

import pytest

from tierdesk.accounts.models import Role
from tierdesk.accounts.services import create_user
from tierdesk.errors import Conflict
from tierdesk.tickets import services as tickets

MONDAY = datetime(2026, 6, 1, tzinfo=UTC)
H, M = timedelta(hours=1), timedelta(minutes=1)


@pytest.fixture
def maria(db):
    return create_user(
        username="maria", email="maria@desk.example", password=None, role=Role.MANAGER
    )


def _answered(carol, alice, opened: datetime, after: timedelta):
    t = tickets.open_ticket(actor=carol, subject="Help", body="Hi", channel="email", at=opened)
    tickets.reply(actor=alice, ticket=t, body="Here", at=opened + after)
    return t


@pytest.fixture
def week(carol, bob, alice):
    for _ in range(3):
        _answered(carol, alice, MONDAY + 8 * H + 10 * M, 2 * H)
    _answered(carol, alice, MONDAY + 9 * H + 20 * M, 2 * H)
    for _ in range(2):
        _answered(carol, alice, MONDAY + timedelta(days=1) + 12 * H, 10 * M)
    _answered(
        carol,
        alice,
        MONDAY + timedelta(days=2) + 18 * H + 30 * M,
        timedelta(hours=14, minutes=30),
    )
    _answered(carol, alice, MONDAY - timedelta(days=6) + 8 * H + 10 * M, 10 * M)
    for i in range(3):
        with pytest.raises(Conflict):
            tickets.open_ticket(
                actor=bob, subject="Call", body="Hi", channel="phone", at=MONDAY + (10 + i) * H
            )
