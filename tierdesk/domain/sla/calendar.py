"""Support calendars: weekly shifts, closed and special days, public holidays, time zone.

A calendar says which *local wall-clock* times are business time. An instant is open iff
its wall time in ``tz`` lies inside a shift ``[start, end)`` of the local day the shift
belongs to. Day rules, most specific first: a ``special`` day has its own shifts (even on a
holiday); a ``closed`` day or a public holiday has none; any other day has ``weekly``
shifts. A shift whose end is not after its start crosses midnight and belongs to the day
it starts, so a holiday on Monday closes Monday's 22:00-06:00 shift but not Sunday's.

Converting those wall-time rules into real instants (DST gaps and folds) is
``tierdesk.domain.sla.table``'s job; this module only holds and validates the rules.

Overlapping or touching shifts of one day are merged into one opening (09-13 and 12-17
are 09-17), so stored hours can never make a calendar unusable.

Configuration limits (applied where a calendar or target is configured, not here, so the
maths stays total on what it is given): a calendar must be open at least
``MIN_WEEKLY_OPEN_SECONDS`` a week and a target is at most ``MAX_TARGET_SECONDS``. With both,
the furthest due time lies 366 days x 24 h / 1 h a week = 8,784 weeks (about 169 years)
ahead, well inside the years the clock supports. A calendar open one second a week would
need 31,622,400 weeks for the same target: the clock refuses that with a ValueError
(``table.grown``) instead of answering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import holidays

UTC = ZoneInfo("UTC")
DAY = 86_400
MIN_WEEKLY_OPEN_SECONDS = 3_600  # a support calendar open less than an hour a week is a mistake
MAX_TARGET_SECONDS = 366 * DAY
_NO_SHIFTS: tuple[Shift, ...] = ()


@dataclass(frozen=True, slots=True)
class Shift:
    """Local wall-clock hours ``[start, end)``; ``end <= start`` means it crosses midnight.

    ``Shift(time(22), time(6))`` runs 22:00 to 06:00 the next morning; ``end=time(0)``
    means midnight (24:00), so ``Shift(time(0), time(0))`` is the whole day. Any other
    ``start == end`` is rejected: it could mean nothing or 24 hours, and we will not guess.
    Whole seconds only: the clock is exact to the second.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        for name, value in (("start", self.start), ("end", self.end)):
            if not isinstance(value, time):
                raise TypeError(f"Shift {name} must be a datetime.time, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError(
                    f"Shift {name} {value} carries a tzinfo; shifts are local wall-clock "
                    "times, the calendar's tz places them"
                )
            if value.microsecond:
                raise ValueError(f"Shift {name} {value} is not whole seconds; drop the fraction")
        if self.start == self.end and self.start != time(0):
            raise ValueError(
                f"Shift {self.start}-{self.end} has zero length; for a whole day use "
                f"Shift(time(0), time(0)), for 24 hours from {self.start} use two shifts"
            )

    @property
    def start_seconds(self) -> int:
        """Seconds after local midnight of its day at which the shift opens."""
        return _seconds(self.start)

    @property
    def end_seconds(self) -> int:
        """Seconds after local midnight of its day at which it closes (may exceed 86,400)."""
        end = _seconds(self.end)
        return end + DAY if end <= self.start_seconds else end


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True, eq=False)
class Calendar:
    """Business hours of one support team, in one time zone.

    Calendars are immutable and compare (and hash) by value, so equal calendars built
    separately, e.g. one per request from the same database row, share one cached table
    of open intervals (see ``table_for``).
    """

    tz: ZoneInfo
    weekly: Mapping[int, tuple[Shift, ...]]  # weekday 0=Monday .. 6=Sunday
    closed: frozenset[date] = frozenset()  # custom closed days
    special: Mapping[date, tuple[Shift, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )  # custom days with their own hours; beat holidays and weekly hours
    holiday_country: str | None = None  # ISO 3166-1 code for the `holidays` package, "GB"
    holiday_subdiv: str | None = None  # its subdivision, "ENG"
    always_open: bool = False  # 24/7
    _key: tuple[Any, ...] = field(init=False, repr=False)
    _hash: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.tz, ZoneInfo):
            raise TypeError(f"Calendar tz must be a zoneinfo.ZoneInfo, got {self.tz!r}")
        weekly = {_weekday(k): _day_shifts(v, f"weekday {k}") for k, v in self.weekly.items()}
        special = {_day(k): _day_shifts(v, f"special day {k}") for k, v in self.special.items()}
        closed = frozenset(_day(d) for d in _iterable(self.closed, "closed"))
        both = sorted(closed & special.keys())
        if both:
            raise ValueError(f"{both[0]} is both closed and a special day; keep it in one of them")
        _check_holidays(self.holiday_country, self.holiday_subdiv)
        if self.always_open and (any(weekly.values()) or closed or special or self.holiday_country):
            raise ValueError(
                "a 24/7 calendar (always_open=True) takes no weekly hours, closed or special "
                "days or holidays; drop them or set always_open=False"
            )
        object.__setattr__(self, "weekly", MappingProxyType(weekly))
        object.__setattr__(self, "special", MappingProxyType(special))
        object.__setattr__(self, "closed", closed)
        key = (
            self.tz,
            tuple(sorted(weekly.items())),
            tuple(sorted(closed)),
            tuple(sorted(special.items())),
            self.holiday_country,
            self.holiday_subdiv,
            bool(self.always_open),
        )
        object.__setattr__(self, "_key", key)
        # Hashed on every clock call (the table cache key); compute it once.
        object.__setattr__(self, "_hash", hash(key))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Calendar):
            return NotImplemented
        return self is other or self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def twenty_four_seven(cls, tz: ZoneInfo = UTC) -> Calendar:
        """A calendar that is always open: business time equals elapsed time."""
        return cls(tz=tz, weekly={}, always_open=True)

    def shifts_on(self, day: date) -> tuple[Shift, ...]:
        """The shifts that belong to local date ``day`` (an overnight one runs into the next)."""
        if day in self.special:
            return self.special[day]
        if day in self.closed or self.is_holiday(day):
            return _NO_SHIFTS
        return self.weekly.get(day.weekday(), _NO_SHIFTS)

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` is a public holiday of ``holiday_country``/``holiday_subdiv``."""
        if self.holiday_country is None:
            return False
        return day in holiday_dates(self.holiday_country, self.holiday_subdiv, day.year)


@lru_cache(maxsize=4096)
def holiday_dates(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    """Public holidays (incl. observed substitute days) of one year, from `holidays`."""
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year).keys())


@cache
def _supported() -> dict[str, list[str]]:
    return holidays.list_supported_countries()


def _check_holidays(country: str | None, subdiv: str | None) -> None:
    if country is None:
        if subdiv is not None:
            raise ValueError(f"holiday_subdiv {subdiv!r} needs a holiday_country")
        return
    supported = _supported()
    if country not in supported:
        raise ValueError(
            f"holiday_country {country!r} is not known to the holidays package; "
            "use an ISO 3166-1 alpha-2 code such as 'GB' or 'US'"
        )
    if subdiv is not None and subdiv not in supported[country]:
        raise ValueError(
            f"holiday_subdiv {subdiv!r} is not a subdivision of {country}; "
            f"choose one of {', '.join(supported[country])}"
        )


def _weekday(key: object) -> int:
    if not isinstance(key, int) or isinstance(key, bool) or not 0 <= key <= 6:
        raise ValueError(f"weekly keys are weekdays 0 (Monday) to 6 (Sunday), got {key!r}")
    return key


def _day(value: object) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"closed and special days are datetime.date values, got {value!r}")
    return value


def _iterable(value: object, name: str) -> Iterable[object]:
    if not isinstance(value, Iterable) or isinstance(value, str | bytes):
        raise TypeError(f"{name} must be a set of dates, got {value!r}")
    return value


def _day_shifts(shifts: object, where: str) -> tuple[Shift, ...]:
    """Validate one day's shifts and return them merged and sorted by start."""
    checked: list[Shift] = []
    for s in _iterable(shifts, f"shifts of {where}"):
        if not isinstance(s, Shift):
            raise TypeError(f"shifts of {where} must be Shift values, got {s!r}")
        checked.append(s)
    return merge_shifts(checked)


def merge_shifts(shifts: Iterable[Shift]) -> tuple[Shift, ...]:
    """One day's shifts as disjoint openings sorted by start: 09-13 and 12-17 are 09-17.

    Overlapping or touching shifts become one opening, so hours entered twice or in pieces
    (an admin form, the API, an import) can never make a calendar unusable. A merge that
    would last 24 hours or more from a start after midnight cannot be one ``Shift``; it
    stays two touching ones, which cover exactly the same seconds.
    """
    pieces: list[tuple[int, int]] = []
    for s in sorted(shifts, key=lambda s: (s.start_seconds, s.end_seconds)):
        a, b = s.start_seconds, s.end_seconds
        if pieces and a <= pieces[-1][1]:
            first, last = pieces[-1]
            end = max(last, b)
            if _representable(first, end):
                pieces[-1] = (first, end)
            elif b > last:
                pieces[-1] = (first, a)
                pieces.append((a, end))
        else:
            pieces.append((a, b))
    return tuple(Shift(_clock(a), _clock(b % DAY)) for a, b in pieces)


def _representable(start: int, end: int) -> bool:
    return end - start < DAY or (start == 0 and end == DAY)


def _clock(seconds: int) -> time:
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def weekly_open_seconds(calendar: Calendar) -> int:
    """Open seconds in a week of weekly hours (wall time; holidays and custom days aside)."""
    if calendar.always_open:
        return 7 * DAY
    return sum(s.end_seconds - s.start_seconds for day in calendar.weekly.values() for s in day)


def known_holidays(country: str | None, subdiv: str | None) -> tuple[str | None, str | None]:
    """``(country, subdiv)`` as far as the holidays package knows them, else None for each."""
    supported = _supported()
    if country not in supported:
        return None, None
    return country, subdiv if subdiv in supported[country] else None
