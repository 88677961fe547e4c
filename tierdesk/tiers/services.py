"""Writes for tiers: only admins change what a tier promises."""

from typing import Any

from django.db import transaction

from tierdesk.accounts.models import User
from tierdesk.errors import Conflict, Invalid, NotAllowed
from tierdesk.tiers.models import (
    BusinessCalendar,
    Channel,
    ChannelCoverage,
    Metric,
    Priority,
    SlaTarget,
    Tier,
)

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


def _only_tier_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - TIER_FIELDS
    if unknown:
        raise Invalid(
            f"These tier fields cannot be set here: {', '.join(sorted(unknown))}.",
            fields={name: "not settable" for name in unknown},
        )


@transaction.atomic
def update_tier(*, actor: User, tier: Tier, changes: dict[str, Any]) -> Tier:
    _require_admin(actor)
    _only_tier_fields(changes)
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


@transaction.atomic
def create_tier(*, actor: User, name: str, rank: int, fields: dict[str, Any]) -> Tier:
    """A new tier with no channels or targets yet: add coverage and targets next."""
    _require_admin(actor)
    _only_tier_fields(fields)
    if Tier.objects.filter(name__iexact=name).exists():
        raise Conflict(
            f"A tier named {name!r} exists already.", code="duplicate", fields={"name": "taken"}
        )
    if Tier.objects.filter(rank=rank).exists():
        raise Conflict(
            f"Rank {rank} is taken; ranks order the tiers and are unique.",
            code="duplicate",
            fields={"rank": "taken"},
        )
    tier = Tier(name=name, rank=rank, **fields)
    tier.full_clean()
    tier.save()
    return tier


@transaction.atomic
def set_coverage(
    *, actor: User, tier: Tier, channel: str, calendar: BusinessCalendar
) -> ChannelCoverage:
    """Include a channel in the tier, staffed on `calendar`; new clocks use it."""
    _require_admin(actor)
    if channel not in Channel.values:
        raise Invalid(
            f"Unknown channel {channel!r}; use one of {', '.join(Channel.values)}.",
            fields={"channel": "unknown channel"},
        )
    coverage, _ = ChannelCoverage.objects.update_or_create(
        tier=tier, channel=channel, defaults={"calendar": calendar}
    )
    return coverage


@transaction.atomic
def remove_coverage(*, actor: User, tier: Tier, channel: str) -> None:
    """Drop a channel: contacts through it are refused politely from now on."""
    _require_admin(actor)
    ChannelCoverage.objects.filter(tier=tier, channel=channel).delete()
