"""How many agents an interval needs: the fewest that meet every target, then shrinkage.

`agents_for` searches per interval, all intervals at once: it starts from a known failing
count (the traffic itself for Erlang C, which is unstable at n <= a), brackets from above
with square-root staffing n = a + beta sqrt(a) (Halfin & Whitt 1981; beta doubled until the
targets hold), then bisects every interval together. Each constraint improves with more
agents, so the fewest agents meeting all of them is one bisection; a week of 672 intervals
costs a dozen vectorised Erlang evaluations, never a loop over agent counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tierdesk.domain.workforce.erlang import (
    asa_unchecked,
    occupancy_unchecked,
    service_level_unchecked,
)
from tierdesk.domain.workforce.erlang_a import ErlangACore, erlang_a_core
from tierdesk.domain.workforce.erlang_a import asa_unchecked as erlang_a_asa
from tierdesk.domain.workforce.errors import Unreachable, WorkforceInputError
from tierdesk.domain.workforce.inputs import (
    FloatArray,
    IntArray,
    fraction,
    is_scalar,
    non_negative,
    positive,
)

MAX_AGENTS = 100_000  # the cap: beyond it a target is reported unreachable, not searched

BoolArray = npt.NDArray[np.bool_]
Check = Callable[[FloatArray, IntArray], BoolArray]


@dataclass(frozen=True, slots=True)
class _Constraint:
    field: str
    describe: str
    check: Check


def agents_for(
    traffic: npt.ArrayLike,
    aht_seconds: npt.ArrayLike,
    *,
    target_seconds: npt.ArrayLike | None = None,
    service_level: float | None = None,
    max_asa_seconds: float | None = None,
    max_abandon: float | None = None,
    patience_seconds: npt.ArrayLike | None = None,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> int | IntArray:
    """The fewest agents meeting every given target, grossed up for shrinkage.

    Erlang C (no abandonment) unless `patience_seconds` is given, then Erlang A, where the
    service level counts answered-within-target over all arrivals (abandons count against).
    `service_level` goes with `target_seconds` ("80 % within 20 s"); `max_asa_seconds`,
    `max_abandon` (needs patience) and `max_occupancy` may be added; at least one target is
    required. Rostered agents = ceil(n / (1 - shrinkage)). Traffic 0 needs 0 agents: a
    minimum presence on the floor (say one agent for a 24/7 promise) is a rostering rule.
    Arrays broadcast; an array in gives an int64 array out.
    """
    a = non_negative(traffic, "traffic")
    h = positive(aht_seconds, "aht_seconds")
    p = None if patience_seconds is None else positive(patience_seconds, "patience_seconds")
    shrink = fraction(shrinkage, "shrinkage", low_open=False, high_open=True)
    constraints = _constraints(
        a,
        h,
        p,
        target_seconds=target_seconds,
        service_level=service_level,
        max_asa_seconds=max_asa_seconds,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
    )
    shape = np.broadcast_shapes(a.shape, h.shape, () if p is None else p.shape)
    traffic_b = np.broadcast_to(a, shape)
    needed = _search(traffic_b, constraints, erlang_c=p is None, max_occupancy=max_occupancy)
    rostered = np.ceil(needed / (1.0 - shrink) - 1e-9).astype(np.int64)
    if is_scalar(traffic, aht_seconds, patience_seconds, target_seconds):
        return int(rostered)
    return rostered


def _constraints(
    a: FloatArray,
    h: FloatArray,
    p: FloatArray | None,
    *,
    target_seconds: npt.ArrayLike | None,
    service_level: float | None,
    max_asa_seconds: float | None,
    max_abandon: float | None,
    max_occupancy: float | None,
) -> list[_Constraint]:
    if (service_level is None) != (target_seconds is None):
        missing = "target_seconds" if target_seconds is None else "service_level"
        raise WorkforceInputError(
            missing, "service_level and target_seconds go together, e.g. 0.8 within 20 seconds"
        )
    if max_abandon is not None and p is None:
        raise WorkforceInputError(
            "patience_seconds", "max_abandon needs the callers' mean patience in seconds"
        )
    if all(v is None for v in (service_level, max_asa_seconds, max_abandon, max_occupancy)):
        raise WorkforceInputError(
            "service_level",
            "give at least one target: service_level with target_seconds, max_asa_seconds, "
            "max_abandon or max_occupancy",
        )
    constraints: list[_Constraint] = []
    shape = np.broadcast_shapes(a.shape, h.shape, () if p is None else p.shape)
    a_f = np.broadcast_to(a, shape).ravel()
    h_f = np.broadcast_to(h, shape).ravel()
    p_f = np.broadcast_to(np.inf if p is None else p, shape).ravel()
    # Several Erlang A constraints ask about the same agent counts in one bisection step.
    cache: dict[bytes, ErlangACore] = {}

    def erlang_a_at(n: FloatArray, rows: IntArray, target: FloatArray) -> ErlangACore:
        key = n.tobytes() + rows.tobytes() + target.tobytes()
        if key not in cache:
            cache.clear()
            cache[key] = erlang_a_core(a_f[rows], n, h_f[rows], p_f[rows], target)
        return cache[key]

    if service_level is not None and target_seconds is not None:
        level = fraction(service_level, "service_level", high_open=True)
        target_f = np.broadcast_to(non_negative(target_seconds, "target_seconds"), shape).ravel()

        def meets_level(n: FloatArray, rows: IntArray) -> BoolArray:
            if p is None:
                return service_level_unchecked(a_f[rows], n, h_f[rows], target_f[rows]) >= level
            return erlang_a_at(n, rows, target_f[rows]).service_level >= level

        constraints.append(
            _Constraint("service_level", f"{level:.1%} within the target", meets_level)
        )
    if max_asa_seconds is not None:
        limit = float(positive(max_asa_seconds, "max_asa_seconds"))

        def meets_asa(n: FloatArray, rows: IntArray) -> BoolArray:
            if p is None:
                return asa_unchecked(a_f[rows], n, h_f[rows]) <= limit
            core = erlang_a_at(n, rows, np.zeros(n.shape))
            return erlang_a_asa(a_f[rows], n, h_f[rows], p_f[rows], core) <= limit

        constraints.append(_Constraint("max_asa_seconds", f"ASA at most {limit:g} s", meets_asa))
    if max_abandon is not None:
        share = fraction(max_abandon, "max_abandon")

        def meets_abandon(n: FloatArray, rows: IntArray) -> BoolArray:
            return erlang_a_at(n, rows, np.zeros(n.shape)).abandon_rate <= share

        constraints.append(
            _Constraint("max_abandon", f"abandonment at most {share:.1%}", meets_abandon)
        )
    if max_occupancy is not None:
        cap = fraction(max_occupancy, "max_occupancy")

        def meets_occupancy(n: FloatArray, rows: IntArray) -> BoolArray:
            if p is None:
                return occupancy_unchecked(a_f[rows], n) <= cap
            return erlang_a_at(n, rows, np.zeros(n.shape)).occupancy <= cap

        constraints.append(
            _Constraint("max_occupancy", f"occupancy at most {cap:.1%}", meets_occupancy)
        )
    return constraints


def _meets_all(n: FloatArray, rows: IntArray, constraints: list[_Constraint]) -> BoolArray:
    """Whether n agents meet every constraint, for the given rows (intervals) only."""
    ok = np.ones(n.shape, dtype=bool)
    for constraint in constraints:
        todo = np.flatnonzero(ok)
        if todo.size == 0:
            break
        ok[todo] = constraint.check(n[todo], rows[todo])
    return ok


def _search(
    a: FloatArray,
    constraints: list[_Constraint],
    *,
    erlang_c: bool,
    max_occupancy: float | None,
) -> FloatArray:
    """Per interval, the fewest agents meeting all constraints (0 where traffic is 0)."""
    shape = a.shape
    a = np.ascontiguousarray(a).ravel()
    # lo always fails and hi always meets (in busy intervals): the bisection invariant.
    lo = np.floor(a) if erlang_c else np.zeros_like(a)
    if max_occupancy is not None:
        lo = np.maximum(lo, np.ceil(a / max_occupancy - 1e-12) - 1.0)
    lo = np.maximum(lo, 0.0)
    hi = np.zeros_like(a)
    todo = np.flatnonzero(a > 0)
    beta = 1.0
    hi[todo] = np.minimum(np.ceil(a[todo] + np.sqrt(a[todo])) + 1.0, MAX_AGENTS)
    hi = np.maximum(hi, np.where(a > 0, lo + 1.0, 0.0))
    while todo.size:
        ok = _meets_all(hi[todo], todo, constraints)
        todo = todo[~ok]
        if todo.size == 0 or (hi[todo] >= MAX_AGENTS).all():
            break
        beta *= 2.0
        wider = np.minimum(np.ceil(a[todo] + beta * np.sqrt(a[todo])) + beta, MAX_AGENTS)
        lo[todo] = np.maximum(lo[todo], hi[todo])  # hi failed: a better lower bound
        hi[todo] = np.maximum(hi[todo] + 1.0, wider)
    if todo.size:
        _raise_unreachable(hi[todo], todo, constraints)
    todo = np.flatnonzero(hi - lo > 1)
    while todo.size:
        mid = np.floor((lo[todo] + hi[todo]) / 2.0)
        good = _meets_all(mid, todo, constraints)
        hi[todo[good]] = mid[good]
        lo[todo[~good]] = mid[~good]
        todo = todo[hi[todo] - lo[todo] > 1]
    return hi.reshape(shape)


def _raise_unreachable(n: FloatArray, rows: IntArray, constraints: list[_Constraint]) -> None:
    for constraint in constraints:
        bad = ~constraint.check(n, rows)
        if bad.any():
            where = int(rows[np.flatnonzero(bad)[0]])
            raise Unreachable(
                constraint.field,
                f"{constraint.describe} cannot be met with up to {MAX_AGENTS:,} agents "
                f"(first at interval {where}); lower the target or split the load",
            )
    raise Unreachable(constraints[0].field, "cannot be met")  # pragma: no cover


__all__ = ["MAX_AGENTS", "agents_for"]
