"""Writes for agent groups, skills, agents' seniority and roles: managers shape teams, only
admins change roles. Every change is audited in its transaction (who, when, before, after)."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from tierdesk.accounts.access import require_configurer, require_role_changer
from tierdesk.accounts.models import STAFF_ROLES, AgentGroup, Role, Seniority, Skill, User
from tierdesk.audit.models import Subject
from tierdesk.audit.services import record_change
from tierdesk.errors import Conflict, Invalid


def _check_staff(people: Sequence[User], field: str) -> None:
    outsiders = sorted(u.username for u in people if u.role not in STAFF_ROLES)
    if outsiders:
        raise Invalid(
            f"Only agents, managers and admins work in groups; {', '.join(outsiders)} is not one.",
            fields={field: "not staff"},
        )


def _named(actor: User, model: type[Skill] | type[AgentGroup], subject: str, name: str):  # type: ignore[no-untyped-def]
    """A new skill or group: a name, unique whatever its case, and its audit entry."""
    require_configurer(actor)
    name = name.strip()
    if not name:
        raise Invalid(f"A {subject} needs a name.", fields={"name": "required"})
    if model.objects.filter(name__iexact=name).exists():
        raise Conflict(
            f"A {subject} named {name!r} exists already.",
            code="duplicate",
            fields={"name": "taken"},
        )
    row = model.objects.create(name=name[:80])
    record_change(
        actor=actor,
        at=timezone.now(),
        subject=subject,
        subject_id=row.pk,
        action=f"{subject} created",
        before={},
        after={"name": row.name},
    )
    return row


@transaction.atomic
def create_skill(*, actor: User, name: str) -> Skill:
    skill: Skill = _named(actor, Skill, Subject.SKILL, name)
    return skill


@transaction.atomic
def open_group(*, actor: User, name: str) -> AgentGroup:
    """A new, empty agent group: add its lead, members and skills with edit_group."""
    group: AgentGroup = _named(actor, AgentGroup, Subject.GROUP, name)
    return group


@transaction.atomic
def edit_group(
    *,
    actor: User,
    group: AgentGroup,
    lead: User | None,
    members: Sequence[User],
    skills: Sequence[Skill],
) -> AgentGroup:
    """Replace a group's lead, members and skills together."""
    require_configurer(actor)
    _check_staff([*members, *([lead] if lead else [])], "members")
    group = AgentGroup.objects.select_for_update().get(pk=group.pk)
    before = _group_facts(group)
    group.lead = lead
    group.save(update_fields=["lead"])
    group.members.set(members)
    group.skills.set(skills)
    record_change(
        actor=actor,
        at=timezone.now(),
        subject=Subject.GROUP,
        subject_id=group.pk,
        action="group edited",
        before=before,
        after=_group_facts(group),
    )
    return group


def _group_facts(group: AgentGroup) -> dict[str, object]:
    return {
        "lead": group.lead.username if group.lead else None,
        "members": sorted(group.members.values_list("username", flat=True)),
        "skills": sorted(group.skills.values_list("name", flat=True)),
    }


@transaction.atomic
def edit_agent(
    *, actor: User, agent: User, seniority: int, skills: Sequence[Skill], role: str | None = None
) -> User:
    """An agent's seniority and skills (managers and admins); their role (admins only)."""
    require_configurer(actor)
    if role is not None and role != agent.role:
        require_role_changer(actor)
        if role not in Role.values:
            raise Invalid(
                f"Unknown role {role!r}; use one of {', '.join(Role.values)}.",
                fields={"role": "unknown role"},
            )
        if agent.pk == actor.pk:
            raise Invalid(
                "An admin cannot change their own role; ask another admin.",
                fields={"role": "your own"},
            )
    if seniority not in Seniority.values:
        raise Invalid(
            "Seniority is junior (1), regular (2) or senior (3).",
            fields={"seniority": "unknown seniority"},
        )
    agent = User.objects.select_for_update().get(pk=agent.pk)
    if agent.role not in STAFF_ROLES:
        raise Invalid(
            "Only agents, managers and admins have skills and seniority.",
            fields={"agent": "not staff"},
        )
    before = _agent_facts(agent)
    agent.seniority = seniority
    fields = ["seniority"]
    if role is not None:
        agent.role = role
        fields.append("role")
    agent.save(update_fields=fields)
    agent.skills.set(skills)
    record_change(
        actor=actor,
        at=timezone.now(),
        subject=Subject.AGENT,
        subject_id=agent.pk,
        action="agent edited",
        before=before,
        after=_agent_facts(agent),
    )
    return agent


def _agent_facts(agent: User) -> dict[str, object]:
    return {
        "role": agent.role,
        "seniority": Seniority(agent.seniority).label,
        "skills": sorted(agent.skills.values_list("name", flat=True)),
    }
