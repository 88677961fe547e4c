"""Who may see and generate tier reviews: managers and admins."""

from tierdesk.accounts.models import Role, User
from tierdesk.errors import NotAllowed

REVIEWER_ROLES = (Role.ADMIN, Role.MANAGER)


def is_reviewer(user: User) -> bool:
    return user.is_authenticated and user.role in REVIEWER_ROLES


def require_reviewer(user: User) -> None:
    if not is_reviewer(user):
        raise NotAllowed("Only managers and admins can see and generate tier reviews.")
