"""Turns calendar rules (a version's snapshot or today's rows) into the pure domain Calendar."""

from datetime import date, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tierdesk.domain.sla import Calendar, Shift
from tierdesk.domain.sla.calendar import known_holidays
from tierdesk.tiers.models import BusinessCalendar
from tierdesk.tiers.versions import calendar_rules_of


def calendar_from_rules(rules: dict[str, Any]) -> Calendar:
    """The domain calendar of version rules; stored rules can never make this raise.

    Services validate every write, so the fallbacks below only meet rows written before
    validation existed (or by hand): an unknown zone counts as UTC, an unknown holiday
    country or subdivision as none, a day both closed and open keeps its hours.
    """
    try:
        tz = ZoneInfo(rules["time_zone"])
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    if rules["always_open"]:
        return Calendar.twenty_four_seven(tz)
    country, subdiv = known_holidays(
        rules["holiday_country"] or None, rules["holiday_subdivision"] or None
    )
    closed: set[date] = set()
    special: dict[date, list[Shift]] = {}
    for d in rules["days"]:
        day = date.fromisoformat(d["day"])
        if d["start"] is None:
            closed.add(day)
        else:
            special.setdefault(day, []).append(_shift(d["start"], d["end"]))
    return Calendar(
        tz=tz,
        weekly={int(k): tuple(_shift(a, b) for a, b in v) for k, v in rules["weekly"].items()},
        closed=frozenset(closed - special.keys()),
        special={d: tuple(s) for d, s in special.items()},
        holiday_country=country,
        holiday_subdiv=subdiv,
    )


def _shift(start: str, end: str) -> Shift:
    return Shift(time.fromisoformat(start), time.fromisoformat(end))


def domain_calendar(calendar: BusinessCalendar) -> Calendar:
    """Today's rows of `calendar` as a domain Calendar (kept for clocks that point at rows)."""
    return _compiled(calendar.pk, calendar.revision)


@lru_cache(maxsize=256)
def _compiled(calendar_id: int, revision: int) -> Calendar:
    # The revision is part of the key only so that an edited calendar misses the cache.
    calendar = BusinessCalendar.objects.prefetch_related("hours", "days").get(pk=calendar_id)
    return calendar_from_rules(calendar_rules_of(calendar))
