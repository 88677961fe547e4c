"""Staffing maths speed and agreement: tierdesk against pyworkforce and erlanglib.

    python bench/erlang.py [--quick]

Same inputs for every implementation (rules: ../shared/BENCH.md):
- a week of 672 fifteen-minute intervals with a weekday double peak (10:00 and 14:00), quiet
  nights and a lighter weekend, 240 s handle time, 80 % answered within 20 s, Erlang C;
- a very large centre: 20,000 erlangs (300 s handle time, 80/20);
- Erlang A (patience 120 s) on the week's Monday, against pyworkforce's ErlangA.

Peers and how they are run:
- pyworkforce 0.5.4 (`pyworkforce.queuing.ErlangC` / `ErlangA`, `required_positions`), one
  object per interval, as its README shows. Its ASA is the mean wait of all arrivals; only
  required agents are compared, where its service level convention equals ours.
- erlanglib 1.2.0 has Erlang C probabilities but no search: the fewest agents is found the
  obvious way (from floor(a) + 1 upward). It sums factorials in 1000-digit Decimal, so it is
  given a time budget; intervals it did not reach are reported, never estimated.
- erlangccmath (PyPI) is left out: it sends every calculation to a web service.

Then the simulator against the analytic models: M/M/c against Erlang C and M/M/c+M against
Erlang A, each measure with its 95 % confidence interval over independent replications.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tierdesk.domain.workforce import (
    AgentShift,
    FloorSpec,
    TierLoad,
    agents_for,
    asa,
    erlang_a,
    erlang_c,
    service_level,
    simulate_floor,
)

INTERVAL = 900.0
WEEK_AHT, TARGET, LEVEL = 240.0, 20.0, 0.8
BIG_TRAFFIC, BIG_AHT = 20_000.0, 300.0
PATIENCE = 120.0


def week_calls() -> np.ndarray:
    """Calls per 15-minute interval, Monday 00:00 to Sunday 23:45: a realistic shape."""
    hours = np.arange(96) / 4.0
    day = (
        0.03
        + 0.85 * np.exp(-(((hours - 10.5) / 1.8) ** 2))
        + 0.75 * np.exp(-(((hours - 14.5) / 2.0) ** 2))
        + 0.25 * ((hours >= 8) & (hours < 20))
    )
    weights = [1.0, 0.95, 0.92, 0.9, 0.85, 0.45, 0.35]  # Monday busiest, weekend light
    return np.round(np.concatenate([day * w for w in weights]) * 260.0 + 2.0)


@dataclass
class Row:
    name: str
    case: str
    count: int
    seconds: float | None
    agrees: str
    note: str = ""


def best_of(reps: int, run: Callable[[], object]) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(reps):
        t0 = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - t0)
    return best, result


def sl_oracle(traffic: float, agents: int, aht: float, target: float) -> float:
    """Service level by the textbook recurrence, one agent at a time (plain floats)."""
    if agents <= traffic:
        return 0.0
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    c = agents * b / (agents - traffic * (1 - b))
    return 1 - c * math.exp(-(agents - traffic) * target / aht)


def pyworkforce_c(calls: float, aht: float, interval: float) -> int:
    from pyworkforce.queuing import ErlangC

    model = ErlangC(transactions=calls, aht=aht / 60, asa=TARGET / 60, interval=interval / 60)
    return int(model.required_positions(service_level=LEVEL)["raw_positions"])


def pyworkforce_a(calls: float) -> int:
    from pyworkforce.queuing import ErlangA

    model = ErlangA(
        transactions=calls,
        aht=WEEK_AHT / 60,
        asa=TARGET / 60,
        interval=INTERVAL / 60,
        patience=PATIENCE / 60,
    )
    return int(model.required_positions(service_level=LEVEL)["raw_positions"])


def erlanglib_c(traffic: float, aht: float) -> int:
    from erlanglib.core import erlang_c as lib_c
    from erlanglib.core import service_level as lib_sl

    n = math.floor(traffic) + 1
    while lib_sl(n, traffic, lib_c(n, traffic), TARGET, aht) < LEVEL:
        n += 1
    return n


def _erlanglib_worker(traffic: float, aht: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    t0 = time.perf_counter()
    out.put((erlanglib_c(traffic, aht), time.perf_counter() - t0))


def erlanglib_with_timeout(traffic: float, aht: float, budget: float) -> tuple[int, float] | None:
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    process = mp.Process(target=_erlanglib_worker, args=(traffic, aht, queue))
    process.start()
    process.join(budget)
    if process.is_alive():
        process.terminate()
        process.join()
        return None
    return queue.get()  # type: ignore[no-any-return]


def peer_per_interval(
    run: Callable[[float], int], inputs: np.ndarray, budget: float
) -> tuple[list[int], float, str]:
    """Run a peer interval by interval until done or out of budget; errors are reasons."""
    answers: list[int] = []
    t0 = time.perf_counter()
    for value in inputs:
        try:
            answers.append(run(float(value)))
        except (OverflowError, ValueError, ArithmeticError) as exc:
            return answers, time.perf_counter() - t0, f"{type(exc).__name__} at {value:g}"
        if time.perf_counter() - t0 > budget:
            done = len(answers)
            return answers, time.perf_counter() - t0, f"budget {budget:g} s: {done} done"
    return answers, time.perf_counter() - t0, ""


def agreement(ours: np.ndarray, theirs: list[int]) -> str:
    if not theirs:
        return "n/a"
    same = np.array_equal(ours[: len(theirs)], np.array(theirs))
    return "yes" if same else f"no ({int((ours[: len(theirs)] != theirs).sum())} differ)"


def max_agents_ok() -> int:
    """Largest staffing checked minimal by the one-agent-at-a-time recurrence."""
    best = 0
    for traffic in (100.0, 1_000.0, 10_000.0, 20_000.0, 50_000.0, 90_000.0):
        n = int(agents_for(traffic, BIG_AHT, target_seconds=TARGET, service_level=LEVEL))
        ok = (
            sl_oracle(traffic, n, BIG_AHT, TARGET)
            >= LEVEL
            > sl_oracle(traffic, n - 1, BIG_AHT, TARGET)
        )
        if ok:
            best = max(best, n)
    return best


def simulator_table(*, quick: bool) -> list[tuple[str, str, float, float, float, float]]:
    hours = 4 if quick else 10
    reps = 10 if quick else 30
    rows: list[tuple[str, str, float, float, float, float]] = []
    cases = [
        ("M/M/10 vs Erlang C (a=8)", 8.0, 10, 60.0, None),
        ("M/M/45 vs Erlang C (a=40)", 40.0, 45, 60.0, None),
        ("M/M/8+M vs Erlang A (a=8)", 8.0, 8, 60.0, 90.0),
        ("M/M/40+M vs Erlang A (a=42)", 42.0, 40, 60.0, 120.0),
    ]
    for label, traffic, agents, aht, patience in cases:
        per_hour = traffic / aht * 3600
        spec = FloorSpec(
            3600.0,
            (
                TierLoad(
                    "T",
                    [per_hour] * hours,
                    aht_seconds=aht,
                    target_seconds=TARGET,
                    patience_seconds=patience,
                ),
            ),
            (AgentShift("team", {"T"}, range(hours), count=agents),),
            warmup_intervals=1,
        )
        result = simulate_floor(spec, replications=reps, seed=2024).tier("T")
        if patience is None:
            analytic = {
                "p_wait": erlang_c(traffic, agents),
                "service_level": service_level(traffic, agents, aht, TARGET),
                "asa": asa(traffic, agents, aht),
            }
        else:
            model = erlang_a(traffic, agents, aht, patience, TARGET)
            analytic = {
                "p_wait": float(model.p_wait),
                "abandon_rate": float(model.abandon_rate),
                "service_level": float(model.service_level),
                "asa": float(model.asa),
            }
        for metric, value in analytic.items():
            estimate = getattr(result, metric)
            rows.append((label, metric, value, estimate.mean, estimate.low, estimate.high))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and replications")
    quick = parser.parse_args().quick
    reps = 5 if quick else 20
    lib_budget = 10.0 if quick else 45.0

    calls = week_calls()
    traffic = calls / INTERVAL * WEEK_AHT
    rows: list[Row] = []

    def vectorised() -> object:
        return agents_for(traffic, WEEK_AHT, target_seconds=TARGET, service_level=LEVEL)

    week_s, ours_obj = best_of(reps, vectorised)
    ours = np.asarray(ours_obj)
    rows.append(Row("tierdesk (vectorised)", "week C", len(traffic), week_s, "-"))

    def scalar() -> object:
        return [
            agents_for(float(t), WEEK_AHT, target_seconds=TARGET, service_level=LEVEL)
            for t in traffic
        ]

    scalar_s, scalar_answers = best_of(max(1, reps // 5), scalar)
    rows.append(
        Row(
            "tierdesk (scalar loop)",
            "week C",
            len(traffic),
            scalar_s,
            agreement(ours, list(scalar_answers)),
        )  # type: ignore[arg-type]
    )

    pw_answers, pw_s, pw_note = peer_per_interval(
        lambda c: pyworkforce_c(c, WEEK_AHT, INTERVAL), calls, budget=120.0
    )
    rows.append(
        Row(
            "pyworkforce 0.5.4",
            "week C",
            len(pw_answers),
            pw_s,
            agreement(ours, pw_answers),
            pw_note,
        )
    )

    lib_answers, lib_s, lib_note = peer_per_interval(
        lambda a: erlanglib_c(a, WEEK_AHT), traffic, budget=lib_budget
    )
    rows.append(
        Row(
            "erlanglib 1.2.0",
            "week C",
            len(lib_answers),
            lib_s,
            agreement(ours, lib_answers),
            lib_note,
        )
    )

    # Erlang A on Monday (96 intervals).
    monday = calls[:96]
    monday_traffic = monday / INTERVAL * WEEK_AHT

    def vectorised_a() -> object:
        return agents_for(
            monday_traffic,
            WEEK_AHT,
            target_seconds=TARGET,
            service_level=LEVEL,
            patience_seconds=PATIENCE,
        )

    a_s, ours_a_obj = best_of(reps, vectorised_a)
    ours_a = np.asarray(ours_a_obj)
    rows.append(Row("tierdesk (vectorised)", "Monday A", len(monday), a_s, "-"))
    pwa_answers, pwa_s, pwa_note = peer_per_interval(
        pyworkforce_a, monday, budget=30.0 if quick else 120.0
    )
    # pyworkforce searches from ceil(a) upward, so it never returns fewer agents than
    # erlangs, which abandonment can make enough; service levels are monotone in agents,
    # so its answer is ours raised to ceil(a), and that is what is compared.
    floor_a = np.maximum(ours_a, np.ceil(monday_traffic - 1e-9).astype(np.int64))
    below = int((ours_a < floor_a).sum())
    rows.append(
        Row(
            "pyworkforce 0.5.4",
            "Monday A",
            len(pwa_answers),
            pwa_s,
            agreement(floor_a, pwa_answers),
            pwa_note or f"compared as max(ours, ceil(a)); {below} intervals need < a agents",
        )
    )

    # A very large centre.
    big_s, big_obj = best_of(
        reps, lambda: agents_for(BIG_TRAFFIC, BIG_AHT, target_seconds=TARGET, service_level=LEVEL)
    )
    big = int(big_obj)  # type: ignore[call-overload]
    rows.append(Row("tierdesk", "20,000 E", 1, big_s, "-", f"{big:,} agents"))
    big_calls = BIG_TRAFFIC / BIG_AHT * INTERVAL
    pw_big, pw_big_s, pw_big_note = peer_per_interval(
        lambda c: pyworkforce_c(c, BIG_AHT, INTERVAL), np.array([big_calls]), budget=120.0
    )
    rows.append(
        Row(
            "pyworkforce 0.5.4",
            "20,000 E",
            len(pw_big),
            pw_big_s,
            agreement(np.array([big]), pw_big),
            pw_big_note,
        )
    )
    big_budget = 10.0 if quick else 30.0
    lib_big = erlanglib_with_timeout(BIG_TRAFFIC, BIG_AHT, big_budget)
    if lib_big is None:
        rows.append(
            Row(
                "erlanglib 1.2.0",
                "20,000 E",
                0,
                None,
                "n/a",
                f"did not finish in {big_budget:g} s (O(n^2) Decimal sums)",
            )
        )
    else:
        rows.append(
            Row(
                "erlanglib 1.2.0",
                "20,000 E",
                1,
                lib_big[1],
                agreement(np.array([big]), [lib_big[0]]),
            )
        )

    print(
        f"week: 672 intervals of 15 min, {int(calls.sum()):,} calls, peak {traffic.max():.1f} E, "
        f"AHT {WEEK_AHT:g} s, {LEVEL:.0%} within {TARGET:g} s; Erlang A patience {PATIENCE:g} s"
    )
    print(f"best of {reps} repetitions for tierdesk, one run for peers\n")
    header = (
        f"{'implementation':<24} {'case':<10} {'inputs':>6} {'time':>11} "
        f"{'per second':>12}  agrees  note"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        timing = "-" if row.seconds is None else f"{row.seconds * 1e3:9.2f}ms"
        rate = "-" if not row.seconds or not row.count else f"{row.count / row.seconds:,.0f}"
        print(
            f"{row.name:<24} {row.case:<10} {row.count:>6} {timing:>11} {rate:>12}  "
            f"{row.agrees:<6}  {row.note}"
        )

    print("\nsimulator against the analytic models (95 % confidence intervals)")
    sim_header = (
        f"{'model':<30} {'measure':<14} {'analytic':>10} {'simulated':>10} {'95 % CI':>21}  inside"
    )
    print(sim_header)
    print("-" * len(sim_header))
    sim_rows = simulator_table(quick=quick)
    for label, metric, value, mean, low, high in sim_rows:
        inside = "yes" if low <= value <= high else "no"
        print(
            f"{label:<30} {metric:<14} {value:>10.4f} {mean:>10.4f} "
            f"{low:>10.4f}-{high:<10.4f}  {inside}"
        )

    print()
    print(f"week_672_intervals_ms: {week_s * 1e3:.2f}")
    if not pw_note:
        print(f"speedup_vs_pyworkforce: {pw_s / week_s:.0f}")
    print(f"max_agents_ok: {max_agents_ok()}")


if __name__ == "__main__":
    main()
