"""The one writer of the configuration audit trail, called inside each service's transaction."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tierdesk.accounts.models import User
from tierdesk.audit.models import ConfigChange


def changed_only(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys whose values differ, from each side: what a reader of the history needs."""
    keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return (
        {k: before[k] for k in keys if k in before},
        {k: after[k] for k in keys if k in after},
    )


def record_change(
    *,
    actor: User | None,
    at: datetime,
    subject: str,
    subject_id: int,
    action: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> ConfigChange | None:
    """Audit one change; a save that changed nothing leaves no entry."""
    old, new = changed_only(before, after)
    if not old and not new:
        return None
    return ConfigChange.objects.create(
        at=at,
        actor=actor,
        subject=subject,
        subject_id=subject_id,
        action=action,
        before=old,
        after=new,
    )


def flat(rules: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested rules as dotted keys (targets.high.resolution.target_seconds), so that a diff
    names the one value that changed rather than a whole table."""
    out: dict[str, Any] = {}
    for key, value in rules.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(flat(value, f"{name}."))
        else:
            out[name] = value
    return out
