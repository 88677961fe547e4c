"""Support calendars: weekly shifts, closed and special days, public holidays, time zone.

A calendar says which *local wall-clock* times are business time. An instant is open iff
its wall time in ``tz`` lies inside a shift ``[start, end)`` of the local day the shift
belongs to. Day rules, most specific first: a ``special`` day has its own shifts (even on a
holiday); a ``closed`` day or a public holiday has none; any other day has ``weekly``
shifts. A shift whose end is not after its start crosses midnight and belongs to the day
it starts, so a holiday on Monday closes Monday's 22:00-06:00 shift but not Sunday's.

Converting those wall-time rules into real instants (DST gaps and folds) is
``tierdesk.domain.sla.table``'s job; this module only holds and validates the rules.
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
    """Validate one day's shifts and return them sorted by start."""
    checked: list[Shift] = []
    for s in _iterable(shifts, f"shifts of {where}"):
        if not isinstance(s, Shift):
            raise TypeError(f"shifts of {where} must be Shift values, got {s!r}")
        checked.append(s)
    ordered = tuple(sorted(checked, key=lambda s: s.start_seconds))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.start_seconds < earlier.end_seconds:
            raise ValueError(
                f"shifts {earlier.start}-{earlier.end} and {later.start}-{later.end} overlap "
                f"on {where}; merge them into one shift"
            )
    return ordered
