"""How a KPI moved against the previous period and where it stands against a goal."""

from dataclasses import dataclass
from typing import Literal

# Which way is better for a KPI: up (attainment, CSAT), down (response time, backlog), or
# neither (ticket volume is demand, not performance).
Direction = Literal["up", "down", "neutral"]


@dataclass(frozen=True, slots=True)
class Trend:
    # Rates (0..1) change in percentage points; counts and durations in percent.
    change: float | None
    unit: Literal["pp", "%"]
    arrow: Literal["▲", "▼", "="] | None
    good: bool | None  # None: no comparison, no change, or a KPI with no better direction


def trend(
    value: float | None, previous: float | None, *, rate: bool, direction: Direction
) -> Trend:
    """The change from ``previous`` to ``value``: points for rates, percent otherwise.

    A percent change of a rate misleads (80% -> 90% is "+12.5%"), so rates move in points,
    rounded to one decimal as the dashboard shows them.
    With no value on either side, or a zero base for a percent change, there is no trend.
    """
    unit: Literal["pp", "%"] = "pp" if rate else "%"
    if value is None or previous is None:
        return Trend(None, unit, None, None)
    if rate:
        change = (value - previous) * 100
    elif previous == 0:
        return Trend(None, unit, None, None)
    else:
        change = (value - previous) / abs(previous) * 100
    # Shown to one decimal: a change that reads 0.0 is no change, neither good nor bad.
    change = round(change, 1)
    if change == 0:
        return Trend(0.0, unit, "=", None)
    arrow: Literal["▲", "▼"] = "▲" if change > 0 else "▼"
    if direction == "neutral":
        return Trend(change, unit, arrow, None)
    return Trend(change, unit, arrow, (change > 0) == (direction == "up"))


def meets(value: float | None, goal: float | None, *, direction: Direction) -> bool | None:
    """Whether ``value`` reaches ``goal`` (at least it for "up", at most for "down")."""
    if value is None or goal is None or direction == "neutral":
        return None
    return value >= goal if direction == "up" else value <= goal
