"""Live-contact fixtures: a Standard customer who phones (Initech) beside the shared personas."""

import pytest

from tests.conftest import T0
from tierdesk.customers.services import create_contact, create_organization


@pytest.fixture
def initech(tiers):
    return create_organization(actor=None, name="Initech", tier=tiers["Standard"], at=T0)


@pytest.fixture
def peter(initech):
    return create_contact(
        actor=None,
        organization=initech,
        name="Peter",
        email="peter@initech.example",
        phone="+44 20 7946 0001",
        at=T0,
    )


@pytest.fixture
def umbrella(tiers):
    return create_organization(actor=None, name="Umbrella", tier=tiers["VIP"], at=T0)


@pytest.fixture
def vera(umbrella):
    return create_contact(
        actor=None,
        organization=umbrella,
        name="Vera",
        email="vera@umbrella.example",
        phone="+44 20 7946 0002",
        at=T0,
    )
