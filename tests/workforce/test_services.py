"""Agent status and rosters: who may write what, and refusals that write nothing."""

from datetime import time

import pytest

from tierdesk.errors import Conflict, Invalid, NotAllowed
from tierdesk.workforce.models import AgentStatusEvent, Roster, RosterShift
from tierdesk.workforce.services import create_roster, set_agent_status

from .conftest import NOW


def test_an_agent_sets_their_own_status(alice):
    event = set_agent_status(actor=alice, agent=alice, status="busy", at=NOW)
    assert (event.agent, event.status, event.at, event.set_by) == (alice, "busy", NOW, alice)


def test_an_agent_cannot_set_another_agents_status(alice, eve):
    with pytest.raises(NotAllowed, match="only their own status"):
        set_agent_status(actor=alice, agent=eve, status="break")
    assert not AgentStatusEvent.objects.exists()


def test_a_manager_sets_an_agents_status(maria, eve):
    event = set_agent_status(actor=maria, agent=eve, status="offline", at=NOW)
    assert event.set_by == maria


def test_a_customer_has_no_status_on_the_floor(carol):
    with pytest.raises(NotAllowed):
        set_agent_status(actor=carol, agent=carol, status="available")
    assert not AgentStatusEvent.objects.exists()


def test_an_unknown_status_is_refused_naming_the_field(alice):
    with pytest.raises(Invalid) as error:
        set_agent_status(actor=alice, agent=alice, status="napping")
    assert "status" in error.value.fields
    assert not AgentStatusEvent.objects.exists()


def test_a_roster_keeps_its_shifts(maria, alice):
    roster = create_roster(
        actor=maria,
        name="Nights",
        time_zone="Europe/London",
        shifts=[(alice, 0, time(22), time(6))],
        at=NOW,
    )
    shift = RosterShift.objects.get(roster=roster)
    assert (shift.agent, shift.weekday, shift.start, shift.end) == (alice, 0, time(22), time(6))


def test_an_empty_roster_is_refused_and_nothing_is_written(maria):
    with pytest.raises(Invalid) as error:
        create_roster(actor=maria, name="Ghost", time_zone="Europe/London", shifts=[])
    assert error.value.fields == {"shifts": "empty roster"}
    assert not Roster.objects.exists()


def test_a_roster_with_a_bad_zone_or_weekday_is_refused(maria, alice):
    with pytest.raises(Invalid) as zone:
        create_roster(
            actor=maria, name="X", time_zone="Mars/Olympus", shifts=[(alice, 0, time(9), time(17))]
        )
    assert "time_zone" in zone.value.fields
    with pytest.raises(Invalid) as weekday:
        create_roster(
            actor=maria, name="X", time_zone="UTC", shifts=[(alice, 7, time(9), time(17))]
        )
    assert "shifts.0.weekday" in weekday.value.fields
    assert not Roster.objects.exists()


def test_two_rosters_cannot_share_a_name(maria, alice):
    shifts = [(alice, 0, time(9), time(17))]
    create_roster(actor=maria, name="Same", time_zone="UTC", shifts=shifts)
    with pytest.raises(Conflict):
        create_roster(actor=maria, name="Same", time_zone="UTC", shifts=shifts)
    assert Roster.objects.count() == 1


def test_only_managers_and_admins_write_rosters(alice):
    with pytest.raises(NotAllowed):
        create_roster(
            actor=alice, name="Mine", time_zone="UTC", shifts=[(alice, 0, time(9), time(17))]
        )
    assert not Roster.objects.exists()
