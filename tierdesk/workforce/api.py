"""Workforce endpoints: managers and admins plan; every agent sets their own status."""

from datetime import date, datetime, time
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from tierdesk.schemas import In, Out
from tierdesk.workforce import planning, selectors, services
from tierdesk.workforce.access import require_planner
from tierdesk.workforce.assumptions import Assumptions
from tierdesk.workforce.feasibility import Promised, check_roster
from tierdesk.workforce.staffing import staffing_plan

router = Router(tags=["workforce"])

# 15, 30 or 60: checked by the forecast module, whose 422 names the field.
Interval = int
StatusName = Literal["available", "busy", "break", "offline"]
ChannelName = Literal["phone", "chat", "email", "web"]


class ForecastQuery(In):
    interval_minutes: Interval = 60
    horizon_days: float = Field(default=7, gt=0, le=366)
    history_days: int = Field(default=91, ge=1, le=3 * 366)
    holdout_weeks: int = Field(default=0, ge=0, le=8)


class BacktestOut(Out):
    mape: float | None
    wape: float | None
    naive_mape: float | None
    naive_wape: float | None
    actual: list[float]
    forecast: list[float]
    naive: list[float]


class SeriesOut(Out):
    tier: str
    channel: str
    total: float
    values: list[float]
    backtest: BacktestOut | None


class ForecastOut(Out):
    history_start: datetime
    start: datetime
    interval_minutes: int
    intervals: int
    series: list[SeriesOut]
    pooled: dict[str, float | None]


def _num(value: float) -> float | None:
    return None if value != value else round(value, 4)  # NaN (no contacts) -> null


def _forecast_out(result: planning.ForecastResult) -> dict[str, object]:
    series = []
    for s in result.series:
        b = s.backtest
        series.append(
            {
                "tier": s.tier.name,
                "channel": s.channel,
                "total": round(float(s.values.sum()), 2),
                "values": [round(float(v), 3) for v in s.values],
                "backtest": None
                if b is None
                else {
                    "mape": _num(b.mape),
                    "wape": _num(b.wape),
                    "naive_mape": _num(b.naive_mape),
                    "naive_wape": _num(b.naive_wape),
                    "actual": b.actual.tolist(),
                    "forecast": [round(float(v), 3) for v in b.forecast],
                    "naive": b.naive.tolist(),
                },
            }
        )
    return {
        "history_start": result.history_start,
        "start": result.start,
        "interval_minutes": result.interval_minutes,
        "intervals": result.horizon,
        "series": series,
        "pooled": {k: _num(v) for k, v in result.pooled.items()},
    }


@router.get("/forecast", response=ForecastOut)
def forecast(request: HttpRequest, query: Query[ForecastQuery]) -> object:
    """Contacts per tier and channel per interval; with holdout_weeks, a backtest too."""
    require_planner(request.auth)
    return _forecast_out(planning.cached_forecast(**query.dict()))


class VolumeIn(In):
    tier: str
    channel: ChannelName
    values: list[float]


class AssumptionsIn(In):
    aht_seconds: dict[ChannelName, float] | None = None
    patience_seconds: dict[Literal["phone", "chat"], float] | None = None
    chat_concurrency: int | None = None
    service_level: float | None = None
    default_answer_seconds: float | None = None
    max_occupancy: float | None = None
    shrinkage: float | None = None
    cost_per_hour: float | None = None


class PlanIn(In):
    interval_minutes: Interval = 60
    horizon_days: float = Field(default=7, gt=0, le=366)
    history_days: int = Field(default=91, ge=1, le=3 * 366)
    roster_id: int | None = None
    # What-if: plan these volumes instead of the forecast from ticket history.
    volumes: list[VolumeIn] | None = None
    assumptions: AssumptionsIn = Field(default_factory=AssumptionsIn)


class PlanIntervalOut(Out):
    start: datetime
    contacts: float
    by_channel: dict[str, int]
    productive: int
    scheduled: int
    rostered: float | None


class PlanOut(Out):
    interval_minutes: int
    agent_hours: float
    cost: float
    cost_per_hour: float
    shrinkage: float
    short_intervals: int
    intervals: list[PlanIntervalOut]


def _assumptions(body: AssumptionsIn) -> Assumptions:
    return Assumptions().with_changes(body.dict(exclude_none=True))


def _forecast_for(body: PlanIn) -> planning.ForecastResult:
    if body.volumes is not None:
        return planning.stated_forecast(
            volumes=[(v.tier, v.channel, v.values) for v in body.volumes],
            interval_minutes=body.interval_minutes,
        )
    return planning.cached_forecast(
        interval_minutes=body.interval_minutes,
        horizon_days=body.horizon_days,
        history_days=body.history_days,
    )


@router.post("/staffing", response=PlanOut)
def staffing(request: HttpRequest, body: PlanIn) -> object:
    """Agents needed per interval and channel, scheduled after shrinkage, cost, roster gap."""
    require_planner(request.auth)
    assumptions = _assumptions(body.assumptions)
    roster = planning.roster_for(body.roster_id)
    plan = staffing_plan(forecast=_forecast_for(body), assumptions=assumptions, roster=roster)
    total = plan.forecast.total
    return {
        "interval_minutes": plan.forecast.interval_minutes,
        "agent_hours": plan.agent_hours,
        "cost": round(plan.cost, 2),
        "cost_per_hour": assumptions.cost_per_hour,
        "shrinkage": assumptions.shrinkage,
        "short_intervals": plan.short_intervals,
        "intervals": [
            {
                "start": at,
                "contacts": round(float(total[i]), 3),
                "by_channel": {str(c): int(v[i]) for c, v in plan.by_channel.items()},
                "productive": int(plan.productive[i]),
                "scheduled": int(plan.scheduled[i]),
                "rostered": None if plan.rostered is None else round(float(plan.rostered[i]), 2),
            }
            for i, at in enumerate(plan.starts)
        ],
    }


