"""Erlang A: the M/M/n+M queue (Palm's model, exponential patience), stable in log space.

Sources: Garnett, Mandelbaum & Reiman, "Designing a call center with impatient customers",
M&SOM 4(3), 2002 (P(wait), P(abandon)); Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of
performance measures" (Technion, 2005) and Zeltyn's thesis, for the waiting-time law.

With x = n mu / theta and y = lambda / theta (mu = 1 / aht, theta = 1 / patience), the queue
beyond the n busy agents has weights t_k = prod_{i=1..k} y / (x + i), and
    S = sum_k t_k = e^y y^-x Gamma(x + 1) P(x, y)            (P: regularised lower gamma)
    P(wait) = S B / (1 + (S - 1) B)                            (B: Erlang B of n, a)
    P(abandon | wait) = 1 - (x / y)(1 - 1 / S)
An arrival finding k ahead of it has offered wait V with exp(-theta V) ~ Beta(x, k + 1), so it
is answered within T with probability x / (x + k + 1) * (1 - I_c(x + 1, k + 1)), c = e^-theta T;
summed over k this is (x / y)(P(x + 1, y) - P(x + 1, y c)) / P(x, y) per waiting arrival. Its
mean wait when answered is (psi(x + k + 2) - psi(x + 1)) / theta. Where P(x, y) underflows
(many agents, long patience, light load) the sums over k are taken term by term instead.

Conventions (decided for tierdesk, stated in docs/workforce.md):
- service_level = answered within the target / ALL arrivals; a contact that abandons, even
  after 2 seconds, counts against the level (the strict reading a customer would take).
- abandon_rate = fraction of arrivals who abandon.
- asa = mean wait of the contacts that are answered (answered at once count as 0 s);
  mean_wait = mean time in queue of all arrivals (abandoned ones until they hang up).
- occupancy = traffic x (1 - abandon_rate) / agents: abandoned contacts take no agent time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tierdesk.domain.workforce.erlang import log_erlang_b_unchecked
from tierdesk.domain.workforce.inputs import (
    FloatArray,
    agent_counts,
    is_scalar,
    non_negative,
    positive,
)

_TINY = 1e-250


@dataclass(frozen=True, slots=True)
class ErlangA:
    """Erlang A measures for one interval (floats) or many (arrays of one shape)."""

    p_wait: float | FloatArray
    abandon_rate: float | FloatArray
    service_level: float | FloatArray
    asa: float | FloatArray
    mean_wait: float | FloatArray
    occupancy: float | FloatArray


@dataclass(frozen=True, slots=True)
class ErlangACore:
    """The closed-form parts; asa (a sum over queue lengths) is computed only on demand."""

    p_wait: FloatArray
    abandon_rate: FloatArray
    service_level: FloatArray
    mean_wait: FloatArray
    occupancy: FloatArray


def erlang_a(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_seconds: npt.ArrayLike,
    patience_seconds: npt.ArrayLike,
    target_seconds: npt.ArrayLike,
) -> ErlangA:
    """Erlang A measures: waiting, abandonment, service level, ASA, occupancy.

    `traffic` in Erlangs, `agents` whole agents, times in seconds; arrays broadcast.
    """
    a = non_negative(traffic, "traffic")
    n = agent_counts(agents)
    h = positive(aht_seconds, "aht_seconds")
    p = positive(patience_seconds, "patience_seconds")
    t = non_negative(target_seconds, "target_seconds")
    core = erlang_a_core(a, n, h, p, t)
    answered_wait = asa_unchecked(a, n, h, p, core)
    scalar = is_scalar(traffic, agents, aht_seconds, patience_seconds, target_seconds)

    def out(value: FloatArray) -> float | FloatArray:
        return float(value) if scalar else value

    return ErlangA(
        p_wait=out(core.p_wait),
        abandon_rate=out(core.abandon_rate),
        service_level=out(core.service_level),
        asa=out(answered_wait),
        mean_wait=out(core.mean_wait),
        occupancy=out(core.occupancy),
    )


def erlang_a_core(
    traffic: FloatArray,
    agents: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    target: FloatArray,
) -> ErlangACore:
    """Erlang A closed forms on checked arrays (internal)."""
    from scipy import special  # SciPy loads with the first staffing sum, not at server start

    a, n, h, p, t = (
        np.asarray(v, dtype=np.float64)
        for v in np.broadcast_arrays(traffic, agents, aht, patience, target)
    )
    shape = a.shape
    p_wait = np.zeros(shape)
    abandon = np.zeros(shape)
    sl = np.ones(shape)
    # No agents: every arrival waits and, being impatient, abandons.
    none = (n == 0) & (a > 0)
    p_wait[none], abandon[none], sl[none] = 1.0, 1.0, 0.0
    live = (n > 0) & (a > 0)
    if live.any():
        x = n[live] * p[live] / h[live]
        y = a[live] * p[live] / h[live]
        c = np.exp(-t[live] / p[live])
        log_b = log_erlang_b_unchecked(a[live], n[live])
        log_s, served_given_wait_t = _queue_sums(x, y, c)
        log_not_b = np.log1p(-np.exp(log_b))
        pw = special.expit(log_b + log_s - log_not_b)
        answered_given_wait = -(x / y) * np.expm1(-log_s)
        p_wait[live] = pw
        abandon[live] = np.clip(pw * (1.0 - answered_given_wait), 0.0, 1.0)
        sl[live] = np.clip(1.0 - pw + pw * served_given_wait_t, 0.0, 1.0)
    mean_wait = abandon * p
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0, a * (1.0 - abandon) / n, 0.0)
    return ErlangACore(
        p_wait=p_wait,
        abandon_rate=abandon,
        service_level=sl,
        mean_wait=mean_wait,
        occupancy=np.minimum(occ, 1.0),
    )


def _queue_sums(x: FloatArray, y: FloatArray, c: FloatArray) -> tuple[FloatArray, FloatArray]:
    """log S, and the share of waiting arrivals answered within the target."""
    from scipy import special

    gx = special.gammainc(x, y)
    log_s = np.empty_like(x)
    within = np.empty_like(x)
    closed = gx > _TINY
    if closed.any():
        xs, ys, cs = x[closed], y[closed], c[closed]
        log_s[closed] = ys - special.xlogy(xs, ys) + special.gammaln(xs + 1.0) + np.log(gx[closed])
        upper = special.gammainc(xs + 1.0, ys)
        lower = special.gammainc(xs + 1.0, ys * cs)
        # Subtract on the side of the distribution where the values are small (no cancellation).
        diff = np.where(
            upper < 0.5,
            upper - lower,
            special.gammaincc(xs + 1.0, ys * cs) - special.gammaincc(xs + 1.0, ys),
        )
        within[closed] = np.clip((xs / ys) * diff / gx[closed], 0.0, 1.0)
    series = ~closed
    if series.any():
        log_s[series], within[series] = _queue_sums_series(x[series], y[series], c[series])
    return log_s, within


def _queue_sums_series(
    x: FloatArray, y: FloatArray, c: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Term by term, where y is well below x so t_k shrinks at least geometrically."""
    from scipy import special

    total = np.ones_like(x)
    within = (x / (x + 1.0)) * special.betaincc(x + 1.0, 1.0, c)
    term = np.ones_like(x)
    active = np.ones(x.shape, dtype=bool)
    k = 0
    while active.any():
        k += 1
        term = np.where(active, term * y / (x + k), 0.0)
        total += term
        within += term * (x / (x + k + 1.0)) * special.betaincc(x + 1.0, k + 1.0, c)
        active = term > 1e-17 * total
    return np.log(total), np.clip(within / total, 0.0, 1.0)


