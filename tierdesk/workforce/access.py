"""Who may use workforce planning: managers and admins plan; every agent sets their own status."""

from tierdesk.accounts.models import Role, User
from tierdesk.errors import NotAllowed

PLANNER_ROLES = (Role.ADMIN, Role.MANAGER)


def is_planner(user: User) -> bool:
    return user.is_authenticated and user.role in PLANNER_ROLES


def require_planner(user: User) -> None:
    if not is_planner(user):
        raise NotAllowed("Only managers and admins can see and change workforce plans.")


def require_status_setter(*, actor: User, agent: User) -> None:
    """Agents set their own status; managers and admins may set anyone's on the floor."""
    if actor.pk == agent.pk and actor.is_agent:
        return
    if is_planner(actor):
        return
    raise NotAllowed("Agents can set only their own status; ask a manager to change another's.")
