"""Forecasts and adherence for managers: selectors' counts through the pure maths; no writes."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from django.core.cache import cache
from django.utils import timezone

from tierdesk.domain.workforce import forecast as fc
from tierdesk.errors import Invalid, NotFound
from tierdesk.tiers.models import BusinessCalendar, Channel, Tier
from tierdesk.workforce import selectors
from tierdesk.workforce.models import Roster
from tierdesk.workforce.timelines import Grid, ShiftRule, agent_intervals, shift_spans

Floats = npt.NDArray[np.float64]
Progress = Callable[[Iterable[object]], Iterable[object]]

# The API's parameter names for the forecast module's fields, so a 422 names what was sent.
FIELD_NAMES = {"horizon": "horizon_days", "history": "history_days"}
# Contacts through the API are integrations, not people waiting for an agent: not staffed.
PLANNED_CHANNELS = (Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.WEB)


def _no_progress(items: Iterable[object]) -> Iterable[object]:
    return items


@dataclass(frozen=True, slots=True)
class SeriesForecast:
    channel: str
    tier: Tier
    calendar: BusinessCalendar | None
    history: Floats
    values: Floats
    backtest: fc.Backtest | None = None


@dataclass(frozen=True, slots=True)
class ForecastResult:
    history_start: datetime
    start: datetime  # first forecast interval
    interval_minutes: int
    horizon: int
    series: list[SeriesForecast]
    holdout_weeks: int = 0
    pooled: dict[str, float] = field(default_factory=dict)

    @property
    def grid(self) -> Grid:
        return Grid(start=self.start, minutes=self.interval_minutes, count=self.horizon)

    @property
    def total(self) -> Floats:
        return np.sum([s.values for s in self.series], axis=0) if self.series else np.zeros(0)


def _invalid(error: fc.ForecastInputError) -> Invalid:
    name = FIELD_NAMES.get(error.field, error.field)
    return Invalid(f"{name}: {error}", fields={name: str(error)})


def _calendar(tier: Tier, channel: str) -> BusinessCalendar | None:
    coverage = {c.channel: c.calendar for c in tier.coverage.all()}
    return coverage.get(channel) or next(iter(coverage.values()), None)


def history_window(
    *, now: datetime, history_days: int, interval_minutes: int
) -> tuple[datetime, datetime]:
    """[start, end) of the usable history: whole hours, from the first ticket's midnight on."""
    if history_days < 1:
        raise Invalid("history_days must be at least 1.", fields={"history_days": "at least 1"})
    fc.intervals_per_day(interval_minutes)  # refuses an unknown interval early
    end = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    start = (end - timedelta(days=history_days)).replace(hour=0)
    first = selectors.first_contact_at()
    if first is None:
        raise Invalid(
            "There is no ticket history to forecast from.",
            fields={"horizon_days": "no ticket history"},
        )
    start = max(start, first.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0))
    return start, end


