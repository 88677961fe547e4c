"""The terms a clock runs under: the tier policy and calendar versions in force at an instant.

Versions are immutable, so what is cached per version id never goes stale. Which version is
in force when is cached per tier under the tier's ``terms_stamp``, which every new policy or
calendar version bumps (``tiers.signals``): a caller holding a freshly read tier row passes
its stamp and reads no version rows at all; without a stamp the database is asked.
"""

from bisect import bisect_right
from collections import defaultdict
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


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every policy version of one tier and every version of the calendars they name."""

    policy_starts: tuple[datetime, ...]
    policies: tuple[TierPolicyVersion, ...]
    calendar_starts: dict[int, tuple[datetime, ...]]
    calendars: dict[int, tuple[CalendarVersion, ...]]

    def policy_at(self, at: datetime) -> TierPolicyVersion | None:
        i = bisect_right(self.policy_starts, at)
        return self.policies[i - 1] if i else None

    def calendar_at(self, calendar_id: int, at: datetime) -> CalendarVersion | None:
        i = bisect_right(self.calendar_starts.get(calendar_id, ()), at)
        return self.calendars[calendar_id][i - 1] if i else None


_timelines: dict[tuple[int, int], Timeline] = {}
MAX_TIMELINES = 256


def timeline(*, tier_id: int, stamp: int) -> Timeline:
    """The tier's versions as of ``stamp``: two queries the first time, none after."""
    key = (tier_id, stamp)
    found = _timelines.get(key)
    if found is not None:
        return found
    policies = tuple(TierPolicyVersion.objects.filter(tier_id=tier_id).order_by("effective_from"))
    calendar_ids = {c for p in policies for c in p.rules["coverage"].values()}
    calendars: dict[int, list[CalendarVersion]] = defaultdict(list)
    for version in CalendarVersion.objects.filter(calendar_id__in=calendar_ids).order_by(
        "effective_from"
    ):
        calendars[version.calendar_id].append(version)
    found = Timeline(
        policy_starts=tuple(p.effective_from for p in policies),
        policies=policies,
        calendar_starts={c: tuple(v.effective_from for v in vs) for c, vs in calendars.items()},
        calendars={c: tuple(vs) for c, vs in calendars.items()},
    )
    if len(_timelines) >= MAX_TIMELINES:
        _timelines.clear()  # a stamp moves on rarely; old keys are dead weight
    _timelines[key] = found
    return found


def policy_in_force(*, tier_id: int, at: datetime, stamp: int | None = None) -> TierPolicyVersion:
    """The tier's policy version with the latest effective_from at or before `at`.

    ``stamp``: the tier row's ``terms_stamp`` as just read; the answer then comes from the
    tier's cached timeline.
    """
    if stamp is not None:
        cached = timeline(tier_id=tier_id, stamp=stamp).policy_at(at)
        if cached is None:
            raise NotFound(f"Tier {tier_id} has no policy in force at {at.isoformat()}.")
        return cached
    version = (
        TierPolicyVersion.objects.filter(tier_id=tier_id, effective_from__lte=at)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise NotFound(f"Tier {tier_id} has no policy in force at {at.isoformat()}.")
    return version


def calendar_version_in_force(
    *, calendar_id: int, at: datetime, tier_id: int | None = None, stamp: int | None = None
) -> CalendarVersion:
    """The calendar's version with the latest effective_from at or before `at`.

    With the ``tier_id`` and ``stamp`` of a tier whose policies name the calendar, the
    answer comes from that tier's cached timeline.
    """
    if tier_id is not None and stamp is not None:
        cached = timeline(tier_id=tier_id, stamp=stamp).calendar_at(calendar_id, at)
        if cached is not None:
            return cached
    version = (
        CalendarVersion.objects.filter(calendar_id=calendar_id, effective_from__lte=at)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise NotFound(f"Calendar {calendar_id} has no version in force at {at.isoformat()}.")
    return version


def terms_in_force(
    *, tier_id: int, priority: str, channel: str, at: datetime, stamp: int | None = None
) -> dict[str, Terms]:
    """Each metric's terms for a ticket of this tier, priority and channel, in two queries.

    With the tier's ``stamp``, in none once the tier's timeline is cached. A channel the
    tier lacks (an agent logged it anyway) runs on the tier's email hours; with no email
    coverage either, targets run in calendar time.
    """
    policy = policy_in_force(tier_id=tier_id, at=at, stamp=stamp)
    targets: dict[str, dict[str, Any]] = policy.rules["targets"].get(priority, {})
    coverage: dict[str, int] = policy.rules["coverage"]
    calendar_id = coverage.get(channel, coverage.get(Channel.EMAIL))
    calendar_version_id = None
    if calendar_id is not None and any(t["business_time"] for t in targets.values()):
        calendar_version_id = calendar_version_in_force(
            calendar_id=calendar_id, at=at, tier_id=tier_id, stamp=stamp
        ).pk
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
    _timelines.clear()
