"""Who may change the desk's configuration: one answer for services, pages and the API.

Managers and admins shape the service (tiers, calendars, groups, agents' skills and
seniority); only admins change who holds which role, since a role grants these rights.
"""

from tierdesk.accounts.models import Role, User
from tierdesk.errors import NotAllowed

CONFIGURERS = (Role.ADMIN, Role.MANAGER)


def may_configure(user: User) -> bool:
    """Tiers, calendars, groups and skills: managers and admins."""
    return user.is_authenticated and user.role in CONFIGURERS


def may_change_roles(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def require_configurer(user: User) -> None:
    if not may_configure(user):
        raise NotAllowed("Only managers and admins change tiers, calendars, groups and skills.")


def require_role_changer(user: User) -> None:
    if not may_change_roles(user):
        raise NotAllowed("Only an admin changes a person's role.")
