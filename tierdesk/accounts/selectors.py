"""Reads for users and API tokens."""

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from tierdesk.accounts.models import STAFF_ROLES, ApiToken, User

if TYPE_CHECKING:
    from tierdesk.tickets.models import Ticket
from tierdesk.accounts.services import token_digest


def token_user(raw: str) -> User | None:
    """The active user behind a bearer token, or None."""
    token = (
        ApiToken.objects.select_related("user", "user__contact")
        .filter(digest=token_digest(raw), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: a write on every request would serialize SQLite readers.
    if token.last_used_at is None or token.last_used_at < now - timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def eligible_agents(*, ticket: "Ticket | None") -> QuerySet[User]:
    """Active agents, senior enough for the ticket's tier when a ticket is given."""
    qs = User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by(
        "first_name", "username"
    )
    if ticket is not None:
        qs = qs.filter(seniority__gte=ticket.tier.min_seniority)
    return qs
