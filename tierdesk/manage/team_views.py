"""Groups and agents: who works in which group, with which skills, at which seniority."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tierdesk.accounts import teams
from tierdesk.accounts.access import may_change_roles
from tierdesk.accounts.selectors import team_for
from tierdesk.errors import TierdeskError
from tierdesk.manage.access import configurer_required
from tierdesk.manage.refusals import show_refusal
from tierdesk.manage.team_forms import AgentForm, GroupForm, NewGroupForm, SkillForm


def _page(request: HttpRequest, bound: forms.Form | None = None, status: int = 200) -> HttpResponse:
    """The page with every group's and agent's form; ``bound`` replaces the one it was for."""
    team = team_for(actor=request.user)  # type: ignore[arg-type]
    may_roles = may_change_roles(request.user)  # type: ignore[arg-type]
    group_forms = [
        bound
        if isinstance(bound, GroupForm) and bound.group.pk == g.pk
        else GroupForm(group=g, staff=team.staff, skills=team.skills)
        for g in team.groups
    ]
    agent_forms = [
        bound
        if isinstance(bound, AgentForm) and bound.agent.pk == a.pk
        else AgentForm(agent=a, skills=team.skills, may_change_role=may_roles)
        for a in team.staff
    ]
    context = {
        "group_forms": group_forms,
        "agent_forms": agent_forms,
        "skill_form": bound if isinstance(bound, SkillForm) else SkillForm(),
        "group_form": bound if isinstance(bound, NewGroupForm) else NewGroupForm(),
        "has_skills": bool(team.skills),
        "may_change_roles": may_roles,
    }
    return render(request, "manage/team.html", context, status=status)


@configurer_required
def team_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _save(request: HttpRequest, form: forms.Form, write, done: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        write()
    except TierdeskError as error:
        show_refusal(form, error)
        return _page(request, form, status=error.status)
    messages.success(request, done)
    return redirect("manage:team")


@require_POST
@configurer_required
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    team = team_for(actor=request.user)  # type: ignore[arg-type]
    group = next((g for g in team.groups if g.pk == group_id), None)
    if group is None:
        raise Http404("No such group.")
    form = GroupForm(request.POST, group=group, staff=team.staff, skills=team.skills)
    return _save(
        request,
        form,
        lambda: teams.edit_group(actor=request.user, group=group, **form.edits()),
        f"{group.name}: saved.",
    )


@require_POST
@configurer_required
def agent_edit(request: HttpRequest, agent_id: int) -> HttpResponse:
    team = team_for(actor=request.user)  # type: ignore[arg-type]
    agent = next((a for a in team.staff if a.pk == agent_id), None)
    if agent is None:
        raise Http404("No such agent.")
    form = AgentForm(
        request.POST,
        agent=agent,
        skills=team.skills,
        may_change_role=may_change_roles(request.user),  # type: ignore[arg-type]
    )
    return _save(
        request,
        form,
        lambda: teams.edit_agent(actor=request.user, agent=agent, **form.edits()),
        f"{agent.get_full_name() or agent.username}: saved.",
    )


@require_POST
@configurer_required
def skill_create(request: HttpRequest) -> HttpResponse:
    form = SkillForm(request.POST)
    return _save(
        request,
        form,
        lambda: teams.create_skill(actor=request.user, name=form.cleaned_data["name"]),
        "Skill added.",
    )


@require_POST
@configurer_required
def group_create(request: HttpRequest) -> HttpResponse:
    form = NewGroupForm(request.POST)
    return _save(
        request,
        form,
        lambda: teams.open_group(actor=request.user, name=form.cleaned_data["name"]),
        "Group added: choose its lead, members and skills.",
    )
