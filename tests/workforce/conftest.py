"""Workforce fixtures: a manager, ticket history with a weekly shape, a roster."""

from datetime import UTC, datetime, time, timedelta

import numpy as np
import pytest
from django.core.cache import cache

from tierdesk.accounts.models import Role, Seniority
from tierdesk.accounts.services import create_user
from tierdesk.tickets.models import Ticket
from tierdesk.workforce.services import create_roster

# "Now" for planning tests: a Monday 00:00 UTC, four weeks after the history starts.
NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
HISTORY_START = NOW - timedelta(weeks=4)


@pytest.fixture(autouse=True)
def _fresh_forecast_cache():
    # Forecasts are cached per ticket count; ids repeat across rolled-back tests on SQLite.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def maria(db):
    return create_user(
        username="maria",
        email="maria@desk.example",
        password="pw-maria-123",
        role=Role.MANAGER,
        seniority=Seniority.SENIOR,
    )


@pytest.fixture
def history(carol, acme):
    """Four weeks of Premium tickets: 4 an hour 09-17 on weekdays, 1 an hour otherwise.

    Written in bulk (a fixture, not a use case): 2,000 tickets through the services would
    take minutes and test nothing here.
    """
    contact = carol.contact
    rows = []
    for hour in range(28 * 24):
        at = HISTORY_START + timedelta(hours=hour)
        busy = at.weekday() < 5 and 9 <= at.hour < 17
        for k in range(4 if busy else 1):
            channel = ("email", "web", "chat", "phone")[k % 4] if busy else "email"
            rows.append(
                Ticket(
                    subject="History",
                    requester=contact,
                    organization=acme,
                    tier=acme.tier,
                    channel=channel,
                    created_at=at + timedelta(minutes=7 * k),
                    updated_at=at + timedelta(minutes=7 * k),
                )
            )
    Ticket.objects.bulk_create(rows)
    return rows


@pytest.fixture
def weekday_roster(maria, alice, eve):
    """alice (senior) and eve (junior) Monday to Friday 09-17 London."""
    shifts = [(a, d, time(9), time(17)) for a in (alice, eve) for d in range(5)]
    return create_roster(actor=maria, name="Weekdays", time_zone="Europe/London", shifts=shifts)


def hourly(values):
    return [float(v) for v in np.asarray(values, dtype=float)]
