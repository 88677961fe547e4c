"""Can the roster keep each tier's promise? The forecast and roster on the simulated floor.

Each tier on each channel is one load: Poisson arrivals at the forecast rate, exponential
handle times, exponential patience on phone and chat (email and web wait), priority by
tier rank (VIP first). Chat runs at the planned concurrency, modelled as a handle time
divided by it. Rostered agents serve every tier their seniority allows, on every channel,
in the intervals their shifts cover for at least half; the roster is taken as productive
time (no shrinkage inside the simulation: roster net of breaks to be exact).
"""

from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tierdesk.domain.workforce import (
    AgentShift,
    FloorSpec,
    Promise,
    Status,
    TierLoad,
    TierResult,
    Verdict,
    WorkforceInputError,
    feasible,
    simulate_floor,
)
from tierdesk.errors import Invalid
from tierdesk.tiers.models import Channel
from tierdesk.workforce.assumptions import Assumptions
from tierdesk.workforce.models import Roster
from tierdesk.workforce.planning import ForecastResult, SeriesForecast, roster_rules
from tierdesk.workforce.staffing import QUEUES, answer_target, first_response_window
from tierdesk.workforce.timelines import seconds_per_interval, shift_spans

SEVERITY = {Status.MET: 0, Status.UNCERTAIN: 1, Status.NOT_MET: 2}


@dataclass(frozen=True, slots=True)
class Promised:
    """A tier's promise to check: answer within `target_seconds` for `service_level`."""

    tier: str
    target_seconds: float | None = None  # None: the tier's own target per channel
    service_level: float | None = None  # None: the plan's service level


@dataclass(frozen=True, slots=True)
class LoadCheck:
    name: str
    channel: str
    result: TierResult
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class TierFeasibility:
    tier: str
    status: Status
    service_level: float
    checks: list[LoadCheck]


def _target(series: SeriesForecast, promised: Promised | None, a: Assumptions) -> float:
    if promised is not None and promised.target_seconds is not None:
        return promised.target_seconds
    if series.channel in QUEUES:
        return answer_target(series.tier, series.channel, a)
    return first_response_window(series.tier) or 86400.0


def _load(series: SeriesForecast, promised: Promised | None, a: Assumptions) -> TierLoad:
    aht = a.aht_seconds[series.channel]
    if series.channel == Channel.CHAT:
        aht /= a.chat_concurrency
    return TierLoad(
        tier=series.tier.name,
        arrivals_per_interval=series.values.tolist(),
        aht_seconds=aht,
        target_seconds=_target(series, promised, a),
        priority=series.tier.rank,
        channel=series.channel,
        patience_seconds=a.patience_seconds.get(series.channel),
        name=f"{series.tier.name} {series.channel}",
    )


def _shifts(
    roster: Roster, forecast: ForecastResult, tiers: dict[str, int]
) -> tuple[list[AgentShift], bool]:
    """Agent groups the simulator staffs, and whether anyone at all is on shift."""
    grid = forecast.grid
    spans = shift_spans(roster_rules(roster), tz=ZoneInfo(roster.time_zone), grid=grid)
    seniority = {s.agent_id: s.agent.seniority for s in roster.shifts.all()}
    channels = sorted({s.channel for s in forecast.series})
    groups: dict[tuple[frozenset[str], tuple[int, ...]], int] = defaultdict(int)
    anyone = False
    for agent, agent_spans in spans.items():
        covered = seconds_per_interval(agent_spans, grid) >= grid.minutes * 30
        intervals = tuple(int(i) for i in covered.nonzero()[0])
        skills = frozenset(t for t, minimum in tiers.items() if seniority[agent] >= minimum)
        anyone = anyone or bool(intervals)
        if intervals and skills:
            groups[(skills, intervals)] += 1
    shifts = [
        AgentShift(name=f"group {k}", tiers=skills, intervals=intervals, channels=channels, count=n)
        for k, ((skills, intervals), n) in enumerate(sorted(groups.items(), key=str))
    ]
    if anyone and not shifts:
        # On shift, but senior enough for none of these tiers: nobody answers them.
        shifts = [AgentShift("nobody qualified", tiers=set(tiers), intervals=(0,), count=0)]
    return shifts, anyone


def check_roster(
    *,
    forecast: ForecastResult,
    roster: Roster,
    assumptions: Assumptions,
    promises: list[Promised],
    replications: int = 10,
    seed: int = 7,
) -> list[TierFeasibility]:
    """Per tier: met, not met or uncertain (a 95 % interval straddles the promise)."""
    assumptions.check()
    by_tier = {p.tier: p for p in promises}
    known = {s.tier.name for s in forecast.series}
    unknown = sorted(set(by_tier) - known)
    if unknown:
        raise Invalid(
            f"No forecast for tier {unknown[0]!r}; tiers are {', '.join(sorted(known))}.",
            fields={"promises": f"unknown tier {unknown[0]}"},
        )
    chosen = [s for s in forecast.series if not by_tier or s.tier.name in by_tier]
    loads = [_load(s, by_tier.get(s.tier.name), assumptions) for s in chosen if s.values.sum() > 0]
    if not loads:
        raise Invalid(
            "The forecast has no contacts for these tiers.", fields={"promises": "no contacts"}
        )
    tiers = {s.tier.name: s.tier.min_seniority for s in forecast.series}
    shifts, anyone = _shifts(roster, forecast, tiers)
    if not anyone:
        raise Invalid(
            f"Roster {roster.name!r} has no agent on shift in the forecast's horizon.",
            fields={"roster_id": "empty roster for this horizon"},
        )
    spec = FloorSpec(interval_seconds=forecast.interval_minutes * 60.0, loads=loads, shifts=shifts)
    try:
        result = simulate_floor(spec, replications=replications, seed=seed)
        levels = {
            load.key: Promise(
                service_level=(by_tier.get(load.tier) or Promised(load.tier)).service_level
                or assumptions.service_level
            )
            for load in loads
        }
        verdicts = feasible(result, levels)
    except WorkforceInputError as error:
        raise Invalid(
            f"{error.field}: {error.message}", fields={error.field: error.message}
        ) from error
    out: dict[str, list[LoadCheck]] = defaultdict(list)
    for load in loads:
        out[load.tier].append(
            LoadCheck(load.key, load.channel, result.tier(load.key), verdicts[load.key])
        )
    return [
        TierFeasibility(
            tier=tier,
            status=max((c.verdict.status for c in checks), key=SEVERITY.__getitem__),
            service_level=levels[checks[0].name].service_level or assumptions.service_level,
            checks=checks,
        )
        for tier, checks in out.items()
    ]
