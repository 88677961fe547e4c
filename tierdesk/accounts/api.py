"""Who am I: the signed-in user as the API sees them."""

from django.http import HttpRequest
from ninja import Router

from tierdesk.schemas import Out

router = Router(tags=["accounts"])


class MeOut(Out):
    id: int
    username: str
    email: str
    role: str
    time_zone: str
    organization_id: int | None


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = request.auth
    contact = getattr(user, "contact", None)
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "role": user.role,
        "time_zone": user.time_zone,
        "organization_id": contact.organization_id if contact else None,
    }
