"""Slow, obviously correct business-time oracle: walk real time step by step and ask the calendar.

Each step is a real instant (epoch seconds, UTC). It is converted to local wall time with
the standard library and checked against the shifts of its local day and of the day
before (for overnight shifts) — the calendar's rules read literally, with nothing
precomputed. Steps are one minute when every input, shift boundary and offset change is
on a whole minute (then open/closed cannot change inside a minute), one second otherwise.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays

from tierdesk.domain.sla import Calendar, Shift

MINUTE = 60


class Oracle:
    """Answers by walking; remembers each local day's shifts so walks stay affordable."""

    def __init__(self, calendar: Calendar, *, max_steps: int = 400_000) -> None:
        self.calendar = calendar
        self.max_steps = max_steps
        self._days: dict[date, tuple[Shift, ...]] = {}
        self._holidays: dict[int, set[date]] = {}

    def shifts_of(self, day: date) -> tuple[Shift, ...]:
        if day not in self._days:
            self._days[day] = self._rule(day)
        return self._days[day]

    def _rule(self, day: date) -> tuple[Shift, ...]:
        cal = self.calendar
        if day in cal.special:
            return cal.special[day]
        if day in cal.closed:
            return ()
        if cal.holiday_country is not None:
            if day.year not in self._holidays:
                self._holidays[day.year] = set(
                    holidays.country_holidays(
                        cal.holiday_country, subdiv=cal.holiday_subdiv, years=day.year
                    )
                )
            if day in self._holidays[day.year]:
                return ()
        return cal.weekly.get(day.weekday(), ())

    def wall_is_open(self, wall: datetime) -> bool:
        if self.calendar.always_open:
            return True
        clock = wall.time()
        for shift in self.shifts_of(wall.date()):
            crosses_midnight = shift.end <= shift.start
            if crosses_midnight and clock >= shift.start:
                return True
            if not crosses_midnight and shift.start <= clock < shift.end:
                return True
        for shift in self.shifts_of(wall.date() - timedelta(days=1)):
            if shift.end <= shift.start and clock < shift.end:
                return True
        return False

    def is_open(self, t: int) -> bool:
        wall = datetime.fromtimestamp(t, self.calendar.tz).replace(tzinfo=None)
        return self.wall_is_open(wall)

    def between(self, start: int, end: int, step: int = MINUTE) -> int:
        """Open seconds in [start, end), negative when end < start."""
        if end < start:
            return -self.between(end, start, step)
        assert (end - start) // step <= self.max_steps, "walk too long for the oracle"
        return step * sum(self.is_open(t) for t in range(start, end, step))

    # Walks forward stop at `until` and answer `until` if they got no further, so a test
    # compares min(answer, until) and neither side may pretend to know more.

    def add(self, start: int, seconds: int, until: int, step: int = MINUTE) -> int:
        """The instant at which `seconds` open seconds from `start` have passed."""
        assert seconds % step == 0 and (until - start) // step <= self.max_steps
        t, remaining = start, seconds
        while remaining and t < until:
            if self.is_open(t):
                remaining -= step
            t += step
        return min(t, until)

    def next_change(self, start: int, until: int, *, to_open: bool, step: int = MINUTE) -> int:
        """The first instant at or after `start` whose open state is `to_open`."""
        assert (until - start) // step <= self.max_steps
        t = start
        while t < until and self.is_open(t) != to_open:
            t += step
        return min(t, until)

    def next_opening(self, start: int, until: int, step: int = MINUTE) -> int:
        return self.next_change(start, until, to_open=True, step=step)

    def next_closing(self, start: int, until: int, step: int = MINUTE) -> int:
        opened = self.next_change(start, until, to_open=True, step=step)
        return self.next_change(opened, until, to_open=False, step=step)
