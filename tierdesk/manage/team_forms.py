"""The groups-and-agents page's forms: a group's lead, members and skills; an agent's
seniority, skills and (for admins) role; a new skill."""

from typing import Any

from django import forms

from tierdesk.accounts.models import AgentGroup, Role, Seniority, Skill, User

STAFF_CHOICES = [(Role.AGENT, "Agent"), (Role.MANAGER, "Manager"), (Role.ADMIN, "Admin")]


def _person(user: User) -> str:
    return user.get_full_name() or user.username


class GroupForm(forms.Form):
    lead = forms.TypedChoiceField(label="Lead", coerce=int, required=False, empty_value=None)
    members = forms.TypedMultipleChoiceField(
        label="Members", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.TypedMultipleChoiceField(
        label="Skills", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, group: AgentGroup, staff: list[User], skills: list[Skill], **kwargs: Any
    ):
        kwargs.setdefault("prefix", f"group-{group.pk}")
        kwargs.setdefault(
            "initial",
            {
                "lead": group.lead_id,
                "members": [m.pk for m in group.members.all()],
                "skills": [s.pk for s in group.skills.all()],
            },
        )
        super().__init__(*args, **kwargs)
        self.group = group
        self.staff = {u.pk: u for u in staff}
        self.all_skills = {s.pk: s for s in skills}
        people = [(u.pk, _person(u)) for u in staff]
        self.fields["lead"].choices = [("", "Nobody"), *people]  # type: ignore[attr-defined]
        self.fields["members"].choices = people  # type: ignore[attr-defined]
        self.fields["skills"].choices = [(s.pk, s.name) for s in skills]  # type: ignore[attr-defined]

    def edits(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "lead": self.staff.get(data["lead"]) if data["lead"] else None,
            "members": [self.staff[i] for i in data["members"]],
            "skills": [self.all_skills[i] for i in data["skills"]],
        }


class AgentForm(forms.Form):
    seniority = forms.TypedChoiceField(label="Seniority", coerce=int, choices=Seniority.choices)
    skills = forms.TypedMultipleChoiceField(
        label="Skills", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    role = forms.ChoiceField(label="Role", choices=STAFF_CHOICES)

    def __init__(
        self, *args: Any, agent: User, skills: list[Skill], may_change_role: bool, **kwargs: Any
    ):
        kwargs.setdefault("prefix", f"agent-{agent.pk}")
        kwargs.setdefault(
            "initial",
            {
                "seniority": agent.seniority,
                "skills": [s.pk for s in agent.skills.all()],
                "role": agent.role,
            },
        )
        super().__init__(*args, **kwargs)
        self.agent = agent
        self.all_skills = {s.pk: s for s in skills}
        self.fields["skills"].choices = [(s.pk, s.name) for s in skills]  # type: ignore[attr-defined]
        if not may_change_role:
            del self.fields["role"]

    def edits(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "seniority": data["seniority"],
            "skills": [self.all_skills[i] for i in data["skills"]],
            "role": data.get("role"),
        }


class SkillForm(forms.Form):
    name = forms.CharField(label="New skill", max_length=80)


class NewGroupForm(forms.Form):
    name = forms.CharField(label="New group", max_length=80)
