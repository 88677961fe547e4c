"""Erlang B and Erlang C (M/M/c) measures, vectorised and stable from 1 to 100,000 agents.

Units: `traffic` is offered load in Erlangs (arrivals per second x average handle time in
seconds), `agents` a whole number of agents, times in seconds.

Numerics. Erlang B is the Poisson ratio B(n, a) = P(X = n) / P(X <= n), X ~ Poisson(a)
(Jagerman 1974): the numerator in log space (n log a - a - lgamma(n + 1)), the denominator
the regularised upper incomplete gamma Q(n + 1, a) from SciPy. Where Q underflows (traffic
far above the agents, an overloaded centre) the inverse series
1 / B = sum_j n! / ((n - j)! a^j), whose terms shrink geometrically by (n - j) / a < 1, takes
over. No factorial or power is ever formed, so 20,000 agents and 10,000 Erlangs are as exact
as 2 agents. Erlang C follows from B: C = n B / (n - a (1 - B)) for a < n, else 1
(Cooper, "Introduction to Queueing Theory", 2nd ed., 1981, eq. 2.5.11 ff.).
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from tierdesk.domain.workforce.inputs import (
    FloatArray,
    agent_counts,
    is_scalar,
    non_negative,
    positive,
)

# Below this Q(n + 1, a) has lost its relative precision (or underflowed): use the series.
_TINY_CDF = 1e-250


def log_erlang_b_unchecked(traffic: FloatArray, agents: FloatArray) -> FloatArray:
    """log B(n, a) for checked, broadcastable arrays (internal: no validation)."""
    from scipy import special  # SciPy loads with the first staffing sum, not at server start

    a, n = np.broadcast_arrays(traffic, agents)
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = special.xlogy(n, a) - a - special.gammaln(n + 1.0)
        cdf = special.gammaincc(n + 1.0, a)
        log_b = np.asarray(log_pmf - np.log(cdf), dtype=np.float64)
    small = cdf < _TINY_CDF
    if small.any():
        log_b = np.array(log_b, dtype=np.float64, copy=True)
        log_b[small] = -np.log(_inverse_b_series(a[small], n[small]))
    return np.minimum(log_b, 0.0)


def _inverse_b_series(a: FloatArray, n: FloatArray) -> FloatArray:
    """1 / B(n, a) = sum_{j=0..n} prod_{i<j} (n - i) / a, for a well above n (fast decay)."""
    total = np.ones_like(a)
    term = np.ones_like(a)
    active = np.ones(a.shape, dtype=bool)
    j = 0
    while active.any():
        term = np.where(active, term * np.maximum(n - j, 0.0) / a, 0.0)
        total += term
        j += 1
        active = term > 1e-17 * total
    return total


def erlang_b_unchecked(traffic: FloatArray, agents: FloatArray) -> FloatArray:
    return np.asarray(np.exp(log_erlang_b_unchecked(traffic, agents)), dtype=np.float64)


def erlang_c_unchecked(traffic: FloatArray, agents: FloatArray) -> FloatArray:
    """Probability of waiting; 1 where the agents cannot keep up (traffic >= agents)."""
    a, n = np.broadcast_arrays(traffic, agents)
    b = erlang_b_unchecked(a, n)
    stable = a < n
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - a * (1.0 - b))
    return np.asarray(np.where(stable, np.clip(c, 0.0, 1.0), 1.0), dtype=np.float64)


def service_level_unchecked(
    traffic: FloatArray, agents: FloatArray, aht: FloatArray, target: FloatArray
) -> FloatArray:
    a, n, h, t = np.broadcast_arrays(traffic, agents, aht, target)
    c = erlang_c_unchecked(a, n)
    with np.errstate(over="ignore", invalid="ignore"):
        sl = 1.0 - c * np.exp(-(n - a) * t / h)
    return np.asarray(np.where(a < n, np.clip(sl, 0.0, 1.0), 0.0), dtype=np.float64)


def asa_unchecked(traffic: FloatArray, agents: FloatArray, aht: FloatArray) -> FloatArray:
    a, n, h = np.broadcast_arrays(traffic, agents, aht)
    c = erlang_c_unchecked(a, n)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        asa = c * h / (n - a)
    return np.asarray(np.where(a < n, asa, np.inf), dtype=np.float64)


def occupancy_unchecked(traffic: FloatArray, agents: FloatArray) -> FloatArray:
    a, n = np.broadcast_arrays(traffic, agents)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0, np.minimum(a / n, 1.0), np.where(a > 0, 1.0, 0.0))
    return np.asarray(occ, dtype=np.float64)


@overload
def erlang_b(traffic: float, agents: int) -> float: ...
@overload
def erlang_b(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> float | FloatArray: ...
def erlang_b(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> float | FloatArray:
    """Blocking probability of an M/M/c/c loss system (Erlang B)."""
    result = erlang_b_unchecked(non_negative(traffic, "traffic"), agent_counts(agents))
    return _out(result, traffic, agents)


@overload
def erlang_c(traffic: float, agents: int) -> float: ...
@overload
def erlang_c(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> float | FloatArray: ...
def erlang_c(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> float | FloatArray:
    """Probability that a contact waits (Erlang C, M/M/c); 1 when traffic >= agents."""
    result = erlang_c_unchecked(non_negative(traffic, "traffic"), agent_counts(agents))
    return _out(result, traffic, agents)


@overload
def service_level(
    traffic: float, agents: int, aht_seconds: float, target_seconds: float
) -> float: ...
@overload
def service_level(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_seconds: npt.ArrayLike,
    target_seconds: npt.ArrayLike,
) -> float | FloatArray: ...
def service_level(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_seconds: npt.ArrayLike,
    target_seconds: npt.ArrayLike,
) -> float | FloatArray:
    """Fraction answered within `target_seconds`: 1 - C exp(-(n - a) t / aht); 0 if unstable."""
    result = service_level_unchecked(
        non_negative(traffic, "traffic"),
        agent_counts(agents),
        positive(aht_seconds, "aht_seconds"),
        non_negative(target_seconds, "target_seconds"),
    )
    return _out(result, traffic, agents, aht_seconds, target_seconds)


@overload
def asa(traffic: float, agents: int, aht_seconds: float) -> float: ...
@overload
def asa(
    traffic: npt.ArrayLike, agents: npt.ArrayLike, aht_seconds: npt.ArrayLike
) -> float | FloatArray: ...
def asa(
    traffic: npt.ArrayLike, agents: npt.ArrayLike, aht_seconds: npt.ArrayLike
) -> float | FloatArray:
    """Average speed of answer in seconds, C aht / (n - a); infinite when traffic >= agents."""
    result = asa_unchecked(
        non_negative(traffic, "traffic"),
        agent_counts(agents),
        positive(aht_seconds, "aht_seconds"),
    )
    return _out(result, traffic, agents, aht_seconds)


@overload
def occupancy(traffic: float, agents: int) -> float: ...
@overload
def occupancy(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> float | FloatArray: ...
def occupancy(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> float | FloatArray:
    """Share of agent time spent handling: traffic / agents, at most 1 (0 with no traffic)."""
    result = occupancy_unchecked(non_negative(traffic, "traffic"), agent_counts(agents))
    return _out(result, traffic, agents)


def _out(result: FloatArray, *inputs: npt.ArrayLike) -> float | FloatArray:
    if is_scalar(*inputs):
        return float(result)
    return result


__all__ = [
    "asa",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "service_level",
]
