"""Staffing plan: agents needed per interval and channel for every tier's targets, and cost.

How tiers share agents (docs/workforce-planning.md): queues are staffed as one pool per
channel. Phone and chat take the union of all tiers' traffic and the strictest answer
target among the tiers on that channel in that interval (as if first come, first served
with VIP's target for everyone). Priority routing only helps the higher tiers, so this is
an upper bound for them; the simulator then checks each tier under real priorities.
Email and web are backlog work per tier, done within the tier's normal-priority first
response target (read as calendar time: conservative for business-hours tiers); a window
shorter than two intervals is staffed as a queue instead. Channels are added up (no
cross-skilled pooling), then grossed up for shrinkage.
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


def _queue(
    channel: str, series: list[SeriesForecast], a: Assumptions, interval_s: float, starts: list
) -> Ints:
    aht = a.aht_seconds[channel]
    calls = np.sum([s.values for s in series], axis=0)
    traffic = calls * aht / interval_s  # Erlangs
    need = np.zeros(len(calls), dtype=np.int64)
    for s in series:
        active = s.values > 0
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
        need = np.maximum(need, np.where(active, n, 0))
    # A channel open to a tier keeps one agent on it, even in a quiet interval.
    return np.maximum(need, _open_mask(series, starts).astype(np.int64))


def _backlog(series: list[SeriesForecast], a: Assumptions, interval_s: float) -> Ints | None:
    """Email and web of each tier as one body of work (seconds), due in the tier's window."""
    work: dict[int, tuple[Tier, Floats]] = {}
    contacts: dict[int, Floats] = {}
    for s in series:
        if not a.aht_seconds.get(s.channel, 0) > 0:
            raise Invalid(
                f"aht_seconds.{s.channel}: handle time must be more than 0 seconds",
                fields={f"aht_seconds.{s.channel}": "handle time must be more than 0 seconds"},
            )
        tier, seconds = work.get(s.tier.pk, (s.tier, np.zeros(len(s.values))))
        work[s.tier.pk] = (tier, seconds + s.values * a.aht_seconds[s.channel])
        contacts[s.tier.pk] = contacts.get(s.tier.pk, 0) + s.values
    if not work:
        return None
    total = np.zeros(len(next(iter(work.values()))[1]), dtype=np.int64)
    for tier, seconds in work.values():
        window = first_response_window(tier) or 86400.0
        try:
            if window < 2 * interval_s:
                # A response window this short is a live queue in all but name; handle
                # time is the work-weighted mean over the tier's email and web.
                count = float(np.sum(contacts[tier.pk]))
                aht = float(seconds.sum()) / count if count else a.aht_seconds[Channel.EMAIL]
                n = agents_for(
                    seconds / interval_s,
                    aht,
                    target_seconds=window,
                    service_level=a.service_level,
                    max_occupancy=a.max_occupancy,
                )
            else:
                n = backlog_agents_for(seconds, 1.0, window, interval_s, occupancy=a.max_occupancy)
        except WorkforceInputError as error:
            raise _workforce_error(error, "email") from error
        total += np.asarray(n, dtype=np.int64)
    return total


def staffing_plan(
    *, forecast: ForecastResult, assumptions: Assumptions, roster: Roster | None = None
) -> StaffingPlan:
    assumptions.check()
    interval_s = forecast.interval_minutes * 60.0
    starts = forecast.grid.starts()
    by_channel: dict[str, Ints] = {}
    for channel in QUEUES:
        series = [s for s in forecast.series if s.channel == channel]
        if series:
            by_channel[channel] = _queue(channel, series, assumptions, interval_s, starts)
    backlog = _backlog(
        [s for s in forecast.series if s.channel in BACKLOG], assumptions, interval_s
    )
    by_channel.update(backlog)
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
