"""Changing a customer organization: its account facts and its tier, together or apart,
in one transaction, so a refused part leaves the whole unchanged.

The tier is not an account fact like the others: moving it re-targets the clocks of the
organization's open tickets (``move_organization_to_tier``), so it lives above both the
customers' services and the tickets'.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tierdesk.accounts.models import User
from tierdesk.audit.models import Subject
from tierdesk.audit.services import record_change
from tierdesk.customers.models import Organization
from tierdesk.customers.services import edit_organization
from tierdesk.tickets.services import move_organization_to_tier
from tierdesk.tiers.models import Tier


@transaction.atomic
def change_organization(
    *,
    actor: User,
    organization: Organization,
    changes: dict[str, Any],
    tier: Tier | None = None,
    at: datetime | None = None,
) -> int:
    """Apply account changes and, when ``tier`` differs, re-tier the organization and its
    open tickets. Returns how many open tickets moved to the new tier. Each part checks
    that the actor is a manager or an admin."""
    now = at or timezone.now()
    # The stored row decides, not the caller's copy (a form may have set its fields already).
    current = (
        Organization.objects.select_for_update().select_related("tier").get(pk=organization.pk)
    )
    if changes:
        current = edit_organization(actor=actor, organization=current, changes=changes, at=now)
    if tier is None or tier.pk == current.tier_id:
        return 0
    before = current.tier.name
    moved = move_organization_to_tier(actor=actor, organization=current, tier=tier, at=now)
    record_change(
        actor=actor,
        at=now,
        subject=Subject.ORGANIZATION,
        subject_id=current.pk,
        action=f"tier changed ({moved} open ticket{'s' if moved != 1 else ''} moved)",
        before={"tier": before},
        after={"tier": tier.name},
    )
    return moved