def contact_forecast(
    *,
    interval_minutes: int = 60,
    horizon_days: float = 7,
    history_days: int = 91,
    holdout_weeks: int = 0,
    now: datetime | None = None,
    progress: Progress = _no_progress,
) -> ForecastResult:
    """Contacts per channel and tier for each interval of the next `horizon_days`.

    With `holdout_weeks`, each series is also backtested: refitted without its last weeks
    and scored against them, next to seasonal-naive.
    """
    try:
        per_day = fc.intervals_per_day(interval_minutes)
    except fc.ForecastInputError as error:
        raise _invalid(error) from error
    start, end = history_window(
        now=now or timezone.now(), history_days=history_days, interval_minutes=interval_minutes
    )
    history_intervals = int((end - start) / timedelta(minutes=interval_minutes))
    horizon = round(horizon_days * per_day)
    try:
        fc.check_horizon(
            history_intervals=history_intervals, horizon=horizon, interval_minutes=interval_minutes
        )
    except fc.ForecastInputError as error:
        raise _invalid(error) from error
    counts = selectors.contact_counts(since=start, until=end, interval_minutes=interval_minutes)
    years = range(start.year, (end + timedelta(days=horizon_days)).year + 1)
    plan = []
    for tier in selectors.planning_tiers():
        covered = {c.channel for c in tier.coverage.all()}
        seen = {channel for channel, tier_id in counts if tier_id == tier.pk}
        for channel in PLANNED_CHANNELS:
            if channel in covered or channel in seen:
                plan.append((tier, channel))
    series = []
    for tier, channel in progress(plan):  # type: ignore[misc]
        calendar = _calendar(tier, channel)
        tz = ZoneInfo(calendar.time_zone) if calendar else ZoneInfo("UTC")
        days = selectors.calendar_holidays(calendar, years=years)
        history = counts.get((channel, tier.pk), np.zeros(history_intervals))
        try:
            values = fc.forecast_counts(
                history,
                start=start,
                interval_minutes=interval_minutes,
                horizon=horizon,
                tz=tz,
                holidays=days,
            )
            test = (
                fc.backtest(
                    history,
                    start=start,
                    interval_minutes=interval_minutes,
                    holdout_weeks=holdout_weeks,
                    tz=tz,
                    holidays=days,
                )
                if holdout_weeks
                else None
            )
        except fc.ForecastInputError as error:
            raise _invalid(error) from error
        series.append(SeriesForecast(channel, tier, calendar, history, values, test))
    return ForecastResult(
        history_start=start,
        start=end,
        interval_minutes=interval_minutes,
        horizon=horizon,
        series=series,
        holdout_weeks=holdout_weeks,
        pooled=_pooled(series) if holdout_weeks else {},
    )


def _pooled(series: list[SeriesForecast]) -> dict[str, float]:
    """Backtest metrics over all series at once, and over their sum (the whole floor)."""
    tests = [s.backtest for s in series if s.backtest is not None]
    actual = np.concatenate([t.actual for t in tests])
    model = np.concatenate([t.forecast for t in tests])
    naive = np.concatenate([t.naive for t in tests])
    floor_actual = np.sum([t.actual for t in tests], axis=0)
    floor_model = np.sum([t.forecast for t in tests], axis=0)
    floor_naive = np.sum([t.naive for t in tests], axis=0)
    return {
        "mape": fc.mape(actual, model),
        "wape": fc.wape(actual, model),
        "naive_mape": fc.mape(actual, naive),
        "naive_wape": fc.wape(actual, naive),
        "floor_mape": fc.mape(floor_actual, floor_model),
        "floor_wape": fc.wape(floor_actual, floor_model),
        "floor_naive_mape": fc.mape(floor_actual, floor_naive),
        "floor_naive_wape": fc.wape(floor_actual, floor_naive),
    }


def roster_for(roster_id: int | None) -> Roster | None:
    if roster_id is None:
        return None
    roster = selectors.roster_by_id(roster_id)
    if roster is None:
        raise NotFound(f"No roster {roster_id}.")
    return roster


def rostered_agents(roster: Roster, grid: Grid) -> Floats:
    """Agent-equivalents on the roster per interval (an agent half the interval counts 0.5)."""
    spans = shift_spans(roster_rules(roster), tz=ZoneInfo(roster.time_zone), grid=grid)
    seconds = grid.minutes * 60
    total = np.zeros(grid.count)
    for agent_spans in spans.values():
        total += agent_intervals(shifts=agent_spans, changes=(), grid=grid).rostered / seconds
    return total


def roster_rules(roster: Roster) -> list[ShiftRule]:
    return [ShiftRule(s.agent_id, s.weekday, s.start, s.end) for s in roster.shifts.all()]


@dataclass(frozen=True, slots=True)
class AdherenceRow:
    agent_id: int
    username: str
    interval_start: datetime
    rostered_seconds: float
    adherence: float | None
    occupancy: float | None


