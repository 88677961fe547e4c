"""Writes for tiers and calendars: managers and admins change what a tier promises.

Every change to what decides a clock (a tier's targets, coverage or pausing statuses; a
calendar's zone, hours, days or holidays) writes the rows AND a new immutable version in
force from `effective_from` (now unless given). The rows always show the newest version.
Every change is audited (tierdesk.audit) in its own transaction: who, when, before, after.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tierdesk.accounts.access import require_configurer
from tierdesk.accounts.models import User
from tierdesk.audit.models import Subject
from tierdesk.audit.services import flat, record_change
from tierdesk.domain.sla.calendar import (
    MAX_TARGET_SECONDS,
    MIN_WEEKLY_OPEN_SECONDS,
    weekly_open_seconds,
)
from tierdesk.errors import Conflict, Invalid, NotFound
from tierdesk.tiers.calendars import calendar_from_rules
from tierdesk.tiers.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarVersion,
    Channel,
    ChannelCoverage,
    Metric,
    Priority,
    SlaTarget,
    Tier,
    TierPolicyVersion,
    WeeklyHours,
)
from tierdesk.tiers.versions import (
    calendar_rules,
    calendar_rules_of,
    flat_calendar,
    merged_pairs,
    policy_rules_of,
)

TIER_FIELDS = {
    "description",
    "support_scope",
    "routing_priority",
    "proactive_care",
    "account_manager_required",
    "min_seniority",
    "phone_answer_target_seconds",
    "chat_answer_target_seconds",
    "max_customer_priority",
    "attainment_goal_percent",
}

# A live channel's answer target: a caller or chatter waits seconds or minutes, never a day.
ANSWER_TARGET_MAX = 86_400

# The ticket statuses that mean "waiting on someone else" (tickets.models.Status values;
# tests/tiers pin that they exist there). New and open never pause: the desk is working.
# Solved and closed stop clocks rather than pause them.
PAUSABLE_STATUSES = ("pending", "on_hold")
# Nobody has answered yet, so nothing can be waiting on the customer: first response runs.
NEVER_PAUSED = frozenset({Metric.FIRST_RESPONSE})
# Email hours are the fallback for contacts through channels a tier lacks (terms.py).
REQUIRED_CHANNEL = Channel.EMAIL


@dataclass(frozen=True, slots=True)
class Hours:
    """One weekly opening; `end <= start` runs past midnight, 00:00-00:00 is the whole day."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class CustomDay:
    """A custom day: closed with no hours, else open only in its hours (beats holidays)."""

    day: date
    hours: tuple[tuple[time, time], ...] = ()
    note: str = ""


def _only_tier_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - TIER_FIELDS
    if unknown:
        raise Invalid(
            f"These tier fields cannot be set here: {', '.join(sorted(unknown))}.",
            fields={name: "not settable" for name in unknown},
        )
    bad = {
        name: "cannot be empty"
        for name, value in fields.items()
        if value is None and not Tier._meta.get_field(name).null
    }
    for name in ("phone_answer_target_seconds", "chat_answer_target_seconds"):
        value = fields.get(name)
        if value is not None and not 0 < value <= ANSWER_TARGET_MAX:
            bad[name] = f"must be 1..{ANSWER_TARGET_MAX} seconds"
    if bad:
        raise Invalid("These tier fields have values a tier cannot take.", fields=bad)


def _effective_from(given: datetime | None, latest: datetime | None, now: datetime) -> datetime:
    """When a new version starts: now, or a later instant; never before the latest version."""
    if given is not None and timezone.is_naive(given):
        raise Invalid(
            "effective_from needs a time zone, e.g. 2027-01-01T00:00:00Z.",
            fields={"effective_from": "needs a time zone"},
        )
    at = now if given is None else given
    if at < now:
        raise Invalid(
            "A change cannot take effect in the past: business time already recorded would "
            "be rewritten. Use now or a later instant; re-apply to open tickets separately.",
            fields={"effective_from": "in the past"},
        )
    if latest is not None and at <= latest:
        raise Invalid(
            f"A version is already in force from {latest.isoformat()}; a new one must start "
            "after it (versions may not overlap).",
            fields={"effective_from": f"must be after {latest.isoformat()}"},
        )
    return at


# --- tier policy ---------------------------------------------------------------------------


