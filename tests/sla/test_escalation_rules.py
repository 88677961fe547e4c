"""A tier's escalation rules, added and removed by managers, audited, refused when unsound."""

import pytest

from tierdesk.accounts.models import AgentGroup, Role
from tierdesk.accounts.services import create_user
from tierdesk.audit.models import ConfigChange, Subject
from tierdesk.errors import Invalid, NotAllowed
from tierdesk.sla.escalation_rules import add_escalation_rule, remove_escalation_rule
from tierdesk.sla.models import EscalationRule


@pytest.fixture
def mia(db):
    return create_user(username="mia", email="mia@desk.example", password=None, role=Role.MANAGER)


def test_a_manager_adds_and_removes_a_rule_and_both_are_audited(mia, tiers):
    basic = tiers["Basic"]
    group = AgentGroup.objects.create(name="Tier 2")
    rule = add_escalation_rule(
        actor=mia, tier=basic, on="breach", metric="", action="reassign_to_group", group=group
    )
    remove_escalation_rule(actor=mia, tier=basic, rule_id=rule.pk)
    assert not EscalationRule.objects.filter(tier=basic).exists()
    changes = ConfigChange.objects.filter(subject=Subject.TIER, subject_id=basic.pk).order_by("id")
    said = "on breach of any metric: reassign to a group Tier 2"
    assert [(c.action, c.before, c.after) for c in changes] == [
        ("escalation rule added", {}, {f"escalation.{rule.pk}": said}),
        ("escalation rule removed", {f"escalation.{rule.pk}": said}, {}),
    ]


def test_reassigning_without_a_group_is_refused_by_its_field(mia, tiers):
    with pytest.raises(Invalid) as refused:
        add_escalation_rule(
            actor=mia,
            tier=tiers["Basic"],
            on="warning",
            metric="first_response",
            action="reassign_to_group",
            group=None,
        )
    assert refused.value.fields == {"group": "reassigning needs a group"}
    assert not EscalationRule.objects.exists()
    assert not ConfigChange.objects.exists()


def test_agents_may_not_add_rules(alice, tiers):
    with pytest.raises(NotAllowed):
        add_escalation_rule(
            actor=alice,
            tier=tiers["Basic"],
            on="breach",
            metric="",
            action="notify_assignee",
            group=None,
        )
    assert not EscalationRule.objects.exists()
