"""Slow, obviously-correct oracles for the workforce maths: plain loops over states."""

import math
import os

from hypothesis import HealthCheck, settings
from scipy import special

# CI replays the same examples on every run, so a red build is reproducible; runs on a
# developer's machine keep exploring new ones. No deadline: the machines are shared.
_REPLAY = os.environ.get("CI") == "true"


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        derandomize=_REPLAY,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def erlang_b_recurrence(traffic: float, agents: int) -> float:
    """The textbook recurrence B(n) = a B(n-1) / (n + a B(n-1)), one agent at a time."""
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def erlang_c_from_b(traffic: float, agents: int) -> float:
    if traffic >= agents:
        return 1.0
    b = erlang_b_recurrence(traffic, agents)
    return agents * b / (agents - traffic * (1 - b))


def erlang_a_chain(
    traffic: float, agents: int, aht: float, patience: float, target: float
) -> dict[str, float]:
    """M/M/n+M by its birth-death chain, truncated where its tail no longer counts.

    An overloaded queue settles near (lam - n mu) / theta waiting, which for patient
    callers runs to thousands: the chain reaches that far plus many standard deviations,
    and a check makes a too-short chain fail loudly instead of drifting.

    Per state with k waiting ahead, the tagged arrival is answered within the target with
    x / (x + k + 1) * (1 - I_c(x + 1, k + 1)) and waits (psi(x + k + 2) - psi(x + 1)) /
    theta on average when answered (the queue ahead empties at rates n mu + j theta).
    """
    lam, mu, theta = traffic / aht, 1 / aht, 1 / patience
    settled = max(0.0, (lam - agents * mu) / theta)
    extra = int(settled + 40 * math.sqrt(settled + 1)) + 3000
    log_pi = [0.0]
    for j in range(1, agents + extra):
        death = min(j, agents) * mu + max(j - agents, 0) * theta
        log_pi.append(log_pi[-1] + math.log(lam / death))
    top = max(log_pi)
    weights = [math.exp(v - top) for v in log_pi]
    assert weights[-1] < 1e-30, "the chain is cut where its tail still counts"
    total = sum(weights)
    pi = [w / total for w in weights]
    queue = pi[agents:]
    p_wait = sum(queue)
    mean_queue = sum(k * p for k, p in enumerate(queue))
    abandon = theta * mean_queue / lam
    x = agents * patience / aht
    c = math.exp(-target / patience)
    within = sum(
        p * x / (x + k + 1) * float(special.betaincc(x + 1, k + 1, c)) for k, p in enumerate(queue)
    )
    answered_wait = sum(
        p
        * x
        / (x + k + 1)
        * (float(special.digamma(x + k + 2)) - float(special.digamma(x + 1)))
        * patience
        for k, p in enumerate(queue)
    )
    return {
        "p_wait": p_wait,
        "abandon_rate": abandon,
        "service_level": 1 - p_wait + within,
        "asa": answered_wait / (1 - abandon),
        "mean_wait": mean_queue / lam,
        "occupancy": traffic * (1 - abandon) / agents,
    }
