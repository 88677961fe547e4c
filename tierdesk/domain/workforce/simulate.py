"""Discrete-event simulation of the support floor (SimPy): tiers, skills, rosters, patience.

One question, one call: "can we promise VIP 15 minutes 24/7 with this roster?" is

    vip = TierLoad("VIP", vip_arrivals, aht_seconds=420, target_seconds=900, priority=3,
                   patience_seconds=1200)
    seniors = AgentShift("seniors", tiers={"VIP", "Premium"}, intervals=range(672), count=4)
    spec = FloorSpec(interval_seconds=900, loads=(vip, ...), shifts=(seniors, ...))
    verdicts = feasible(simulate_floor(spec, replications=20, seed=7), {"VIP": 0.95})

The model, per replication:
- Arrivals of each load (one tier on one channel) are Poisson with a rate constant within
  each interval: `arrivals_per_interval[i]` expected contacts in interval i.
- Handle times are exponential with mean `aht_seconds` (or lognormal with `handle_cv`, or
  fixed). Patience is exponential with mean `patience_seconds` (None: nobody abandons).
- An agent serves the loads whose tier and channel are in its skills, only during the
  intervals of its shift; a contact in hand when the shift ends is finished (overtime, counted
  in the agent's busy time). A free agent takes the waiting contact of the highest `priority`
  among the loads it serves, the longest waiting first among equal priorities; then, with no
  live contact waiting, the oldest callback. A new contact goes to a free agent with the
  fewest skills (generalists stay free for the contacts only they can take), longest idle first.
- A contact whose patience runs out abandons; with probability `callback_share` it leaves a
  callback instead, served later at the lowest priority and counted apart (not answered).
- Measured: contacts arriving from interval `warmup_intervals` on. The run stops at the end
  of the horizon; contacts still waiting then count as offered and not answered within
  target, and are left out of the waiting-time averages.

Per load and replication: offered, answered, abandoned, callbacks, p_wait (share not taken at
once), service_level = answered within target / offered (abandons and callbacks count
against, as in `erlang_a`), asa = mean wait of answered contacts, mean_wait = mean time in
queue of answered and abandoned contacts, occupancy = busy / on-shift time of the agents who
may serve that load. Each is reported as the mean over independent replications with a 95 %
Student-t confidence interval; `seed` makes runs reproducible.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Literal

import numpy as np

from tierdesk.domain.workforce.errors import WorkforceInputError
from tierdesk.domain.workforce.inputs import FloatArray, IntArray

if TYPE_CHECKING:
    import simpy

HandleDistribution = Literal["exponential", "lognormal", "fixed"]


@dataclass(frozen=True, slots=True)
class TierLoad:
    """The contacts of one tier on one channel, interval by interval."""

    tier: str
    arrivals_per_interval: Sequence[float]
    aht_seconds: float
    target_seconds: float
    priority: int = 0
    channel: str = "phone"
    patience_seconds: float | None = None
    callback_share: float = 0.0
    handle: HandleDistribution = "exponential"
    handle_cv: float = 1.0
    name: str = ""  # defaults to the tier; give one when a tier has several channels

    @property
    def key(self) -> str:
        return self.name or self.tier


@dataclass(frozen=True, slots=True)
class AgentShift:
    """`count` interchangeable agents with the same skills on the same intervals.

    A shift whose skills match none of the loads is ignored (a whole roster may be passed
    when only some of its channels are simulated)."""

    name: str
    tiers: frozenset[str] | set[str] | Sequence[str]
    intervals: Iterable[int]
    channels: frozenset[str] | set[str] | Sequence[str] = ("phone",)
    count: int = 1


@dataclass(frozen=True, slots=True)
class FloorSpec:
    interval_seconds: float
    loads: Sequence[TierLoad]
    shifts: Sequence[AgentShift]
    warmup_intervals: int = 0


@dataclass(frozen=True, slots=True)
class Estimate:
    """Mean over replications and its 95 % confidence interval."""

    mean: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class TierResult:
    tier: str
    target_seconds: float
    offered: Estimate
    answered: Estimate
    abandoned: Estimate
    callbacks: Estimate
    callbacks_done: Estimate
    p_wait: Estimate
    service_level: Estimate
    abandon_rate: Estimate
    asa: Estimate
    mean_wait: Estimate
    occupancy: Estimate


@dataclass(frozen=True, slots=True)
class FloorResult:
    tiers: tuple[TierResult, ...]
    replications: int
    seed: int

    def tier(self, name: str) -> TierResult:
        for result in self.tiers:
            if result.tier == name:
                return result
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Promise:
    """What a tier promises: any of a service level (within the load's target), a maximum
    abandonment rate, a maximum ASA."""

    service_level: float | None = None
    max_abandon: float | None = None
    max_asa_seconds: float | None = None


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not met"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True, slots=True)
class Verdict:
    tier: str
    status: Status
    reasons: tuple[str, ...]


def feasible(result: FloorResult, targets: Mapping[str, Promise | float]) -> dict[str, Verdict]:
    """Per tier: met (every 95 % interval on the right side), not met (one wholly on the
    wrong side) or uncertain (an interval straddles the promise: run more replications)."""
    verdicts: dict[str, Verdict] = {}
    for name, target in targets.items():
        promise = Promise(service_level=target) if isinstance(target, int | float) else target
        try:
            tier = result.tier(name)
        except KeyError:
            raise WorkforceInputError("targets", f"no load named {name!r} was simulated") from None
        checks: list[tuple[str, Estimate, float, bool]] = []
        if promise.service_level is not None:
            label = f"service level within {tier.target_seconds:g} s"
            checks.append((label, tier.service_level, promise.service_level, True))
        if promise.max_abandon is not None:
            checks.append(("abandonment", tier.abandon_rate, promise.max_abandon, False))
        if promise.max_asa_seconds is not None:
            checks.append(("ASA (s)", tier.asa, promise.max_asa_seconds, False))
        if not checks:
            raise WorkforceInputError("targets", f"the promise for {name!r} sets no target")
        statuses: list[Status] = []
        reasons: list[str] = []
        for label, estimate, goal, at_least in checks:
            good = estimate.low >= goal if at_least else estimate.high <= goal
            bad = estimate.high < goal if at_least else estimate.low > goal
            status = Status.MET if good else Status.NOT_MET if bad else Status.UNCERTAIN
            statuses.append(status)
            sign = ">=" if at_least else "<="
            reasons.append(
                f"{label}: {estimate.mean:.4g} (95 % CI {estimate.low:.4g} to "
                f"{estimate.high:.4g}) vs {sign} {goal:g}: {status.value}"
            )
        overall = (
            Status.NOT_MET
            if Status.NOT_MET in statuses
            else Status.UNCERTAIN
            if Status.UNCERTAIN in statuses
            else Status.MET
        )
        verdicts[name] = Verdict(tier=name, status=overall, reasons=tuple(reasons))
    return verdicts


def simulate_floor(spec: FloorSpec, *, replications: int = 10, seed: int = 0) -> FloorResult:
    """Simulate the floor `replications` times (independent streams from `seed`)."""
    _check(spec, replications)
    streams = np.random.SeedSequence(seed).spawn(replications)
    runs = [_Run(spec, np.random.default_rng(stream)).run() for stream in streams]
    tiers = []
    for index, load in enumerate(spec.loads):
        per_run = [run[index] for run in runs]

        def estimate(metric: Callable[[_Tally], float], per: list[_Tally] = per_run) -> Estimate:
            return _estimate([metric(tally) for tally in per])

        tiers.append(
            TierResult(
                tier=load.key,
                target_seconds=load.target_seconds,
                offered=estimate(lambda t: t.offered),
                answered=estimate(lambda t: t.answered),
                abandoned=estimate(lambda t: t.abandoned),
                callbacks=estimate(lambda t: t.callbacks),
                callbacks_done=estimate(lambda t: t.callbacks_done),
                p_wait=estimate(lambda t: _ratio(t.queued, t.offered)),
                service_level=estimate(lambda t: _ratio(t.within_target, t.offered, empty=1.0)),
                abandon_rate=estimate(lambda t: _ratio(t.abandoned + t.callbacks, t.offered)),
                asa=estimate(lambda t: _ratio(t.answered_wait, t.answered)),
                mean_wait=estimate(
                    lambda t: _ratio(t.answered_wait + t.abandoned_wait, t.resolved)
                ),
                occupancy=estimate(lambda t: _ratio(t.busy, t.on_shift)),
            )
        )
    return FloorResult(tiers=tuple(tiers), replications=replications, seed=seed)


def _ratio(numerator: float, denominator: float, empty: float = 0.0) -> float:
    return numerator / denominator if denominator > 0 else empty


def _estimate(values: list[float]) -> Estimate:
    data = np.asarray(values, dtype=np.float64)
    mean = float(data.mean())
    if len(data) < 2:
        return Estimate(mean, -math.inf, math.inf)
    from scipy import stats  # SciPy's statistics load with the first simulation, not at start

    half = float(stats.t.ppf(0.975, len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data)))
    return Estimate(mean, mean - half, mean + half)


def _check(spec: FloorSpec, replications: int) -> None:
    if replications < 2:
        raise WorkforceInputError(
            "replications", "must be 2 or more to give a confidence interval; 10 to 30 is usual"
        )
    if not spec.interval_seconds > 0 or not math.isfinite(spec.interval_seconds):
        raise WorkforceInputError("interval_seconds", "must be a positive number of seconds")
    if not spec.loads:
        raise WorkforceInputError("loads", "give at least one TierLoad")
    horizon = len(spec.loads[0].arrivals_per_interval)
    keys = [load.key for load in spec.loads]
    if len(set(keys)) != len(keys):
        raise WorkforceInputError(
            "loads", "two loads share a name: give `name` to loads of the same tier"
        )
    for i, load in enumerate(spec.loads):
        where = f"loads[{i}]"
        arrivals = np.asarray(load.arrivals_per_interval, dtype=np.float64)
        if arrivals.ndim != 1 or len(arrivals) != horizon or horizon == 0:
            raise WorkforceInputError(
                f"{where}.arrivals_per_interval",
                f"every load needs the same number of intervals ({horizon}), at least one",
            )
        if not np.isfinite(arrivals).all() or (arrivals < 0).any():
            raise WorkforceInputError(
                f"{where}.arrivals_per_interval", "must be finite and 0 or more"
            )
        for attr in ("aht_seconds",):
            value = getattr(load, attr)
            if not (math.isfinite(value) and value > 0):
                raise WorkforceInputError(f"{where}.{attr}", "must be more than 0 seconds")
        if not (math.isfinite(load.target_seconds) and load.target_seconds >= 0):
            raise WorkforceInputError(f"{where}.target_seconds", "must be 0 seconds or more")
        if load.patience_seconds is not None and not load.patience_seconds > 0:
            raise WorkforceInputError(
                f"{where}.patience_seconds", "must be more than 0 seconds, or None (no abandons)"
            )
        if not 0 <= load.callback_share <= 1:
            raise WorkforceInputError(f"{where}.callback_share", "must be a fraction in [0, 1]")
        if load.handle not in ("exponential", "lognormal", "fixed"):
            raise WorkforceInputError(f"{where}.handle", "exponential, lognormal or fixed")
        if not load.handle_cv > 0:
            raise WorkforceInputError(f"{where}.handle_cv", "must be more than 0")
    for i, shift in enumerate(spec.shifts):
        for attr in ("tiers", "channels"):
            if isinstance(getattr(shift, attr), str):
                raise WorkforceInputError(
                    f"shifts[{i}].{attr}", 'must be a set of names, e.g. {"VIP"}, not a string'
                )
        if shift.count < 0:
            raise WorkforceInputError(f"shifts[{i}].count", "must be 0 or more agents")
        bad = [k for k in shift.intervals if not 0 <= k < horizon]
        if bad:
            raise WorkforceInputError(
                f"shifts[{i}].intervals", f"interval {bad[0]} is outside 0..{horizon - 1}"
            )
    if not 0 <= spec.warmup_intervals < horizon:
        raise WorkforceInputError("warmup_intervals", f"must be in 0..{horizon - 1}")


@dataclass(slots=True)
class _Tally:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    callbacks: int = 0
    callbacks_done: int = 0
    queued: int = 0
    within_target: int = 0
    resolved: int = 0
    answered_wait: float = 0.0
    abandoned_wait: float = 0.0
    busy: float = 0.0
    on_shift: float = 0.0


@dataclass(slots=True)
class _Contact:
    load: int
    arrived: float
    handle: float
    patience: float
    measured: bool
    callback: bool = False
    waiting: bool = True


@dataclass(slots=True)
class _Agent:
    loads: tuple[int, ...]  # the loads it serves, highest priority first
    key: frozenset[int]
    on_shift: bool = False
    busy: bool = False
    busy_seconds: float = 0.0
    shift_seconds: float = 0.0
    served: list[int] = field(default_factory=list)


class _Run:
    """One replication: SimPy events with plain callbacks (no process per contact)."""

    def __init__(self, spec: FloorSpec, rng: np.random.Generator) -> None:
        self.spec = spec
        self.rng = rng
        import simpy  # loaded with the first simulation, not at start

        self.env = simpy.Environment()
        self.dt = float(spec.interval_seconds)
        self.horizon = len(spec.loads[0].arrivals_per_interval) * self.dt
        self.warmup = spec.warmup_intervals * self.dt
        self.loads = list(spec.loads)
        self.priority = [load.priority for load in self.loads]
        self.queues: list[deque[_Contact]] = [deque() for _ in self.loads]
        self.callbacks: list[deque[_Contact]] = [deque() for _ in self.loads]
        self.tallies = [_Tally() for _ in self.loads]
        self.idle: dict[frozenset[int], dict[int, _Agent]] = {}
        self.agents: list[_Agent] = []
        self._pools_for: list[list[frozenset[int]]] = []

    def run(self) -> list[_Tally]:
        self._build_agents()
        self._schedule_arrivals()
        self.env.run(until=self.horizon)
        for agent in self.agents:
            for index in agent.key:
                self.tallies[index].busy += agent.busy_seconds
                self.tallies[index].on_shift += agent.shift_seconds
        return self.tallies

    # --- set-up -----------------------------------------------------------------------
    def _build_agents(self) -> None:
        for shift in self.spec.shifts:
            tiers, channels = set(shift.tiers), set(shift.channels)
            serves = [
                i
                for i, load in enumerate(self.loads)
                if load.tier in tiers and load.channel in channels
            ]
            if not serves:
                continue
            order = tuple(sorted(serves, key=lambda i: -self.priority[i]))
            blocks = _blocks(sorted(set(shift.intervals)))
            for _ in range(shift.count):
                agent = _Agent(loads=order, key=frozenset(serves))
                number = len(self.agents)
                self.agents.append(agent)
                self.idle.setdefault(agent.key, {})
                for start, end in blocks:
                    begin, finish = start * self.dt, end * self.dt
                    agent.shift_seconds += max(0.0, finish - max(begin, self.warmup))
                    self._at(begin, partial(self._shift_starts, number))
                    self._at(finish, partial(self._shift_ends, number))
        # For each load, the idle pools that may take it, specialists first.
        for index in range(len(self.loads)):
            pools = [key for key in self.idle if index in key]
            self._pools_for.append(sorted(pools, key=len))

    def _schedule_arrivals(self) -> None:
        times: list[FloatArray] = []
        which: list[IntArray] = []
        for index, load in enumerate(self.loads):
            expected = np.asarray(load.arrivals_per_interval, dtype=np.float64)
            counts = self.rng.poisson(expected)
            starts = np.repeat(np.arange(len(expected)) * self.dt, counts)
            arrivals = np.sort(starts + self.rng.uniform(0.0, self.dt, size=starts.size))
            times.append(arrivals)
            which.append(np.full(arrivals.size, index))
        all_times = np.concatenate(times)
        all_loads = np.concatenate(which)
        order = np.argsort(all_times, kind="stable")
        self.env.process(self._arrivals(all_times[order], all_loads[order]))

    def _arrivals(self, times: FloatArray, loads: IntArray) -> simpy.events.ProcessGenerator:
        handles = [
            self._handle_times(load, int((loads == i).sum())) for i, load in enumerate(self.loads)
        ]
        patiences = [
            self._patiences(load, int((loads == i).sum())) for i, load in enumerate(self.loads)
        ]
        used = [0] * len(self.loads)
        for time, index in zip(times.tolist(), loads.tolist(), strict=True):
            if time > self.env.now:
                yield self.env.timeout(time - self.env.now)
            k = used[index]
            used[index] += 1
            self._arrive(
                _Contact(
                    load=index,
                    arrived=time,
                    handle=float(handles[index][k]),
                    patience=float(patiences[index][k]),
                    measured=time >= self.warmup,
                )
            )

    def _handle_times(self, load: TierLoad, size: int) -> FloatArray:
        mean = load.aht_seconds
        if load.handle == "fixed":
            return np.full(size, mean)
        if load.handle == "lognormal":
            sigma2 = math.log1p(load.handle_cv**2)
            return self.rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), size)
        return self.rng.exponential(mean, size)

    def _patiences(self, load: TierLoad, size: int) -> FloatArray:
        if load.patience_seconds is None:
            return np.full(size, math.inf)
        return self.rng.exponential(load.patience_seconds, size)

    def _at(self, when: float, action: Callable[[simpy.events.Event], None]) -> None:
        if when > self.horizon:
            return
        event = self.env.timeout(max(0.0, when - self.env.now))
        event.callbacks.append(action)

    # --- contacts ---------------------------------------------------------------------
    def _arrive(self, contact: _Contact) -> None:
        tally = self.tallies[contact.load]
        if contact.measured:
            tally.offered += 1
        for key in self._pools_for[contact.load]:
            pool = self.idle[key]
            if pool:
                number = next(iter(pool))
                del pool[number]
                self._serve(number, contact)
                return
        if contact.measured:
            tally.queued += 1
        self.queues[contact.load].append(contact)
        if math.isfinite(contact.patience):
            self._at(self.env.now + contact.patience, partial(self._give_up, contact))

    def _give_up(self, contact: _Contact, _event: simpy.events.Event) -> None:
        if not contact.waiting:
            return
        contact.waiting = False
        load = self.loads[contact.load]
        tally = self.tallies[contact.load]
        leaves_callback = load.callback_share > 0 and self.rng.random() < load.callback_share
        if contact.measured:
            tally.resolved += 1
            tally.abandoned_wait += contact.patience
            if leaves_callback:
                tally.callbacks += 1
            else:
                tally.abandoned += 1
        if leaves_callback:
            callback = _Contact(
                load=contact.load,
                arrived=self.env.now,
                handle=float(self._handle_times(load, 1)[0]),
                patience=math.inf,
                measured=contact.measured,
                callback=True,
            )
            self.callbacks[contact.load].append(callback)
            self._wake_for(contact.load)

    def _wake_for(self, index: int) -> None:
        """A callback was queued: an idle agent who may take it does so at once."""
        for key in self._pools_for[index]:
            pool = self.idle[key]
            if pool:
                number = next(iter(pool))
                del pool[number]
                self._next(number)
                return

    def _serve(self, number: int, contact: _Contact) -> None:
        agent = self.agents[number]
        now = self.env.now
        contact.waiting = False
        agent.busy = True
        if contact.measured and contact.callback:
            self.tallies[contact.load].callbacks_done += 1
        elif contact.measured:
            tally = self.tallies[contact.load]
            wait = now - contact.arrived
            tally.answered += 1
            tally.resolved += 1
            tally.answered_wait += wait
            if wait <= self.loads[contact.load].target_seconds:
                tally.within_target += 1
        end = now + contact.handle
        agent.busy_seconds += max(0.0, min(end, self.horizon) - max(now, self.warmup))
        event = self.env.timeout(contact.handle)
        event.callbacks.append(partial(self._done, number))

    def _done(self, number: int, _event: simpy.events.Event) -> None:
        agent = self.agents[number]
        agent.busy = False
        self._next(number)

    def _next(self, number: int) -> None:
        """A free agent on shift takes the most urgent waiting contact, else waits idle."""
        agent = self.agents[number]
        if not agent.on_shift:
            return
        best: _Contact | None = None
        for queues in (self.queues, self.callbacks):
            for index in agent.loads:
                queue = queues[index]
                while queue and not queue[0].waiting:
                    queue.popleft()  # abandoned while waiting: drop lazily
                if not queue:
                    continue
                head = queue[0]
                if best is None:
                    best = head
                elif self.priority[head.load] < self.priority[best.load]:
                    break  # loads are in priority order: nothing better follows
                elif head.arrived < best.arrived:
                    best = head
            if best is not None:
                break
        if best is None:
            self.idle[agent.key][number] = agent
            return
        (self.callbacks if best.callback else self.queues)[best.load].popleft()
        self._serve(number, best)

    def _shift_starts(self, number: int, _event: simpy.events.Event) -> None:
        agent = self.agents[number]
        agent.on_shift = True
        if not agent.busy and number not in self.idle[agent.key]:
            self._next(number)

    def _shift_ends(self, number: int, _event: simpy.events.Event) -> None:
        agent = self.agents[number]
        agent.on_shift = False
        self.idle[agent.key].pop(number, None)


def _blocks(intervals: list[int]) -> list[tuple[int, int]]:
    """Sorted interval numbers as [start, end) runs of consecutive intervals."""
    blocks: list[tuple[int, int]] = []
    for k in intervals:
        if blocks and blocks[-1][1] == k:
            blocks[-1] = (blocks[-1][0], k + 1)
        else:
            blocks.append((k, k + 1))
    return blocks