def _new_policy_version(
    *, tier: Tier, actor: User | None, now: datetime, effective_from: datetime | None
) -> TierPolicyVersion:
    """Snapshot the tier's rows (already changed in this transaction) as its next version."""
    latest = TierPolicyVersion.objects.filter(tier=tier).order_by("-number").first()
    at = _effective_from(effective_from, latest.effective_from if latest else None, now)
    fresh = Tier.objects.prefetch_related("targets", "coverage").get(pk=tier.pk)
    version = TierPolicyVersion.objects.create(
        tier=tier,
        number=latest.number + 1 if latest else 1,
        effective_from=at,
        rules=policy_rules_of(fresh),
        created_at=now,
        created_by=actor,
    )
    record_change(
        actor=actor,
        at=now,
        subject=Subject.TIER,
        subject_id=tier.pk,
        action=f"policy version {version.number}, in force from {at.isoformat()}",
        before=flat(latest.rules) if latest else {},
        after=flat(version.rules),
    )
    return version


def _locked(tier: Tier) -> Tier:
    # One writer per tier at a time, so version numbers and rows stay in step.
    return Tier.objects.select_for_update().get(pk=tier.pk)


@transaction.atomic
def update_tier(*, actor: User, tier: Tier, changes: dict[str, Any]) -> Tier:
    """Routing, scope, care and seniority: not clock terms, so no new policy version."""
    require_configurer(actor)
    _only_tier_fields(changes)
    tier = _locked(tier)
    before = {name: getattr(tier, name) for name in changes}
    for name, value in changes.items():
        setattr(tier, name, value)
    try:
        tier.full_clean()
    except ValidationError as error:
        raise Invalid(
            "These tier fields have values a tier cannot take.",
            fields={name: " ".join(msgs) for name, msgs in error.message_dict.items()},
        ) from error
    tier.save(update_fields=list(changes))
    record_change(
        actor=actor,
        at=timezone.now(),
        subject=Subject.TIER,
        subject_id=tier.pk,
        action="tier settings",
        before=before,
        after={name: getattr(tier, name) for name in changes},
    )
    return tier


def _check_target(priority: str, metric: str, target_seconds: int, warn_percent: int) -> None:
    fields = {}
    if priority not in Priority.values:
        fields["priority"] = f"use one of {', '.join(Priority.values)}"
    if metric not in Metric.values:
        fields["metric"] = f"use one of {', '.join(Metric.values)}"
    if not 0 < target_seconds <= MAX_TARGET_SECONDS:
        fields["target_seconds"] = f"must be 1..{MAX_TARGET_SECONDS} (366 days)"
    if not 0 < warn_percent < 100:
        fields["warn_percent"] = "must be 1..99"
    if fields:
        raise Invalid(
            "A target needs a known priority and metric, 1 second to 366 days, and a warning "
            "between 1 and 99 percent.",
            fields=fields,
        )


@dataclass(frozen=True, slots=True)
class Target:
    priority: str
    metric: str
    target_seconds: int
    business_time: bool = True
    warn_percent: int = 75


@transaction.atomic
def change_policy(
    *,
    actor: User,
    tier: Tier,
    targets: Sequence[Target] = (),
    remove_targets: Sequence[tuple[str, str]] = (),
    coverage: Mapping[str, BusinessCalendar] | None = None,
    remove_coverage: Sequence[str] = (),
    pausing_statuses: Mapping[str, Sequence[str]] | None = None,
    effective_from: datetime | None = None,
) -> TierPolicyVersion:
    """Change a tier's targets, coverage and pausing statuses together: one new version.

    `targets` are set (added or replaced), `remove_targets` are (priority, metric) pairs to
    drop, `coverage` maps channels to the calendar they are staffed on, `remove_coverage`
    drops channels; `pausing_statuses` replaces the mapping. Clocks already running keep
    the version they started under until a manager re-applies the tier.
    """
    require_configurer(actor)
    for t in targets:
        _check_target(t.priority, t.metric, t.target_seconds, t.warn_percent)
    coverage = coverage or {}
    unknown = sorted(set(coverage) - set(Channel.values))
    if unknown:
        raise Invalid(
            f"Unknown channel {unknown[0]!r}; use one of {', '.join(Channel.values)}.",
            fields={"channel": "unknown channel"},
        )
    if REQUIRED_CHANNEL in remove_coverage:
        raise Invalid(
            "Every tier answers email: its email hours also time contacts through channels "
            "the tier lacks. Change the email calendar instead of removing email.",
            fields={"channel": "email cannot be removed"},
        )
    pausing = None if pausing_statuses is None else _check_pausing(pausing_statuses)
    now = timezone.now()
    tier = _locked(tier)
    for t in targets:
        SlaTarget.objects.update_or_create(
            tier=tier,
            priority=t.priority,
            metric=t.metric,
            defaults={
                "target_seconds": t.target_seconds,
                "business_time": t.business_time,
                "warn_percent": t.warn_percent,
            },
        )
    for priority, metric in remove_targets:
        SlaTarget.objects.filter(tier=tier, priority=priority, metric=metric).delete()
    for channel, calendar in coverage.items():
        ChannelCoverage.objects.update_or_create(
            tier=tier, channel=channel, defaults={"calendar": calendar}
        )
    ChannelCoverage.objects.filter(tier=tier, channel__in=remove_coverage).delete()
    if pausing is not None:
        tier.pausing_statuses = pausing
        tier.save(update_fields=["pausing_statuses"])
    return _new_policy_version(tier=tier, actor=actor, now=now, effective_from=effective_from)


