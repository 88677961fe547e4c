"""Who am I, and my API tokens: the signed-in user as the API sees them."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Status

from tierdesk.accounts import selectors, services, two_factor
from tierdesk.accounts.models import User
from tierdesk.schemas import In, Out

router = Router(tags=["accounts"])


class MeOut(Out):
    id: int
    username: str
    email: str
    role: str
    time_zone: str
    organization_id: int | None


class MePatchIn(In):
    time_zone: str = Field(min_length=1, max_length=64, description="an IANA name")


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    return _me(request.auth)


@router.patch("/me", response=MeOut)
def update_me(request: HttpRequest, body: MePatchIn) -> dict[str, object]:
    """What a person sets for themselves: the time zone their times are shown in."""
    return _me(services.set_time_zone(user=request.auth, time_zone=body.time_zone))


def _me(user: User) -> dict[str, object]:
    contact = getattr(user, "contact", None)
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "role": user.role,
        "time_zone": user.time_zone,
        "organization_id": contact.organization_id if contact else None,
    }


class TokenOut(Out):
    id: int
    name: str
    prefix: str
    user_id: int
    username: str = Field(alias="user.username")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str  # shown once: only a digest is kept


class TokenIn(In):
    name: str = Field(min_length=1, max_length=80)


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest, user_id: int | None = None) -> object:
    return list(selectors.tokens_for(actor=request.auth, user_id=user_id))


@router.post("/tokens", response={201: NewTokenOut})
def create_token(request: HttpRequest, body: TokenIn) -> Status[object]:
    token, raw = services.issue_token(user=request.auth, name=body.name)
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{token_id}", response=TokenOut)
def revoke_token(request: HttpRequest, token_id: int) -> object:
    token = selectors.token_for(actor=request.auth, token_id=token_id)
    return services.revoke_token(token=token, actor=request.auth)


class TwoFactorOut(Out):
    user_id: int
    two_factor: bool


@router.delete("/users/{user_id}/two-factor", response=TwoFactorOut)
def reset_two_factor(request: HttpRequest, user_id: int) -> dict[str, object]:
    """Recovery for a lost phone: an admin clears a user's two-factor sign-in."""
    user = selectors.user_for_admin(actor=request.auth, user_id=user_id)
    two_factor.reset(actor=request.auth, user=user)
    return {"user_id": user.pk, "two_factor": two_factor.is_on(user)}