class PromiseIn(In):
    tier: str
    target_seconds: float | None = Field(default=None, ge=0)
    service_level: float | None = Field(default=None, gt=0, lt=1)


class SimulateIn(PlanIn):
    roster_id: int  # type: ignore[assignment]
    promises: list[PromiseIn] = Field(default_factory=list)
    replications: int = Field(default=10, ge=2, le=100)
    seed: int = 7


class EstimateOut(Out):
    mean: float
    low: float
    high: float


class LoadOut(Out):
    load: str
    channel: str
    status: str
    target_seconds: float
    offered: float
    service_level: EstimateOut
    abandon_rate: EstimateOut
    asa_seconds: EstimateOut
    reasons: list[str]


class TierVerdictOut(Out):
    tier: str
    status: str
    service_level: float
    loads: list[LoadOut]


def _estimate(e: object) -> dict[str, float]:
    return {"mean": e.mean, "low": e.low, "high": e.high}  # type: ignore[attr-defined]


@router.post("/simulate", response=list[TierVerdictOut])
def simulate(request: HttpRequest, body: SimulateIn) -> object:
    """Can this roster keep each tier's promise? met / not met / uncertain with 95 % CIs."""
    require_planner(request.auth)
    assumptions = _assumptions(body.assumptions)
    roster = planning.roster_for(body.roster_id)
    verdicts = check_roster(
        forecast=_forecast_for(body),
        roster=roster,
        assumptions=assumptions,
        promises=[Promised(p.tier, p.target_seconds, p.service_level) for p in body.promises],
        replications=body.replications,
        seed=body.seed,
    )
    return [
        {
            "tier": v.tier,
            "status": str(v.status),
            "service_level": v.service_level,
            "loads": [
                {
                    "load": c.name,
                    "channel": c.channel,
                    "status": str(c.verdict.status),
                    "target_seconds": c.result.target_seconds,
                    "offered": c.result.offered.mean,
                    "service_level": _estimate(c.result.service_level),
                    "abandon_rate": _estimate(c.result.abandon_rate),
                    "asa_seconds": _estimate(c.result.asa),
                    "reasons": list(c.verdict.reasons),
                }
                for c in v.checks
            ],
        }
        for v in verdicts
    ]


class StatusIn(In):
    status: StatusName


class StatusOut(Out):
    agent_id: int
    username: str = Field(alias="agent.username")
    status: str
    at: datetime


@router.post("/status", response={201: StatusOut})
def set_my_status(request: HttpRequest, body: StatusIn) -> Status[object]:
    """Set your own status on the floor (any agent, manager or admin)."""
    event = services.set_agent_status(actor=request.auth, agent=request.auth, status=body.status)
    return Status(201, event)


@router.post("/agents/{agent_id}/status", response={201: StatusOut})
def set_agent_status(request: HttpRequest, agent_id: int, body: StatusIn) -> Status[object]:
    """A manager or admin sets another agent's status (say, one who forgot to log off)."""
    require_planner(request.auth)
    agent = selectors.staff_member(agent_id)
    event = services.set_agent_status(actor=request.auth, agent=agent, status=body.status)
    return Status(201, event)


@router.get("/status", response=list[StatusOut])
def floor_status(request: HttpRequest) -> object:
    """Every agent's current status."""
    require_planner(request.auth)
    return selectors.current_statuses()


class AdherenceQuery(In):
    roster_id: int
    day: date
    interval_minutes: Interval = 60


class AdherenceOut(Out):
    agent_id: int
    username: str
    interval_start: datetime
    rostered_seconds: float
    adherence: float | None
    occupancy: float | None


@router.get("/adherence", response=list[AdherenceOut])
def adherence(request: HttpRequest, query: Query[AdherenceQuery]) -> object:
    """Per agent and interval of one day: adherence to the roster and real occupancy."""
    require_planner(request.auth)
    roster = planning.roster_for(query.roster_id)
    return planning.adherence(roster=roster, day=query.day, interval_minutes=query.interval_minutes)


class ShiftIn(In):
    agent_id: int
    weekday: int = Field(ge=0, le=6)
    start: time
    end: time


class RosterIn(In):
    name: str = Field(min_length=1, max_length=80)
    time_zone: str = "Europe/London"
    shifts: list[ShiftIn]


class ShiftOut(Out):
    agent_id: int
    weekday: int
    start: time
    end: time


class RosterOut(Out):
    id: int
    name: str
    time_zone: str
    shifts: list[ShiftOut]

    @staticmethod
    def resolve_shifts(obj: object) -> list[object]:
        return list(obj.shifts.all())  # type: ignore[attr-defined]


@router.get("/rosters", response=list[RosterOut])
def list_rosters(request: HttpRequest) -> object:
    require_planner(request.auth)
    return list(selectors.rosters().prefetch_related("shifts"))


@router.post("/rosters", response={201: RosterOut})
def create_roster(request: HttpRequest, body: RosterIn) -> Status[object]:
    require_planner(request.auth)
    agents = selectors.agents_by_id([s.agent_id for s in body.shifts])
    roster = services.create_roster(
        actor=request.auth,
        name=body.name,
        time_zone=body.time_zone,
        shifts=[(agents[s.agent_id], s.weekday, s.start, s.end) for s in body.shifts],
    )
    return Status(201, selectors.roster_by_id(roster.pk))
