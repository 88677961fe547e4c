"""Groups, skills, seniority and roles: managers shape teams, only admins change roles."""

import pytest

from tierdesk.accounts import teams
from tierdesk.accounts.models import AgentGroup, Role, Skill
from tierdesk.accounts.services import create_user
from tierdesk.audit.models import ConfigChange, Subject
from tierdesk.errors import Conflict, Invalid, NotAllowed


@pytest.fixture
def mia(db):
    return create_user(username="mia", email="mia@desk.example", password=None, role=Role.MANAGER)


def test_a_manager_opens_and_fills_a_group_and_each_step_is_audited(mia, alice, eve):
    group = teams.open_group(actor=mia, name="Tier 2")
    skill = teams.create_skill(actor=mia, name="Networks")
    teams.edit_group(actor=mia, group=group, lead=alice, members=[alice, eve], skills=[skill])
    changes = list(ConfigChange.objects.filter(subject=Subject.GROUP).order_by("id"))
    assert [c.action for c in changes] == ["group created", "group edited"]
    assert changes[1].actor == mia
    assert changes[1].before == {"lead": None, "members": [], "skills": []}
    assert changes[1].after == {
        "lead": "alice",
        "members": ["alice", "eve"],
        "skills": ["Networks"],
    }


def test_customers_cannot_join_a_group_and_nothing_is_written(mia, alice, carol):
    group = AgentGroup.objects.create(name="Tier 2")
    with pytest.raises(Invalid, match="carol is not one"):
        teams.edit_group(actor=mia, group=group, lead=alice, members=[alice, carol], skills=[])
    assert group.members.count() == 0
    assert group.lead is None
    assert not ConfigChange.objects.exists()


def test_duplicate_names_are_refused(mia):
    teams.create_skill(actor=mia, name="Billing")
    with pytest.raises(Conflict):
        teams.create_skill(actor=mia, name="billing")
    teams.open_group(actor=mia, name="Tier 2")
    with pytest.raises(Conflict):
        teams.open_group(actor=mia, name="TIER 2")


def test_a_manager_sets_skills_and_seniority_but_not_a_role(mia, alice):
    billing = Skill.objects.create(name="Billing")
    teams.edit_agent(actor=mia, agent=alice, seniority=1, skills=[billing])
    alice.refresh_from_db()
    assert (alice.seniority, list(alice.skills.all())) == (1, [billing])
    with pytest.raises(NotAllowed, match="Only an admin changes a person's role."):
        teams.edit_agent(actor=mia, agent=alice, seniority=1, skills=[], role=Role.ADMIN)
    alice.refresh_from_db()
    assert alice.role == Role.AGENT
    assert list(alice.skills.all()) == [billing]


def test_an_admin_changes_roles_but_not_their_own(dave, alice):
    teams.edit_agent(actor=dave, agent=alice, seniority=3, skills=[], role=Role.MANAGER)
    alice.refresh_from_db()
    assert alice.role == Role.MANAGER
    change = ConfigChange.objects.get(subject=Subject.AGENT, subject_id=alice.pk)
    assert (change.before, change.after) == ({"role": "agent"}, {"role": "manager"})
    with pytest.raises(Invalid, match="cannot change their own role"):
        teams.edit_agent(actor=dave, agent=dave, seniority=2, skills=[], role=Role.AGENT)


def test_agents_and_customers_change_no_team(alice, carol, eve):
    for actor in (alice, carol):
        with pytest.raises(NotAllowed):
            teams.create_skill(actor=actor, name="Anything")
        with pytest.raises(NotAllowed):
            teams.edit_agent(actor=actor, agent=eve, seniority=3, skills=[])
    assert not Skill.objects.exists()
    assert not ConfigChange.objects.exists()