def set_target(
    *,
    actor: User,
    tier: Tier,
    priority: str,
    metric: str,
    target_seconds: int,
    business_time: bool,
    warn_percent: int = 75,
    effective_from: datetime | None = None,
) -> SlaTarget:
    target = Target(priority, metric, target_seconds, business_time, warn_percent)
    change_policy(actor=actor, tier=tier, targets=[target], effective_from=effective_from)
    return SlaTarget.objects.get(tier=tier, priority=priority, metric=metric)


def remove_target(
    *,
    actor: User,
    tier: Tier,
    priority: str,
    metric: str,
    effective_from: datetime | None = None,
) -> None:
    change_policy(
        actor=actor, tier=tier, remove_targets=[(priority, metric)], effective_from=effective_from
    )


@transaction.atomic
def create_tier(*, actor: User, name: str, rank: int, fields: dict[str, Any]) -> Tier:
    """A new tier with no channels or targets yet (policy version 1): add coverage and targets."""
    require_configurer(actor)
    _only_tier_fields(fields)
    now = timezone.now()
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
    record_change(
        actor=actor,
        at=now,
        subject=Subject.TIER,
        subject_id=tier.pk,
        action="tier created",
        before={},
        after={"name": name, "rank": rank, **fields},
    )
    _new_policy_version(tier=tier, actor=actor, now=now, effective_from=None)
    return tier


def set_coverage(
    *,
    actor: User,
    tier: Tier,
    channel: str,
    calendar: BusinessCalendar,
    effective_from: datetime | None = None,
) -> ChannelCoverage:
    """Include a channel in the tier, staffed on `calendar`; clocks started from then use it."""
    change_policy(
        actor=actor, tier=tier, coverage={channel: calendar}, effective_from=effective_from
    )
    return ChannelCoverage.objects.get(tier=tier, channel=channel)


def remove_coverage(
    *, actor: User, tier: Tier, channel: str, effective_from: datetime | None = None
) -> None:
    """Drop a channel: contacts through it are refused politely from then on."""
    change_policy(actor=actor, tier=tier, remove_coverage=[channel], effective_from=effective_from)


