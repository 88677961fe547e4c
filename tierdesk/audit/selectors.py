"""Reads of the configuration audit trail."""

from django.db.models import QuerySet

from tierdesk.accounts.access import require_configurer
from tierdesk.accounts.models import User
from tierdesk.audit.models import ConfigChange


def history_of(
    *, actor: User, subject: str, subject_id: int, limit: int = 50
) -> QuerySet[ConfigChange]:
    """The latest changes to one tier, calendar, group or agent, newest first."""
    require_configurer(actor)
    return (
        ConfigChange.objects.filter(subject=subject, subject_id=subject_id)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
