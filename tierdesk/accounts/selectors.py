"""Reads for users and API tokens."""

from datetime import timedelta

from django.utils import timezone

from tierdesk.accounts.models import ApiToken, User
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