def _check_pausing(mapping: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    fields = {}
    for metric, statuses in mapping.items():
        if metric not in Metric.values:
            fields[f"pausing_statuses.{metric}"] = f"unknown metric; use {', '.join(Metric.values)}"
            continue
        unknown = sorted(set(statuses) - set(PAUSABLE_STATUSES))
        if unknown:
            fields[f"pausing_statuses.{metric}"] = (
                f"{', '.join(unknown)} cannot pause a clock; use {' or '.join(PAUSABLE_STATUSES)}"
            )
        elif metric in NEVER_PAUSED and statuses:
            fields[f"pausing_statuses.{metric}"] = "first response never pauses"
    if fields:
        raise Invalid(
            "Only waiting statuses (pending, on hold) pause a clock, and first response "
            "never pauses: nobody has answered yet.",
            fields=fields,
        )
    # Every metric listed, statuses in a stable order: what is stored is what is meant.
    return {m: [s for s in PAUSABLE_STATUSES if s in mapping.get(m, ())] for m in Metric.values}


def set_pausing_statuses(
    *,
    actor: User,
    tier: Tier,
    mapping: Mapping[str, Sequence[str]],
    effective_from: datetime | None = None,
) -> Tier:
    """Which statuses pause each metric's clock; a metric left out never pauses."""
    change_policy(actor=actor, tier=tier, pausing_statuses=mapping, effective_from=effective_from)
    return Tier.objects.get(pk=tier.pk)


# --- calendars -----------------------------------------------------------------------------


def _check_zone(time_zone: str) -> None:
    try:
        known = time_zone in available_timezones() and ZoneInfo(time_zone) is not None
    except (ZoneInfoNotFoundError, ValueError):
        known = False
    if not known:
        raise Invalid(
            f"Unknown time zone {time_zone!r}; use an IANA name such as 'Europe/London'.",
            fields={"time_zone": "unknown time zone"},
        )


def _check_holidays(country: str, subdivision: str) -> None:
    supported = holidays.list_supported_countries()
    if country and country not in supported:
        raise Invalid(
            f"The holidays package does not know country {country!r}; use an ISO 3166-1 "
            "alpha-2 code such as 'GB' or 'US', or none.",
            fields={"holiday_country": "unknown country"},
        )
    if subdivision and not country:
        raise Invalid(
            "A holiday subdivision needs a holiday country.",
            fields={"holiday_subdivision": "needs holiday_country"},
        )
    if subdivision and subdivision not in supported[country]:
        raise Invalid(
            f"{subdivision!r} is not a subdivision of {country}; use one of "
            f"{', '.join(supported[country])}.",
            fields={"holiday_subdivision": f"not a subdivision of {country}"},
        )


def _check_shift(start: time, end: time, field: str) -> dict[str, str]:
    if start.microsecond or end.microsecond:
        return {field: "whole seconds only"}
    if start == end and start != time(0):
        return {field: "start equals end; for a whole day use 00:00-00:00"}
    return {}


def _check_hours(hours: Iterable[Hours]) -> None:
    fields: dict[str, str] = {}
    for i, h in enumerate(hours):
        if not 0 <= h.weekday <= 6:
            fields[f"hours.{i}.weekday"] = "0 (Monday) to 6 (Sunday)"
        fields.update(_check_shift(h.start, h.end, f"hours.{i}"))
    if fields:
        raise Invalid("Some opening hours are invalid; see fields.", fields=fields)


def _check_days(days: Iterable[CustomDay]) -> None:
    fields: dict[str, str] = {}
    for d in days:
        for i, (start, end) in enumerate(d.hours):
            fields.update(_check_shift(start, end, f"days.{d.day.isoformat()}.{i}"))
    if fields:
        raise Invalid("Some custom day hours are invalid; see fields.", fields=fields)


def _check_open_enough(calendar: BusinessCalendar) -> dict[str, Any]:
    """The calendar's rules, refused when a week would be (nearly) empty."""
    rules = calendar_rules_of(calendar)
    if rules["always_open"]:
        return rules
    weekly = weekly_open_seconds(calendar_from_rules(rules))
    if weekly == 0:
        raise Invalid(
            "This calendar would never be open: give it weekly hours or make it always open.",
            fields={"hours": "empty week"},
        )
    if weekly < MIN_WEEKLY_OPEN_SECONDS:
        raise Invalid(
            f"This calendar would be open {weekly} seconds a week; a support calendar needs "
            "at least an hour a week, or targets would fall due centuries ahead.",
            fields={"hours": "less than an hour a week"},
        )
    return rules


def _new_calendar_version(
    *,
    calendar: BusinessCalendar,
    actor: User | None,
    now: datetime,
    effective_from: datetime | None,
) -> CalendarVersion:
    latest = CalendarVersion.objects.filter(calendar=calendar).order_by("-number").first()
    at = _effective_from(effective_from, latest.effective_from if latest else None, now)
    fresh = BusinessCalendar.objects.prefetch_related("hours", "days").get(pk=calendar.pk)
    rules = _check_open_enough(fresh)
    # Clocks still pointing at the rows (not at a version) see the edit through a new revision.
    BusinessCalendar.objects.filter(pk=calendar.pk).update(revision=F("revision") + 1)
    version = CalendarVersion.objects.create(
        calendar=calendar,
        number=latest.number + 1 if latest else 1,
        effective_from=at,
        rules=rules,
        created_at=now,
        created_by=actor,
    )
    record_change(
        actor=actor,
        at=now,
        subject=Subject.CALENDAR,
        subject_id=calendar.pk,
        action=f"calendar version {version.number}, in force from {at.isoformat()}",
        before=flat_calendar(latest.rules) if latest else {},
        after=flat_calendar(rules),
    )
    return version


def _write_hours(calendar: BusinessCalendar, hours: Iterable[Hours]) -> None:
    by_day: dict[int, list[tuple[time, time]]] = {}
    for h in hours:
        by_day.setdefault(h.weekday, []).append((h.start, h.end))
    WeeklyHours.objects.filter(calendar=calendar).delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(calendar=calendar, weekday=d, start=a, end=b)
        for d, pairs in sorted(by_day.items())
        for a, b in merged_pairs(pairs)
    )


