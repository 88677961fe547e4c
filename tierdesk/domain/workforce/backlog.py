"""Email and tickets as backlog work: done within a window after arrival, not queued live.

Fluid model (deterministic, honest about it). Interval i brings `arrivals[i]` items of
`handle_seconds` each; the window is w = floor(window / interval) intervals, and an item is
treated as arriving at the start of its interval, so it is due by the end of interval
i + w - 1 (conservative: later arrivals get a little more slack). Spreading each interval's
work evenly over its own window meets every deadline, and needs in interval j

    agents[j] = sum(work[i] for i in j - w + 1 .. j) / w / (interval x occupancy)

a rolling mean of the work over the window. Among schedules that treat every interval's
work alike this is the smoothest one that keeps every deadline; it never plans more than
the peak interval needs if it had to be done on the spot. Randomness within an interval,
priorities between items and items that take several touches are not modelled: keep a
margin in `occupancy` (productive share of paid time, default 0.85).

Business hours: pass only the intervals the team works, in order, and the window in
working seconds (a 24 business-hour target over 15-minute intervals is w = 96). With
`cyclic=True` the series is one repeating period (a typical week) and the work of its last
intervals falls due at its start; otherwise work still in its window at the end is left
to the next plan and the start carries `backlog_items` due within the first window.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tierdesk.domain.workforce.errors import WorkforceInputError
from tierdesk.domain.workforce.inputs import (
    IntArray,
    as_float_array,
    fraction,
    is_scalar,
    non_negative,
    positive,
)


def backlog_agents_for(
    arrivals_per_interval: npt.ArrayLike,
    handle_seconds: float,
    window_seconds: float,
    interval_seconds: float,
    *,
    occupancy: float = 0.85,
    shrinkage: float = 0.0,
    backlog_items: float = 0.0,
    cyclic: bool = False,
) -> int | IntArray:
    """Agents per interval so each item is handled within `window_seconds` of arriving."""
    arrivals = non_negative(arrivals_per_interval, "arrivals_per_interval")
    if arrivals.ndim > 1:
        raise WorkforceInputError(
            "arrivals_per_interval", "must be one number per interval, in order (a 1-D array)"
        )
    handle = float(positive(handle_seconds, "handle_seconds"))
    window = float(positive(window_seconds, "window_seconds"))
    interval = float(positive(interval_seconds, "interval_seconds"))
    productive = fraction(occupancy, "occupancy")
    shrink = fraction(shrinkage, "shrinkage", low_open=False, high_open=True)
    backlog = float(non_negative(backlog_items, "backlog_items"))
    if window < interval:
        raise WorkforceInputError(
            "window_seconds",
            f"{window:g} s is shorter than one interval ({interval:g} s); staff this work as a "
            "queue with agents_for, or plan on shorter intervals",
        )
    w = int(np.floor(window / interval + 1e-9))
    capacity = interval * productive  # seconds of handling one agent gives per interval
    if is_scalar(arrivals_per_interval):
        steady = float(arrivals) * handle / capacity
        return int(np.ceil(np.ceil(steady - 1e-9) / (1.0 - shrink) - 1e-9))
    work = as_float_array(arrivals, "arrivals_per_interval") * handle
    if cyclic:
        # The w - 1 intervals before the first are the end of the previous period.
        padded = np.concatenate([np.resize(work[::-1], w - 1)[::-1], work]) if w > 1 else work
    else:
        padded = np.concatenate([np.zeros(w - 1), work])
    sums = np.convolve(padded, np.ones(w), mode="valid")
    needed = sums / w / capacity
    if backlog > 0:
        # Work already waiting is due within the first window: spread it over it.
        first = min(w, len(needed))
        needed[:first] += backlog * handle / first / capacity
    agents = np.ceil(needed - 1e-9)
    return np.ceil(agents / (1.0 - shrink) - 1e-9).astype(np.int64)