def adherence(
    *, roster: Roster, day: date, interval_minutes: int = 60, agent_ids: list[int] | None = None
) -> list[AdherenceRow]:
    """Per agent and interval of one day in the roster's zone: adherence and real occupancy."""
    try:
        fc.intervals_per_day(interval_minutes)
    except fc.ForecastInputError as error:
        raise _invalid(error) from error
    tz = ZoneInfo(roster.time_zone)
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    count = int((end.astimezone(UTC) - start) / timedelta(minutes=interval_minutes))
    grid = Grid(start=start, minutes=interval_minutes, count=count)
    spans = shift_spans(roster_rules(roster), tz=tz, grid=grid)
    timelines = {
        t.agent_id: t
        for t in selectors.status_timelines(since=grid.start, until=grid.end, agent_ids=agent_ids)
    }
    names = {s.agent_id: s.agent.username for s in roster.shifts.all()}
    names.update({a: t.username for a, t in timelines.items()})
    agents = sorted(set(spans) | set(timelines), key=lambda a: names[a])
    if agent_ids is not None:
        agents = [a for a in agents if a in agent_ids]
    rows = []
    for agent in agents:
        timeline = timelines.get(agent)
        result = agent_intervals(
            shifts=spans.get(agent, []),
            changes=timeline.changes if timeline else (),
            grid=grid,
        )
        for i, at in enumerate(grid.starts()):
            adh, occ = result.adherence[i], result.occupancy[i]
            rows.append(
                AdherenceRow(
                    agent_id=agent,
                    username=names[agent],
                    interval_start=at,
                    rostered_seconds=float(result.rostered[i]),
                    adherence=None if np.isnan(adh) else float(adh),
                    occupancy=None if np.isnan(occ) else float(occ),
                )
            )
    return rows


def stated_forecast(
    *,
    volumes: list[tuple[str, str, list[float]]],
    interval_minutes: int,
    now: datetime | None = None,
) -> ForecastResult:
    """A manager's own volumes (tier name, channel, contacts per interval) as the forecast.

    For what-if plans: the intervals start at the next whole hour.
    """
    try:
        fc.intervals_per_day(interval_minutes)
    except fc.ForecastInputError as error:
        raise _invalid(error) from error
    tiers = {t.name: t for t in selectors.planning_tiers()}
    lengths = {len(values) for _, _, values in volumes}
    fields: dict[str, str] = {}
    if not volumes:
        fields["volumes"] = "give at least one tier and channel"
    elif len(lengths) != 1 or 0 in lengths:
        fields["volumes"] = "every series needs the same number of intervals, at least one"
    for i, (tier, channel, values) in enumerate(volumes):
        if tier not in tiers:
            fields[f"volumes.{i}.tier"] = f"no tier {tier!r}"
        if channel not in PLANNED_CHANNELS:
            fields[f"volumes.{i}.channel"] = f"one of {', '.join(PLANNED_CHANNELS)}"
        if any(not np.isfinite(v) or v < 0 for v in values):
            fields[f"volumes.{i}.values"] = (
                "contacts per interval must be 0 or more (no negative traffic)"
            )
    if fields:
        raise Invalid("Some volumes are invalid; see fields.", fields=fields)
    end = (now or timezone.now()).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    start = end + timedelta(hours=1)
    series = [
        SeriesForecast(
            channel=channel,
            tier=tiers[tier],
            calendar=_calendar(tiers[tier], channel),
            history=np.zeros(0),
            values=np.asarray(values, dtype=np.float64),
        )
        for tier, channel, values in volumes
    ]
    return ForecastResult(
        history_start=start,
        start=start,
        interval_minutes=interval_minutes,
        horizon=lengths.pop(),
        series=series,
    )


def cached_forecast(**params: object) -> ForecastResult:
    """contact_forecast, kept for 15 minutes per parameters, hour and ticket count.

    Fitting is seconds per series; pages and API calls within the hour reuse the fit
    unless new tickets arrived.
    """
    now = timezone.now()
    state = repr((sorted(params.items()), now.strftime("%Y%m%d%H"), selectors.ticket_watermark()))
    key = "wfm-forecast:" + hashlib.sha256(state.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = contact_forecast(now=now, **params)  # type: ignore[arg-type]
        cache.set(key, result, timeout=15 * 60)
    return result
