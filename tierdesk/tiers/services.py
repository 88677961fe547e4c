"""Writes for tiers: only admins change what a tier promises."""

from typing import Any

from django.db import transaction

from tierdesk.accounts.models import User
from tierdesk.errors import Invalid, NotAllowed
from tierdesk.tiers.models import Channel, Metric, Priority, SlaTarget, Tier

TIER_FIELDS = {
    "description",
    "support_scope",
    "routing_priority",
    "proactive_care",
    "account_manager_required",
    "min_seniority",
    "phone_answer_target_seconds",
}


def _require_admin(actor: User) -> None:
    if not actor.is_tier_admin:
        raise NotAllowed("Only an admin can change tiers.")


@transaction.atomic
def update_tier(*, actor: User, tier: Tier, changes: dict[str, Any]) -> Tier:
    _require_admin(actor)
    unknown = set(changes) - TIER_FIELDS
    if unknown:
        raise Invalid(
            f"These tier fields cannot be changed here: {', '.join(sorted(unknown))}.",
            fields={name: "not changeable" for name in unknown},
        )
    tier = Tier.objects.select_for_update().get(pk=tier.pk)
    for name, value in changes.items():
        setattr(tier, name, value)
    tier.full_clean()
    tier.save(update_fields=list(changes))
    return tier


@transaction.atomic
def set_target(
    *,
    actor: User,
    tier: Tier,
    priority: str,
    metric: str,
    target_seconds: int,
    business_time: bool,
    warn_percent: int = 75,
) -> SlaTarget:
    _require_admin(actor)
    if priority not in Priority.values or metric not in Metric.values:
        raise Invalid(
            "Unknown priority or metric.", fields={"priority": priority, "metric": metric}
        )
    if target_seconds <= 0 or not 0 < warn_percent < 100:
        raise Invalid(
            "A target must be positive and its warning between 1 and 99 percent.",
            fields={"target_seconds": "must be > 0", "warn_percent": "must be 1..99"},
        )
    target, _ = SlaTarget.objects.update_or_create(
        tier=tier,
        priority=priority,
        metric=metric,
        defaults={
            "target_seconds": target_seconds,
            "business_time": business_time,
            "warn_percent": warn_percent,
        },
    )
    return target


@transaction.atomic
def remove_target(*, actor: User, tier: Tier, priority: str, metric: str) -> None:
    _require_admin(actor)
    SlaTarget.objects.filter(tier=tier, priority=priority, metric=metric).delete()


def channel_choice(channel: str) -> Channel:
    try:
        return Channel(channel)
    except ValueError:
        raise Invalid(
            f"Unknown channel {channel!r}; use one of {', '.join(Channel.values)}.",
            fields={"channel": "unknown channel"},
        ) from None