def _write_day(calendar: BusinessCalendar, day: CustomDay) -> None:
    CalendarDay.objects.filter(calendar=calendar, day=day.day).delete()
    if not day.hours:
        CalendarDay.objects.create(calendar=calendar, day=day.day, note=day.note)
        return
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar=calendar, day=day.day, start=a, end=b, note=day.note)
        for a, b in merged_pairs(day.hours)
    )


def _lock_calendar(calendar: BusinessCalendar) -> BusinessCalendar:
    return BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)


@transaction.atomic
def create_calendar(
    *,
    actor: User,
    name: str,
    time_zone: str,
    always_open: bool = False,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    hours: Sequence[Hours] = (),
    days: Sequence[CustomDay] = (),
) -> BusinessCalendar:
    """A new calendar and its version 1, in force from now (it times no clock yet)."""
    require_configurer(actor)
    _check_zone(time_zone)
    _check_holidays(holiday_country, holiday_subdivision)
    _check_hours(hours)
    _check_days(days)
    if BusinessCalendar.objects.filter(name__iexact=name).exists():
        raise Conflict(
            f"A calendar named {name!r} exists already.",
            code="duplicate",
            fields={"name": "taken"},
        )
    now = timezone.now()
    calendar = BusinessCalendar(
        name=name,
        time_zone=time_zone,
        always_open=always_open,
        holiday_country=holiday_country,
        holiday_subdivision=holiday_subdivision,
    )
    calendar.full_clean()
    calendar.save()
    _write_hours(calendar, hours)
    for day in days:
        _write_day(calendar, day)
    _new_calendar_version(calendar=calendar, actor=actor, now=now, effective_from=None)
    return calendar


@transaction.atomic
def edit_calendar(
    *,
    actor: User,
    calendar: BusinessCalendar,
    hours: Sequence[Hours] | None = None,
    days: Sequence[CustomDay] | None = None,
    holiday_country: str | None = None,
    holiday_subdivision: str | None = None,
    time_zone: str | None = None,
    always_open: bool | None = None,
    effective_from: datetime | None = None,
) -> CalendarVersion:
    """Change what decides open time (None: unchanged); `hours`, `days` replace all of theirs.

    Writes the rows and a new version in force from `effective_from` (now unless given);
    clocks already running keep the version they started under.
    """
    require_configurer(actor)
    now = timezone.now()
    calendar = _lock_calendar(calendar)
    fields = {
        name: value
        for name, value in (
            ("holiday_country", holiday_country),
            ("holiday_subdivision", holiday_subdivision),
            ("time_zone", time_zone),
            ("always_open", always_open),
        )
        if value is not None
    }
    if "time_zone" in fields:
        _check_zone(fields["time_zone"])
    if holiday_country is not None and holiday_subdivision is None and holiday_country == "":
        fields["holiday_subdivision"] = ""  # no country, no subdivision
    _check_holidays(
        fields.get("holiday_country", calendar.holiday_country),
        fields.get("holiday_subdivision", calendar.holiday_subdivision),
    )
    if hours is not None:
        _check_hours(hours)
    if days is not None:
        _check_days(days)
    for name, value in fields.items():
        setattr(calendar, name, value)
    if fields:
        calendar.save(update_fields=list(fields))
    if hours is not None:
        _write_hours(calendar, hours)
    if days is not None:
        CalendarDay.objects.filter(calendar=calendar).delete()
        for day in days:
            _write_day(calendar, day)
    return _new_calendar_version(
        calendar=calendar, actor=actor, now=now, effective_from=effective_from
    )


@transaction.atomic
def set_custom_day(
    *,
    actor: User,
    calendar: BusinessCalendar,
    day: CustomDay,
    effective_from: datetime | None = None,
) -> CalendarVersion:
    """Add or replace one custom day (closed, or open only in its hours)."""
    require_configurer(actor)
    _check_days([day])
    now = timezone.now()
    calendar = _lock_calendar(calendar)
    _write_day(calendar, day)
    return _new_calendar_version(
        calendar=calendar, actor=actor, now=now, effective_from=effective_from
    )


