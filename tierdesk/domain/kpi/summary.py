"""Summaries of a duration KPI: count, mean, nearest-rank median and 90th percentile.

Percentiles use the nearest-rank method (Hyndman & Fan 1996, definition 1; the method
PostgreSQL's ``percentile_disc`` implements): the p-th percentile of n sorted values is
the value at 1-based rank ceil(p/100 * n). Every reported percentile is a value that was
observed, so a median can be traced to one ticket. The median is the p50 by this rule
(the lower middle value when n is even).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil


@dataclass(frozen=True, slots=True)
class DurationSummary:
    count: int
    mean: float | None
    median: float | None
    p90: float | None


def nearest_rank(sorted_values: Sequence[float], percent: int) -> float | None:
    """The value at rank ceil(percent/100 * n) of already sorted values; None when empty."""
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], got {percent}")
    n = len(sorted_values)
    if n == 0:
        return None
    rank = ceil(Fraction(percent, 100) * n)  # exact: no float rounding at the boundary
    return sorted_values[rank - 1]


def summarize(sorted_values: Sequence[float]) -> DurationSummary:
    """Count, arithmetic mean, median and p90 of sorted durations in seconds."""
    n = len(sorted_values)
    return DurationSummary(
        count=n,
        mean=(sum(sorted_values) / n) if n else None,
        median=nearest_rank(sorted_values, 50),
        p90=nearest_rank(sorted_values, 90),
    )
