"""Staffing plan: agents needed per interval for every tier's targets, and what it costs.

How tiers share agents (docs/workforce-planning.md):
- Live contacts (calls, chats, and email/web whose first-response window is shorter than
  two intervals, like VIP's 15 minutes) form one queue of cross-skilled agents by default
  (`Assumptions.pooled`): traffic in Erlangs adds up, handle time is the contact-weighted
  mean, and the target is the strictest among the tiers with contacts in the interval (as
  if first come, first served with VIP's target for everyone). Priority routing only helps
  the higher tiers, so this is an upper bound for them; the simulator then checks each
  tier under real priorities. With `pooled=False` each channel is its own queue.
- A queue open to a tier in an interval keeps at least one agent (minimum presence).
- Other email and web is backlog work per tier, done within the tier's normal-priority
  first-response target (read as calendar time: conservative for business-hours tiers);
  the tiers' fractional needs add up before rounding.
- The sum is grossed up for shrinkage: the agents to put on the roster.
"""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from tierdesk.domain.sla import is_open
from tierdesk.domain.workforce import (
    WorkforceInputError,
    agents_for,
    backlog_agents_for,
    chat_agents_for,
)
from tierdesk.errors import Invalid
from tierdesk.tiers.calendars import domain_calendar
from tierdesk.tiers.models import Channel, Metric, Priority, Tier
from tierdesk.workforce.assumptions import Assumptions
from tierdesk.workforce.models import Roster
from tierdesk.workforce.planning import ForecastResult, SeriesForecast, rostered_agents

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
QUEUES = (Channel.PHONE, Channel.CHAT)
BACKLOG = (Channel.EMAIL, Channel.WEB)
BACKLOG_KEY = "email+web"
POOL_KEY = "live contacts"


@dataclass(frozen=True, slots=True)
class StaffingPlan:
    forecast: ForecastResult
    assumptions: Assumptions
    by_channel: dict[str, Ints]  # productive agents needed on each channel
    productive: Ints  # sum over channels
    scheduled: Ints  # grossed up for shrinkage: agents to put on the roster
    rostered: Floats | None  # agent-equivalents on the chosen roster
    cost: float  # scheduled agent-hours x cost per hour

    @property
    def starts(self) -> list[datetime]:
        return self.forecast.grid.starts()

    @property
    def agent_hours(self) -> float:
        return float(self.scheduled.sum()) * self.forecast.interval_minutes / 60

    @property
    def short_intervals(self) -> int:
        if self.rostered is None:
            return 0
        return int((self.rostered + 1e-9 < self.scheduled).sum())


def answer_target(tier: Tier, channel: str, assumptions: Assumptions) -> float:
    """Seconds to answer a call or chat for this tier: the phone target serves chat too."""
    seconds = tier.phone_answer_target_seconds
    return float(seconds) if seconds else assumptions.default_answer_seconds


def first_response_window(tier: Tier) -> float | None:
    for target in tier.targets.all():
        if target.metric == Metric.FIRST_RESPONSE and target.priority == Priority.NORMAL:
            return float(target.target_seconds)
    return None


def _workforce_error(error: WorkforceInputError, channel: str) -> Invalid:
    name = error.field
    if name in ("aht_seconds", "patience_seconds"):
        name = f"{name}.{channel}"
    return Invalid(f"{name}: {error.message}", fields={name: error.message})


def _open_mask(series: list[SeriesForecast], starts: list[datetime]) -> npt.NDArray[np.bool_]:
    """Intervals in which any of these tiers is open on the channel (minimum presence)."""
    mask = np.zeros(len(starts), dtype=bool)
    for s in series:
        if s.calendar is None or s.calendar.always_open:
            return np.ones(len(starts), dtype=bool)
        calendar = domain_calendar(s.calendar)
        mask |= np.array([is_open(at, calendar) for at in starts])
    return mask


def _check_aht(series: list[SeriesForecast], a: Assumptions) -> None:
    for s in series:
        if not a.aht_seconds.get(s.channel, 0) > 0:
            message = "handle time must be more than 0 seconds"
            raise Invalid(
                f"aht_seconds.{s.channel}: {message}", fields={f"aht_seconds.{s.channel}": message}
            )


def _queue(
    channel: str, series: list[SeriesForecast], a: Assumptions, interval_s: float, starts: list
) -> Ints:
    """One channel as its own queue: union traffic, the strictest active tier's target."""
    aht = a.aht_seconds[channel]
    calls = np.sum([s.values for s in series], axis=0)
    traffic = calls * aht / interval_s  # Erlangs
    need = np.zeros(len(calls), dtype=np.int64)
    for s in series:
        target = answer_target(s.tier, channel, a)
        try:
            if channel == Channel.CHAT:
                n = chat_agents_for(
                    traffic,
                    aht,
                    a.chat_concurrency,
                    target_seconds=target,
                    service_level=a.service_level,
                    max_occupancy=a.max_occupancy,
                )
            else:
                n = agents_for(
                    traffic,
                    aht,
                    target_seconds=target,
                    service_level=a.service_level,
                    max_occupancy=a.max_occupancy,
                )
        except WorkforceInputError as error:
            raise _workforce_error(error, channel) from error
        # Only a tier with contacts in the interval sets its target there.
        need = np.maximum(need, np.where(s.values > 0, n, 0))
    # A channel open to a tier keeps one agent on it, even in a quiet interval.
    return np.maximum(need, _open_mask(series, starts).astype(np.int64))