@transaction.atomic
def remove_custom_day(
    *,
    actor: User,
    calendar: BusinessCalendar,
    day: date,
    effective_from: datetime | None = None,
) -> CalendarVersion:
    """Drop a custom day: it follows the weekly hours and holidays again."""
    require_configurer(actor)
    now = timezone.now()
    calendar = _lock_calendar(calendar)
    deleted, _ = CalendarDay.objects.filter(calendar=calendar, day=day).delete()
    if not deleted:
        raise NotFound(f"{day.isoformat()} is not a custom day of {calendar.name}.")
    return _new_calendar_version(
        calendar=calendar, actor=actor, now=now, effective_from=effective_from
    )


# --- whole-form edits and the rules they propose (the managers' pages) ---------------------


def proposed_policy_rules(
    *,
    targets: Sequence[Target],
    coverage: Mapping[str, BusinessCalendar],
    pausing_statuses: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    """The policy rules a complete proposal would make (policy_rules_of's shape), unsaved."""
    by_priority: dict[str, dict[str, dict[str, Any]]] = {}
    for t in targets:
        by_priority.setdefault(t.priority, {})[t.metric] = {
            "target_seconds": t.target_seconds,
            "business_time": t.business_time,
            "warn_percent": t.warn_percent,
        }
    return {
        "targets": {p: dict(sorted(m.items())) for p, m in sorted(by_priority.items())},
        "coverage": {channel: c.pk for channel, c in sorted(coverage.items())},
        "pausing_statuses": {m: list(pausing_statuses.get(m, ())) for m in sorted(Metric.values)},
    }


def replace_policy(
    *,
    actor: User,
    tier: Tier,
    targets: Sequence[Target],
    coverage: Mapping[str, BusinessCalendar],
    pausing_statuses: Mapping[str, Sequence[str]],
) -> TierPolicyVersion:
    """Make the tier's targets, channels and pausing exactly these: one new version, from now.

    A target or channel left out is removed; nothing is written unless all of it is valid,
    and a proposal equal to the current policy writes no version.
    """
    proposed = proposed_policy_rules(
        targets=targets, coverage=coverage, pausing_statuses=pausing_statuses
    )
    current = policy_rules_of(Tier.objects.prefetch_related("targets", "coverage").get(pk=tier.pk))
    if proposed == current:
        return TierPolicyVersion.objects.filter(tier=tier).order_by("-number").first()
    wanted = {(t.priority, t.metric) for t in targets}
    had = set(SlaTarget.objects.filter(tier=tier).values_list("priority", "metric"))
    channels = set(ChannelCoverage.objects.filter(tier=tier).values_list("channel", flat=True))
    return change_policy(
        actor=actor,
        tier=tier,
        targets=targets,
        remove_targets=sorted(had - wanted),
        coverage=coverage,
        remove_coverage=sorted(channels - set(coverage)),
        pausing_statuses=pausing_statuses,
    )


@dataclass(frozen=True, slots=True)
class _DayRow:
    day: date
    start: time | None
    end: time | None
    note: str


def proposed_calendar_rules(
    *,
    calendar: BusinessCalendar,
    hours: Sequence[Hours] | None = None,
    set_days: Sequence[CustomDay] = (),
    time_zone: str | None = None,
    always_open: bool | None = None,
    holiday_country: str | None = None,
    holiday_subdivision: str | None = None,
) -> dict[str, Any]:
    """The calendar's rules with these changes (None: unchanged), unsaved, for a preview."""
    replaced = {d.day for d in set_days}
    kept = [r for r in calendar.days.all() if r.day not in replaced]
    added = [_DayRow(d.day, a, b, d.note) for d in set_days for a, b in (d.hours or [(None, None)])]
    return calendar_rules(
        time_zone=calendar.time_zone if time_zone is None else time_zone,
        always_open=calendar.always_open if always_open is None else always_open,
        holiday_country=calendar.holiday_country if holiday_country is None else holiday_country,
        holiday_subdivision=(
            calendar.holiday_subdivision if holiday_subdivision is None else holiday_subdivision
        ),
        hours=calendar.hours.all() if hours is None else hours,
        days=[*kept, *added],
    )
