"""The terms a clock runs under: the tier policy and calendar versions in force at an instant.

Versions are immutable, so what is cached per version id never goes stale.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from tierdesk.domain.sla import UTC, Calendar
from tierdesk.errors import NotFound
from tierdesk.tiers.calendars import calendar_from_rules
from tierdesk.tiers.models import CalendarVersion, Channel, TierPolicyVersion

CALENDAR_TIME = Calendar.twenty_four_seven(UTC)


@dataclass(frozen=True, slots=True)
class Terms:
    target_seconds: int
    business_time: bool
    warn_percent: int
    calendar_version_id: int | None  # None: calendar time (24/7)
    policy_version_id: int


def policy_in_force(*, tier_id: int, at: datetime) -> TierPolicyVersion:
    """The tier's policy version with the latest effective_from at or before `at`."""
    version = (
        TierPolicyVersion.objects.filter(tier_id=tier_id, effective_from__lte=at)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise NotFound(f"Tier {tier_id} has no policy in force at {at.isoformat()}.")
    return version


def calendar_version_in_force(*, calendar_id: int, at: datetime) -> CalendarVersion:
    """The calendar's version with the latest effective_from at or before `at`."""
    version = (
        CalendarVersion.objects.filter(calendar_id=calendar_id, effective_from__lte=at)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise NotFound(f"Calendar {calendar_id} has no version in force at {at.isoformat()}.")
    return version


def terms_in_force(*, tier_id: int, priority: str, channel: str, at: datetime) -> dict[str, Terms]:
    """Each metric's terms for a ticket of this tier, priority and channel, in two queries.

    A channel the tier lacks (an agent logged it anyway) runs on the tier's email hours;
    with no email coverage either, targets run in calendar time.
    """
    policy = policy_in_force(tier_id=tier_id, at=at)
    targets: dict[str, dict[str, Any]] = policy.rules["targets"].get(priority, {})
    coverage: dict[str, int] = policy.rules["coverage"]
    calendar_id = coverage.get(channel, coverage.get(Channel.EMAIL))
    calendar_version_id = None
    if calendar_id is not None and any(t["business_time"] for t in targets.values()):
        calendar_version_id = calendar_version_in_force(calendar_id=calendar_id, at=at).pk
    return {
        metric: Terms(
            target_seconds=int(t["target_seconds"]),
            business_time=bool(t["business_time"]) and calendar_version_id is not None,
            warn_percent=int(t["warn_percent"]),
            calendar_version_id=calendar_version_id if t["business_time"] else None,
            policy_version_id=policy.pk,
        )
        for metric, t in targets.items()
    }


@lru_cache(maxsize=1024)
def pausing_statuses(*, policy_version_id: int) -> dict[str, list[str]]:
    """metric -> the ticket statuses that pause it, under one policy version.

    Callers get a shared cached dict: read it, never change it.
    """
    rules = TierPolicyVersion.objects.values_list("rules", flat=True).get(pk=policy_version_id)
    return {metric: list(statuses) for metric, statuses in rules["pausing_statuses"].items()}


def calendar_of_version(version_id: int | None) -> Calendar:
    """The domain calendar of one calendar version; None is calendar time (24/7 UTC)."""
    if version_id is None:
        return CALENDAR_TIME
    return _calendar_of_version(version_id)


@lru_cache(maxsize=1024)
def _calendar_of_version(version_id: int) -> Calendar:
    rules = CalendarVersion.objects.values_list("rules", flat=True).get(pk=version_id)
    return calendar_from_rules(rules)


def forget_cached_versions() -> None:
    """Empty the per-version caches: only for tests, whose rolled-back ids can be reused."""
    pausing_statuses.cache_clear()
    _calendar_of_version.cache_clear()
