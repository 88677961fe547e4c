"""Writes for users and API tokens."""

import hashlib
import secrets
from datetime import timedelta
from functools import cache
from zoneinfo import available_timezones

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tierdesk.accounts.models import AgentGroup, ApiToken, Role, Seniority, User
from tierdesk.accounts.selectors import token_by_digest
from tierdesk.errors import Conflict, Invalid, NotAllowed

TOKEN_PREFIX = "tdk_"  # noqa: S105 - a public marker, not a secret


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _check_zone(time_zone: str) -> None:
    if time_zone not in _zones():
        raise Invalid(
            f"Unknown time zone {time_zone!r}; use an IANA name like Europe/London.",
            fields={"time_zone": "unknown time zone"},
        )


def zone_names() -> list[str]:
    """Every zone a person may choose, sorted: the IANA names this machine knows."""
    return sorted(_zones())


def set_time_zone(*, user: User, time_zone: str) -> User:
    """The zone every time is shown in for this person, on every page and in the API's
    `me`; stored times stay UTC. Anyone sets their own."""
    _check_zone(time_zone)
    if user.time_zone != time_zone:
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
    return user


def token_digest(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough; no salt is needed.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_user(
    *,
    username: str,
    email: str,
    password: str | None,
    role: str = Role.AGENT,
    seniority: int = Seniority.REGULAR,
    first_name: str = "",
    last_name: str = "",
    time_zone: str = "UTC",
) -> User:
    if role not in Role.values:
        raise Invalid(
            f"Unknown role {role!r}; use one of {', '.join(Role.values)}.",
            fields={"role": "unknown role"},
        )
    _check_zone(time_zone)
    if User.objects.filter(username=username).exists():
        raise Conflict(f"A user named {username!r} exists already.", code="duplicate")
    user = User(
        username=username,
        email=email,
        role=role,
        seniority=seniority,
        first_name=first_name,
        last_name=last_name,
        time_zone=time_zone,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise Invalid(
                "Choose a stronger password: " + " ".join(error.messages),
                fields={"password": " ".join(error.messages)},
            ) from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def issue_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:80],
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        digest=token_digest(raw),
        created_at=timezone.now(),
    )
    return token, raw


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: User | None = None) -> ApiToken:
    """Revoke at once; only its owner or an admin may (``actor`` None: the operator's shell)."""
    if actor is not None and actor.pk != token.user_id and not actor.is_tier_admin:
        raise NotAllowed("Only the token's owner or an admin revokes it.")
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    return token


def authenticate_token(raw: str) -> User | None:
    """The active user behind a bearer token, or None; notes when the token was last used."""
    token = token_by_digest(token_digest(raw))
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: a write on every request would serialize SQLite readers.
    if token.last_used_at is None or token.last_used_at < now - timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def create_group(
    *, name: str, lead: User | None = None, members: list[User] | None = None
) -> AgentGroup:
    group = AgentGroup.objects.create(name=name, lead=lead)
    if members:
        group.members.set(members)
    return group
