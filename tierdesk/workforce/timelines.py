"""Time spans per interval: rostered shifts, agent statuses, adherence and real occupancy.

Plain functions on aware datetimes (no Django), so that the adherence rules are tested
without a database. Definitions (docs/workforce-planning.md):

- rostered: the seconds an agent's shifts cover in the interval;
- adherence: of the rostered seconds, the share spent available or busy;
- occupancy: busy / (busy + available), the share of time on the floor spent on contacts.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

Span = tuple[datetime, datetime]
Seconds = npt.NDArray[np.float64]

WORKING = frozenset({"available", "busy"})


@dataclass(frozen=True, slots=True)
class ShiftRule:
    """A weekly shift: weekday 0 = Monday, local times; end <= start runs past midnight."""

    agent_id: int
    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Grid:
    """Intervals of `minutes` from `start` (aware), `count` of them."""

    start: datetime
    minutes: int
    count: int

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @property
    def end(self) -> datetime:
        return self.start + self.step * self.count

    def starts(self) -> list[datetime]:
        return [self.start + self.step * i for i in range(self.count)]


def shift_spans(rules: Iterable[ShiftRule], *, tz: ZoneInfo, grid: Grid) -> dict[int, list[Span]]:
    """Each agent's concrete shifts overlapping the grid, in UTC, merged where they touch."""
    first = grid.start.astimezone(tz).date() - timedelta(days=1)
    last = grid.end.astimezone(tz).date()
    spans: dict[int, list[Span]] = {}
    rules = list(rules)
    day = first
    while day <= last:
        for rule in rules:
            if rule.weekday != day.weekday():
                continue
            begin = datetime.combine(day, rule.start, tzinfo=tz)
            end_day = day if rule.end > rule.start else day + timedelta(days=1)
            end = datetime.combine(end_day, rule.end, tzinfo=tz)
            begin, end = begin.astimezone(UTC), end.astimezone(UTC)
            if end > grid.start and begin < grid.end:
                spans.setdefault(rule.agent_id, []).append((begin, end))
        day += timedelta(days=1)
    return {agent: merge(s) for agent, s in spans.items()}


def merge(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for begin, end in sorted(spans):
        if out and begin <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((begin, end))
    return out


def intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The time covered by both lists of sorted, disjoint spans."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        begin, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if begin < end:
            out.append((begin, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def seconds_per_interval(spans: Iterable[Span], grid: Grid) -> Seconds:
    """How many seconds of `spans` fall in each interval of the grid."""
    edges = np.array([(grid.start + grid.step * i).timestamp() for i in range(grid.count + 1)])
    out = np.zeros(grid.count)
    for begin, end in spans:
        b, e = begin.timestamp(), end.timestamp()
        out += np.clip(np.minimum(edges[1:], e) - np.maximum(edges[:-1], b), 0.0, None)
    return out


def status_spans(
    changes: Sequence[tuple[datetime, str]], *, until: datetime
) -> dict[str, list[Span]]:
    """Status -> the spans spent in it; each change lasts until the next one or `until`."""
    out: dict[str, list[Span]] = {}
    for k, (at, status) in enumerate(changes):
        end = changes[k + 1][0] if k + 1 < len(changes) else until
        if end > at:
            out.setdefault(status, []).append((at, end))
    return {status: merge(spans) for status, spans in out.items()}


@dataclass(frozen=True, slots=True)
class AgentIntervals:
    """Per interval: rostered, in-adherence, busy and available seconds of one agent."""

    rostered: Seconds
    adherent: Seconds
    busy: Seconds
    available: Seconds

    @property
    def adherence(self) -> npt.NDArray[np.float64]:
        """Share of rostered time spent working; nan where the agent was not rostered."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.rostered > 0, self.adherent / self.rostered, np.nan)

    @property
    def occupancy(self) -> npt.NDArray[np.float64]:
        """busy / (busy + available); nan where the agent was on the floor not at all."""
        floor = self.busy + self.available
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(floor > 0, self.busy / floor, np.nan)


def agent_intervals(
    *, shifts: Sequence[Span], changes: Sequence[tuple[datetime, str]], grid: Grid
) -> AgentIntervals:
    by_status = status_spans(changes, until=grid.end)
    working = merge(s for status in WORKING for s in by_status.get(status, []))
    return AgentIntervals(
        rostered=seconds_per_interval(shifts, grid),
        adherent=seconds_per_interval(intersect(shifts, working), grid),
        busy=seconds_per_interval(by_status.get("busy", []), grid),
        available=seconds_per_interval(by_status.get("available", []), grid),
    )
