"""Turns a stored BusinessCalendar into the pure domain Calendar, cached per revision."""

from functools import lru_cache
from zoneinfo import ZoneInfo

from tierdesk.domain.sla import Calendar, Shift
from tierdesk.tiers.models import BusinessCalendar


def domain_calendar(calendar: BusinessCalendar) -> Calendar:
    return _compiled(calendar.pk, calendar.revision)


@lru_cache(maxsize=256)
def _compiled(calendar_id: int, revision: int) -> Calendar:
    # The revision is part of the key only so that an edited calendar misses the cache.
    calendar = BusinessCalendar.objects.get(pk=calendar_id)
    tz = ZoneInfo(calendar.time_zone)
    if calendar.always_open:
        return Calendar.twenty_four_seven(tz)
    weekly: dict[int, list[Shift]] = {d: [] for d in range(7)}
    for row in calendar.hours.all():
        weekly[row.weekday].append(Shift(row.start, row.end))
    closed = set()
    special: dict = {}
    for day in calendar.days.all():
        if day.start is None or day.end is None:
            closed.add(day.day)
        else:
            special.setdefault(day.day, []).append(Shift(day.start, day.end))
    return Calendar(
        tz=tz,
        weekly={d: tuple(s) for d, s in weekly.items()},
        closed=frozenset(closed),
        special={d: tuple(s) for d, s in special.items()},
        holiday_country=calendar.holiday_country or None,
        holiday_subdiv=calendar.holiday_subdivision or None,
    )