def asa_unchecked(
    traffic: FloatArray,
    agents: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    core: ErlangACore,
) -> FloatArray:
    """Mean wait of answered contacts: a sum over queue lengths around the most likely one."""
    a, n, h, p = (
        np.asarray(v, dtype=np.float64) for v in np.broadcast_arrays(traffic, agents, aht, patience)
    )
    result = np.zeros(a.shape)
    result[(n == 0) & (a > 0)] = np.inf
    live = (n > 0) & (a > 0)
    if not live.any():
        return result
    x = n[live] * p[live] / h[live]
    y = a[live] * p[live] / h[live]
    mode = np.maximum(0.0, np.ceil(y - x))
    # Around the mode the weights fall like a normal of variance y: nine standard
    # deviations leave out less than e^-40 of the mass. When y < x they also fall at least
    # geometrically, by y / (x + 1) a step, which bounds the window for long patience.
    half = np.ceil(9.0 * np.sqrt(y + 1.0)) + 10.0
    with np.errstate(divide="ignore"):
        geometric = np.ceil(45.0 / -np.log(y / (x + 1.0))) + 10.0
    half = np.where(y < x, np.minimum(half, geometric), half)
    answered = np.empty(x.shape)
    answered_wait = np.empty(x.shape)
    # Rows of similar width together, a bounded number of cells at a time (memory).
    order = np.argsort(half, kind="stable")
    begin = 0
    while begin < order.size:
        end = begin + 1
        while end < order.size and (end - begin + 1) * (2 * half[order[end]] + 1) <= _CELLS:
            end += 1
        rows = order[begin:end]
        answered[rows], answered_wait[rows] = _wait_sums(x[rows], y[rows], mode[rows], half[rows])
        begin = end
    pw = core.p_wait[live]
    answered_total = 1.0 - pw + pw * answered
    result[live] = pw * answered_wait * p[live] / answered_total
    return result


_CELLS = 1 << 21  # queue lengths times rows summed at once: about 16 MB per array


def _wait_sums(
    x: FloatArray, y: FloatArray, mode: FloatArray, half: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per waiting arrival: the share answered, and answered x (wait in units of patience)."""
    from scipy import special

    width = int(2 * half.max() + 1)
    low = np.maximum(0.0, mode - half)
    k = low[:, None] + np.arange(width)[None, :]
    xc, yc = x[:, None], y[:, None]
    log_t = special.xlogy(k, yc) - (special.gammaln(xc + k + 1.0) - special.gammaln(xc + 1.0))
    log_t = np.where(k <= (mode + half)[:, None], log_t, -np.inf)
    weights = np.exp(log_t - log_t.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    answered = xc / (xc + k + 1.0)
    # psi(x + k + 2) - psi(x + 1) = sum_{i=1..k+1} 1 / (x + i): summed, not subtracted, so
    # that a huge x (very patient callers) loses no digits.
    base = special.digamma(x + low + 1.0) - special.digamma(x + 1.0)
    waits = base[:, None] + np.cumsum(1.0 / (xc + k + 1.0), axis=1)
    return (weights * answered).sum(axis=1), (weights * answered * waits).sum(axis=1)
