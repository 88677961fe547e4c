"""Version rules: the JSON snapshot of a calendar or a tier's policy, built from its rows.

Plain functions over row-like objects, so the migrations (historical models), the default
seed and the services build the same snapshot. Hours are stored merged per weekday and per
custom day (09-13 and 12-17 become 09-17), whatever path they came in by.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any, Protocol

from tierdesk.domain.sla import Shift
from tierdesk.domain.sla.calendar import merge_shifts

# Version 1 of every calendar and tier that existed before versions did.
FIRST_EFFECTIVE_FROM = datetime(2000, 1, 1, tzinfo=UTC)


class HoursRow(Protocol):
    weekday: int
    start: time
    end: time


class DayRow(Protocol):
    day: date
    start: time | None
    end: time | None
    note: str


def merged_pairs(pairs: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    """Shifts as (start, end) pairs, merged into disjoint openings sorted by start.

    Services refuse a zero-length shift (09:00-09:00 could mean nothing or 24 hours) and
    fractions of seconds; rows written around them keep what is unambiguous.
    """
    whole = ((a.replace(microsecond=0), b.replace(microsecond=0)) for a, b in pairs)
    shifts = (Shift(a, b) for a, b in whole if a != b or a == time(0))
    return [(s.start, s.end) for s in merge_shifts(shifts)]


def _text(t: time) -> str:
    return t.isoformat(timespec="seconds")


def calendar_rules(
    *,
    time_zone: str,
    always_open: bool,
    holiday_country: str,
    holiday_subdivision: str,
    hours: Iterable[HoursRow],
    days: Iterable[DayRow],
) -> dict[str, Any]:
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in hours:
        weekly[row.weekday].append((row.start, row.end))
    opened: dict[date, list[tuple[time, time]]] = defaultdict(list)
    closed: dict[date, str] = {}
    notes: dict[date, str] = {}
    for d in days:
        if d.start is None or d.end is None:
            closed[d.day] = d.note
        else:
            opened[d.day].append((d.start, d.end))
            notes.setdefault(d.day, d.note)
    day_rules: list[dict[str, Any]] = []
    # A day listed both closed and with hours keeps its hours: the more specific rule wins.
    for day in sorted(closed.keys() | opened.keys()):
        if day in opened:
            day_rules.extend(
                {"day": day.isoformat(), "start": _text(a), "end": _text(b), "note": notes[day]}
                for a, b in merged_pairs(opened[day])
            )
        else:
            day_rules.append(
                {"day": day.isoformat(), "start": None, "end": None, "note": closed[day]}
            )
    return {
        "time_zone": time_zone,
        "always_open": bool(always_open),
        "holiday_country": holiday_country,
        "holiday_subdivision": holiday_subdivision,
        "weekly": {
            str(d): [[_text(a), _text(b)] for a, b in merged_pairs(weekly[d])] for d in range(7)
        },
        "days": day_rules,
    }


def calendar_rules_of(calendar: Any) -> dict[str, Any]:
    """The rules of a calendar row (current or historical model) and its hours and days."""
    return calendar_rules(
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        hours=calendar.hours.all(),
        days=calendar.days.all(),
    )


def policy_rules_of(tier: Any) -> dict[str, Any]:
    """The rules of a tier row (current or historical model): targets, coverage, pausing."""
    targets: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for t in tier.targets.all():
        targets[t.priority][t.metric] = {
            "target_seconds": t.target_seconds,
            "business_time": t.business_time,
            "warn_percent": t.warn_percent,
        }
    return {
        "targets": {p: dict(sorted(m.items())) for p, m in sorted(targets.items())},
        "coverage": {c.channel: c.calendar_id for c in sorted(tier.coverage.all(), key=_channel)},
        "pausing_statuses": {m: list(s) for m, s in sorted(tier.pausing_statuses.items())},
    }


def _channel(coverage: Any) -> str:
    return str(coverage.channel)


def install_first_versions(
    *, calendar_model: Any, tier_model: Any, calendar_version: Any, policy_version: Any
) -> None:
    """Version 1, effective from 2000-01-01, for every calendar and tier that has none."""
    now = datetime.now(UTC)
    calendar_version.objects.bulk_create(
        calendar_version(
            calendar=c,
            number=1,
            effective_from=FIRST_EFFECTIVE_FROM,
            rules=calendar_rules_of(c),
            created_at=now,
        )
        for c in calendar_model.objects.filter(versions__isnull=True).prefetch_related(
            "hours", "days"
        )
    )
    policy_version.objects.bulk_create(
        policy_version(
            tier=t,
            number=1,
            effective_from=FIRST_EFFECTIVE_FROM,
            rules=policy_rules_of(t),
            created_at=now,
        )
        for t in tier_model.objects.filter(policy_versions__isnull=True).prefetch_related(
            "targets", "coverage"
        )
    )


def flat_calendar(rules: dict[str, Any]) -> dict[str, Any]:
    """Calendar rules keyed for an audit diff: one entry per weekday and per custom day."""
    days: dict[str, list[Any]] = defaultdict(list)
    for d in rules["days"]:
        days[d["day"]].append("closed" if d["start"] is None else [d["start"], d["end"]])
    head = {k: v for k, v in rules.items() if k not in ("weekly", "days")}
    weekly = {f"weekly.{WEEKDAY_NAMES[int(k)]}": v for k, v in rules["weekly"].items()}
    return {**head, **weekly, **{f"day.{k}": v for k, v in sorted(days.items())}}


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
