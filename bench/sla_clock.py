"""SLA clock speed: tierdesk batch and scalar against pandas CustomBusinessHour and businesstime.

    python bench/sla_clock.py [--quick]

Same seeded cases for every implementation: a Mon-Fri 09:00-17:00 UTC calendar (no DST,
no holidays, the common ground of all peers), starts on any minute of 2024-2025 (inside
or outside hours), due-time targets of 1-40 whole hours (pandas adds whole business
hours) and durations to an end up to 30 days later. Rules: ../shared/BENCH.md.

Peers' semantics, and how agreement is checked:
- pandas ``Timestamp + CustomBusinessHour(n)`` rolls a due time that lands exactly at
  closing to the next opening; tierdesk is due at closing (shared/DESIGN.md). Its answers
  are compared with tierdesk's rolled the same way, and the number rolled is printed.
  pandas has no business-duration function, so it has no "between" row.
- businesstime has no "add" (only ``businesstimedelta``), so it has no due-time row;
  its durations are compared exactly. Where any peer differs, a day-by-day referee
  (below, obviously correct for this one calendar) says who is right.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as clock

import numpy as np
import pandas as pd
from businesstime import BusinessTime

from tierdesk.domain.sla import UTC as ZONE_UTC
from tierdesk.domain.sla import (
    Calendar,
    Shift,
    add_business_seconds,
    add_business_seconds_batch,
    add_business_seconds_epoch,
    business_seconds_between,
    business_seconds_between_batch,
    next_opening_epoch,
    table_for,
)

HOUR, DAY = 3600, 86_400
SEED = 20_240_601
OFFICE = Calendar(tz=ZONE_UTC, weekly={d: (Shift(clock(9), clock(17)),) for d in range(5)})


def cases(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    first = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    starts = first + rng.integers(0, 2 * 365 * 24 * 60, n) * 60
    hours = rng.integers(1, 41, n)
    ends = starts + rng.integers(0, 30 * 24 * 60, n) * 60
    return starts.astype(np.int64), hours.astype(np.int64), ends.astype(np.int64)


def best_of(reps: int, run: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(reps):
        t0 = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - t0)
    return best, result


def referee_between(start: int, end: int) -> int:
    """Open seconds in [start, end) on OFFICE, day by day: overlap with each weekday's 9-17."""
    total = 0
    for day in range(start // DAY, end // DAY + 1):
        if (day + 3) % 7 < 5:  # 1970-01-01 was a Thursday (weekday 3)
            opens, closes = day * DAY + 9 * HOUR, day * DAY + 17 * HOUR
            total += max(0, min(end, closes) - max(start, opens))
    return total


def naive(t: int) -> datetime:
    """Naive UTC wall time, as the peers take it."""
    return datetime.fromtimestamp(t, UTC).replace(tzinfo=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases, fewer repetitions")
    quick = parser.parse_args().quick
    n = 10_000 if quick else 100_000
    reps = 2 if quick else 5
    peer_reps = 1 if quick else 2
    starts, hours, ends = cases(n)
    seconds = hours * HOUR
    rows: list[tuple[str, str, int, float | None, str]] = []

    t0 = time.perf_counter()
    state = table_for(OFFICE).covering(int(starts.min()), int(ends.max()))
    build_s = time.perf_counter() - t0

    # tierdesk batch
    batch_s, due = best_of(reps, lambda: add_business_seconds_batch(starts, seconds, OFFICE))
    assert isinstance(due, np.ndarray)
    rows.append(("tierdesk batch", "due", n, batch_s, "reference"))
    between_s, between = best_of(reps, lambda: business_seconds_between_batch(starts, ends, OFFICE))
    assert isinstance(between, np.ndarray)

    # tierdesk scalar: aware datetimes in and out, one call per item
    aware = [datetime.fromtimestamp(t, UTC) for t in starts.tolist()]
    aware_ends = [datetime.fromtimestamp(t, UTC) for t in ends.tolist()]
    secs = seconds.tolist()
    scalar_s, scalar_due = best_of(
        max(reps - 2, 1),
        lambda: [add_business_seconds(s, k, OFFICE) for s, k in zip(aware, secs, strict=True)],
    )
    assert isinstance(scalar_due, list)
    scalar_ok = [int(d.timestamp()) for d in scalar_due] == due.tolist()
    rows.append(("tierdesk scalar", "due", n, scalar_s, "yes" if scalar_ok else "NO"))
    epoch_starts = starts.tolist()
    epoch_s, epoch_due = best_of(
        max(reps - 2, 1),
        lambda: [
            add_business_seconds_epoch(s, k, OFFICE)
            for s, k in zip(epoch_starts, secs, strict=True)
        ],
    )
    epoch_ok = epoch_due == due.tolist()
    rows.append(("tierdesk scalar epoch", "due", n, epoch_s, "yes" if epoch_ok else "NO"))

    # pandas: one offset per distinct n applied to that group's DatetimeIndex (its fastest
    # documented form; pandas still applies a CustomBusinessHour element by element).
    index = pd.DatetimeIndex(starts.astype("datetime64[s]"))
    groups = {int(h): np.nonzero(hours == h)[0] for h in np.unique(hours)}
    offsets = {h: pd.offsets.CustomBusinessHour(n=h, start="09:00", end="17:00") for h in groups}

    def pandas_due() -> np.ndarray:
        out = np.empty(n, dtype=np.int64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PerformanceWarning: non-vectorized DateOffset
            for h, where in groups.items():
                shifted = index[where] + offsets[h]
                out[where] = shifted.as_unit("s").asi8
        return out

    pandas_s, pandas_answer = best_of(peer_reps, pandas_due)
    assert isinstance(pandas_answer, np.ndarray)
    rolled = np.array([next_opening_epoch(t, OFFICE) for t in due.tolist()], dtype=np.int64)
    n_rolled = int((rolled != due).sum())
    pandas_diff = np.nonzero(pandas_answer != rolled)[0]
    pandas_agrees = (
        f"yes ({n_rolled} due at closing, rolled to opening as pandas does)"
        if len(pandas_diff) == 0
        else f"NO: {len(pandas_diff)} differ, e.g. {naive(int(starts[pandas_diff[0]]))}"
    )
    rows.append(("pandas CustomBusinessHour", "due", n, pandas_s, pandas_agrees))
    rows.append(("businesstime", "due", n, None, "n/a: no add API (businesstimedelta only)"))

    # durations
    rows.append(("tierdesk batch", "between", n, between_s, "reference"))
    scalar_between_s, scalar_between = best_of(
        max(reps - 2, 1),
        lambda: [
            business_seconds_between(s, e, OFFICE) for s, e in zip(aware, aware_ends, strict=True)
        ],
    )
    ok = scalar_between == between.tolist()
    rows.append(("tierdesk scalar", "between", n, scalar_between_s, "yes" if ok else "NO"))

    bt = BusinessTime(business_hours=(clock(9), clock(17)))
    naive_starts = [naive(t) for t in starts.tolist()]
    naive_ends = [naive(t) for t in ends.tolist()]

    def businesstime_between() -> list[int]:
        out = []
        for s, e in zip(naive_starts, naive_ends, strict=True):
            delta = bt.businesstimedelta(s, e)
            out.append(delta.days * 8 * HOUR + delta.seconds)  # its "days" are business days
        return out

    bt_s, bt_answer = best_of(peer_reps, businesstime_between)
    assert isinstance(bt_answer, list)
    bt_diff = [
        i for i, (a, b) in enumerate(zip(bt_answer, between.tolist(), strict=True)) if a != b
    ]
    referee_sides_with_us = sum(
        referee_between(int(starts[i]), int(ends[i])) == int(between[i]) for i in bt_diff
    )
    bt_agrees = (
        "yes"
        if not bt_diff
        else f"no: {len(bt_diff)} differ; referee agrees with tierdesk on "
        f"{referee_sides_with_us} (e.g. {naive_starts[bt_diff[0]]:%a %H:%M} to "
        f"{naive_ends[bt_diff[0]]:%a %H:%M}: businesstime {bt_answer[bt_diff[0]]} s, "
        f"tierdesk {int(between[bt_diff[0]])} s)"
    )
    rows.append(("businesstime", "between", n, bt_s, bt_agrees))
    rows.append(("pandas", "between", n, None, "n/a: no business-duration API"))

    # The referee checks tierdesk itself on a sample (it is slow-ish: a loop per day).
    sample = range(0, n, max(1, n // 2_000))
    referee_ok = all(
        referee_between(int(starts[i]), int(ends[i])) == int(between[i]) for i in sample
    )

    print(
        f"sla_clock: {n:,} cases, Mon-Fri 09:00-17:00 UTC, seed {SEED}, "
        f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}"
    )
    lo, hi = (datetime.fromtimestamp(t, UTC) for t in (state.lo, state.hi))
    years = f"{lo:%Y-%m-%d} to {hi:%Y-%m-%d}"
    print(
        f"table build ({years}, {len(state.opens):,} intervals; once per calendar, "
        f"not in the timings): {build_s * 1e3:.1f} ms"
    )
    print(
        f"referee (day-by-day) agrees with tierdesk between on {len(sample)} sampled cases: "
        f"{'yes' if referee_ok else 'NO'}"
    )
    print(f"best of {reps} repetitions for tierdesk batch, of {peer_reps} for peers\n")
    header = (
        f"{'implementation':<26} {'operation':<8} {'n cases':>9} {'seconds':>9} "
        f"{'items/s':>13}  agrees"
    )
    print(header)
    print("-" * len(header))
    for name, op, count, secs_taken, agrees in rows:
        timing = (
            f"{secs_taken:>9.4f} {count / secs_taken:>13,.0f}"
            if secs_taken is not None
            else f"{'-':>9} {'-':>13}"
        )
        print(f"{name:<26} {op:<8} {count:>9,} {timing}  {agrees}")
    print()
    print("speedup_vs_pandas compares due times; speedup_vs_businesstime compares durations")
    print("(businesstime cannot add), each as tierdesk batch throughput / peer throughput.")
    batch_rate = n / batch_s
    print(f"batch_due_per_s: {batch_rate:.0f}")
    print(f"scalar_due_us: {scalar_s / n * 1e6:.2f}")
    print(f"speedup_vs_pandas: {batch_rate / (n / pandas_s):.0f}")
    print(f"speedup_vs_businesstime: {(n / between_s) / (n / bt_s):.0f}")


if __name__ == "__main__":
    main()