def _pooled_queue(
    loads: list[tuple[SeriesForecast, float, float]],
    a: Assumptions,
    interval_s: float,
    starts: list,
) -> Ints:
    """Every live contact (calls, chats, short-window email) as one cross-skilled queue.

    Traffic adds up in Erlangs; the handle time is the contact-weighted mean; the target is
    the strictest among the loads with contacts in the interval. A chat counts as its
    handle time divided by the concurrency (one agent holds several at once).
    """
    calls = np.array([s.values for s, _, _ in loads])
    ahts = np.array([aht for _, aht, _ in loads])[:, None]
    targets = np.array([target for _, _, target in loads])[:, None]
    work = (calls * ahts).sum(axis=0)
    count = calls.sum(axis=0)
    aht = np.where(count > 0, work / np.where(count > 0, count, 1), ahts.min())
    target = np.where(calls > 0, targets, np.inf).min(axis=0)
    target = np.where(np.isfinite(target), target, targets.min())
    try:
        n = agents_for(
            work / interval_s,
            aht,
            target_seconds=target,
            service_level=a.service_level,
            max_occupancy=a.max_occupancy,
        )
    except WorkforceInputError as error:
        raise _workforce_error(error, "phone") from error
    return np.maximum(
        np.asarray(n, dtype=np.int64), _open_mask([s for s, _, _ in loads], starts).astype(np.int64)
    )


# Backlog agents are computed as whole agents per tier by backlog_agents_for; asking it for
# 1000 times the work and dividing gives the tier's need to a thousandth of an agent, so the
# tiers' needs add up before rounding (one email team serves them all).
FRACTION = 1000.0


def _backlog(
    series: list[SeriesForecast], a: Assumptions, interval_s: float
) -> tuple[Floats, list[tuple[SeriesForecast, float, float]]] | None:
    """Email and web work per tier, due within the tier's first-response window.

    Returns the fractional agents for the long windows, and the series whose window is
    shorter than two intervals (a live queue in all but name) as queue loads.
    """
    if not series:
        return None
    queues = []
    total = np.zeros(len(series[0].values))
    for s in series:
        aht = a.aht_seconds[s.channel]
        window = first_response_window(s.tier) or 86400.0
        if window < 2 * interval_s:
            queues.append((s, aht, window))
            continue
        try:
            n = backlog_agents_for(
                s.values * aht * FRACTION, 1.0, window, interval_s, occupancy=a.max_occupancy
            )
        except WorkforceInputError as error:
            raise _workforce_error(error, s.channel) from error
        total += np.asarray(n, dtype=np.float64) / FRACTION
    return total, queues


def staffing_plan(
    *, forecast: ForecastResult, assumptions: Assumptions, roster: Roster | None = None
) -> StaffingPlan:
    assumptions.check()
    _check_aht(forecast.series, assumptions)
    interval_s = forecast.interval_minutes * 60.0
    starts = forecast.grid.starts()
    by_channel: dict[str, Ints] = {}
    backlog = _backlog(
        [s for s in forecast.series if s.channel in BACKLOG], assumptions, interval_s
    )
    short_email = backlog[1] if backlog else []
    if assumptions.pooled:
        loads = [
            (
                s,
                assumptions.aht_seconds[s.channel]
                / (assumptions.chat_concurrency if s.channel == Channel.CHAT else 1),
                answer_target(s.tier, s.channel, assumptions),
            )
            for s in forecast.series
            if s.channel in QUEUES
        ] + short_email
        if loads:
            by_channel[POOL_KEY] = _pooled_queue(loads, assumptions, interval_s, starts)
    else:
        for channel in QUEUES:
            series = [s for s in forecast.series if s.channel == channel]
            if series:
                by_channel[channel] = _queue(channel, series, assumptions, interval_s, starts)
        if short_email:
            by_channel["email (short window)"] = _pooled_queue(
                short_email, assumptions, interval_s, starts
            )
    if backlog is not None and backlog[0].any():
        by_channel[BACKLOG_KEY] = np.ceil(backlog[0] - 1e-9).astype(np.int64)
    productive = (
        np.sum(list(by_channel.values()), axis=0).astype(np.int64)
        if by_channel
        else np.zeros(forecast.horizon, dtype=np.int64)
    )
    scheduled = np.ceil(productive / (1.0 - assumptions.shrinkage) - 1e-9).astype(np.int64)
    hours = forecast.interval_minutes / 60
    return StaffingPlan(
        forecast=forecast,
        assumptions=assumptions,
        by_channel=by_channel,
        productive=productive,
        scheduled=scheduled,
        rostered=rostered_agents(roster, forecast.grid) if roster is not None else None,
        cost=float(scheduled.sum()) * hours * assumptions.cost_per_hour,
    )
