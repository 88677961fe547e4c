"""Reads for users and API tokens."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tierdesk.accounts.access import require_configurer
from tierdesk.accounts.models import STAFF_ROLES, AgentGroup, ApiToken, Skill, User
from tierdesk.compiled import Compiled
from tierdesk.errors import Invalid, NotAllowed, NotFound

if TYPE_CHECKING:
    from tierdesk.tickets.models import Ticket


# Every API request asks this: compiled once, not per request. (The user's being active is
# checked on the row read: as a condition it compiles to a parameter on SQLite only.)
_unrevoked_token = Compiled(
    lambda params: (
        ApiToken.objects.select_related("user", "user__contact")
        .filter(digest=params[0], revoked_at=None)
        .order_by("pk")[:1]
    )
)


def token_by_digest(digest: str) -> ApiToken | None:
    """The live token with this digest, with its active user, or None."""
    found = _unrevoked_token.run((digest,))
    return found[0] if found and found[0].user.is_active else None


def tokens_for(*, actor: User, user_id: int | None = None) -> QuerySet[ApiToken]:
    """The tokens ``actor`` may list: their own; an admin's, anyone's (or one user's)."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if actor.is_tier_admin:
        return tokens if user_id is None else tokens.filter(user_id=user_id)
    if user_id is not None and user_id != actor.pk:
        raise NotAllowed("Only an admin lists another user's tokens.")
    return tokens.filter(user=actor)


def token_for(*, actor: User, token_id: int) -> ApiToken:
    token = tokens_for(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound("No such token.")
    return token


def user_named_in_body(*, user_id: int) -> User:
    """The user a request body names by id; an unknown id is a field error, not a missing page."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Invalid(f"No active user {user_id}.", fields={"user_id": "no such active user"})
    return user


def staff_named_in_body(*, user_id: int, field: str) -> User:
    """An active agent, manager or admin a request body names; anyone else is a field error."""
    user = User.objects.filter(pk=user_id, is_active=True, role__in=STAFF_ROLES).first()
    if user is None:
        raise Invalid(f"No active staff member {user_id}.", fields={field: "no such staff"})
    return user


def user_for_admin(*, actor: User, user_id: int) -> User:
    """Any user, for an admin's account actions; others are told no before any lookup."""
    if not actor.is_tier_admin:
        raise NotAllowed("Only an admin manages other users' accounts.")
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"No user {user_id}.")
    return user


def operator_tokens(*, username: str | None = None) -> QuerySet[ApiToken]:
    """Every token, or one user's, newest first: what the operator's shell may list."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    return tokens if username is None else tokens.filter(user__username=username)


def eligible_agents(*, ticket: "Ticket | None") -> QuerySet[User]:
    """Active agents, senior enough for the ticket's tier when a ticket is given."""
    qs = User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by(
        "first_name", "username"
    )
    if ticket is not None:
        qs = qs.filter(seniority__gte=ticket.tier.min_seniority)
    return qs


@dataclass(frozen=True, slots=True)
class Team:
    groups: list[AgentGroup]
    staff: list[User]
    skills: list[Skill]


def team_for(*, actor: User) -> Team:
    """Every group (lead, members, skills), every active staff member and skill: 6 queries."""
    require_configurer(actor)
    groups = AgentGroup.objects.order_by("name").prefetch_related("members", "skills")
    staff = (
        User.objects.filter(is_active=True, role__in=STAFF_ROLES)
        .order_by("first_name", "username")
        .prefetch_related("skills")
    )
    return Team(groups=list(groups), staff=list(staff), skills=list(Skill.objects.order_by("name")))
