"""The SLA clock as a pure state machine: a frozen clock value, transitions, and their facts.

Every transition takes the clock, an instant and the calendar the clock counts on, and
returns a ``Step``: the new clock and the facts it produced (warned, breached, achieved ...
each with the instant it happened). Nothing here reads the time or a database, so the same
events give the same clock whenever (and whether) a breach sweep looked at it.

Instants are integer epoch seconds. The rules (DESIGN.md, "SLA semantics we have decided"):

- A threshold (the warning share, the due second) is *passed* strictly after its second:
  ``passed(threshold, t)`` is ``t > threshold``. A reply at the due second meets the target.
- Before any transition at ``t`` the clock is ``advance``d to ``t``: a warning or breach
  whose threshold was passed before ``t`` is recorded, stamped at its threshold, even when
  the transition is a pause, a stop or a change that came before any sweep.
- A warning is always recorded before the breach that follows it.
- A change of target keeps the business seconds already counted; when they already reach
  past the new warning share or the new target, the warning and breach are recorded at the
  instant of the change (the promise did not exist before it).
- A breach stays recorded through every later transition; a late stop keeps the clock
  breached and records when it was satisfied.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from tierdesk.domain.sla.calendar import Calendar
from tierdesk.domain.sla.clock import add_business_seconds_epoch, business_seconds_between_epoch


class State(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    ACHIEVED = "achieved"
    BREACHED = "breached"
    CANCELLED = "cancelled"


class Fact(StrEnum):
    """What a transition produced; the SLA ledger keeps one row per fact."""

    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    RETARGETED = "retargeted"
    WARNED = "warned"
    BREACHED = "breached"
    ACHIEVED = "achieved"
    SATISFIED_LATE = "satisfied_late"
    CANCELLED = "cancelled"


def passed(threshold: int | None, at: int) -> bool:
    """The one rule for "late": strictly after the threshold's second."""
    return threshold is not None and at > threshold


def warn_share(target: int, warn_percent: int) -> int:
    """Business seconds after which a clock warns: ``warn_percent`` of the target, floored."""
    return target * warn_percent // 100


@dataclass(frozen=True, slots=True)
class Clock:
    target: int
    warn_percent: int
    state: State
    started_at: int
    elapsed: int = 0  # business seconds counted before ``since`` (all of them once stopped)
    since: int | None = None  # counting from here; None while paused or stopped
    due: int | None = None
    warn: int | None = None  # the pending warning's threshold; None once warned or moot
    warned_at: int | None = None
    breached_at: int | None = None
    achieved_at: int | None = None  # when the metric's event happened, on time or late
    stopped_at: int | None = None
    cancelled_at: int | None = None

    @property
    def live(self) -> bool:
        return self.stopped_at is None

    @property
    def running(self) -> bool:
        return self.since is not None

    def elapsed_at(self, at: int, calendar: Calendar) -> int:
        """Business seconds counted up to ``at``."""
        if self.since is None:
            return self.elapsed
        return self.elapsed + business_seconds_between_epoch(self.since, at, calendar)


@dataclass(frozen=True, slots=True)
class Event:
    fact: Fact
    at: int


@dataclass(frozen=True, slots=True)
class Step:
    clock: Clock
    events: tuple[Event, ...] = ()

    def then(self, step: Step) -> Step:
        return Step(step.clock, self.events + step.events)


def _check(at: int, name: str = "at") -> None:
    if not isinstance(at, int):
        raise TypeError(f"{name} must be integer epoch seconds, got {at!r}")


def _scheduled(clock: Clock, calendar: Calendar) -> Clock:
    """Due and warning instants from what is left, counted from ``since``."""
    if clock.since is None:
        return replace(clock, due=None, warn=None)
    if clock.breached_at is not None:
        # Already late: the due instant stays the one that was missed; no warning left.
        return replace(clock, due=clock.breached_at, warn=None)
    remaining = max(clock.target - clock.elapsed, 0)
    due = add_business_seconds_epoch(clock.since, remaining, calendar)
    warn = None
    if clock.warned_at is None:
        before_warning = max(warn_share(clock.target, clock.warn_percent) - clock.elapsed, 0)
        warn = add_business_seconds_epoch(clock.since, before_warning, calendar)
    return replace(clock, due=due, warn=warn)


def start(
    *, at: int, target: int, warn_percent: int, calendar: Calendar, paused: bool = False
) -> Step:
    """A new clock at ``at``; ``paused`` when the ticket's status pauses this metric."""
    _check(at)
    if target <= 0:
        raise ValueError(f"target must be > 0 seconds, got {target}")
    if not 0 < warn_percent < 100:
        raise ValueError(f"warn_percent must be between 1 and 99, got {warn_percent}")
    clock = Clock(
        target=target,
        warn_percent=warn_percent,
        state=State.PAUSED if paused else State.RUNNING,
        started_at=at,
        since=None if paused else at,
    )
    return Step(_scheduled(clock, calendar), (Event(Fact.STARTED, at),))


def advance(clock: Clock, at: int, calendar: Calendar) -> Step:
    """Record the warning and the breach whose thresholds were passed before ``at``.

    The clock's counting is untouched, so advancing at any instants in between gives the
    same clock as advancing once at the end.
    """
    _check(at)
    if clock.since is None:
        return Step(clock)
    events: list[Event] = []
    if clock.warn is not None and passed(clock.warn, at):
        events.append(Event(Fact.WARNED, clock.warn))
        clock = replace(clock, warned_at=clock.warn, warn=None)
    if clock.breached_at is None and passed(clock.due, at):
        assert clock.due is not None
        events.append(Event(Fact.BREACHED, clock.due))
        clock = replace(clock, state=State.BREACHED, breached_at=clock.due, warn=None)
    return Step(clock, tuple(events))


def pause(clock: Clock, at: int, calendar: Calendar) -> Step:
    """Stop counting (waiting on the customer, on hold); a no-op when not running."""
    step = advance(clock, at, calendar)
    clock = step.clock
    if clock.since is None or not clock.live:
        return step
    clock = replace(
        clock,
        elapsed=clock.elapsed_at(at, calendar),
        since=None,
        state=State.PAUSED if clock.state == State.RUNNING else clock.state,
    )
    return step.then(Step(_scheduled(clock, calendar), (Event(Fact.PAUSED, at),)))


def resume(clock: Clock, at: int, calendar: Calendar) -> Step:
    """Count again from ``at``; a no-op when already counting or stopped."""
    _check(at)
    if clock.since is not None or not clock.live:
        return Step(clock)
    clock = replace(
        clock,
        since=at,
        state=State.RUNNING if clock.state == State.PAUSED else clock.state,
    )
    return Step(_scheduled(clock, calendar), (Event(Fact.RESUMED, at),))


def stop(clock: Clock, at: int, calendar: Calendar) -> Step:
    """The metric's event happened at ``at``: achieved by the due second, else breached."""
    step = advance(clock, at, calendar)
    clock = step.clock
    if not clock.live:
        return step
    clock = replace(
        clock,
        elapsed=clock.elapsed_at(at, calendar),
        since=None,
        due=clock.due if clock.since is not None else None,
        warn=None,
        achieved_at=at,
        stopped_at=at,
    )
    if clock.breached_at is not None:
        return step.then(Step(clock, (Event(Fact.SATISFIED_LATE, at),)))
    return step.then(Step(replace(clock, state=State.ACHIEVED), (Event(Fact.ACHIEVED, at),)))


def cancel(clock: Clock, at: int, calendar: Calendar) -> Step:
    """The metric no longer applies (ticket closed, solved, merged); a breach stays."""
    step = advance(clock, at, calendar)
    clock = step.clock
    if not clock.live:
        return step
    clock = replace(
        clock,
        elapsed=clock.elapsed_at(at, calendar),
        since=None,
        due=None,
        warn=None,
        stopped_at=at,
        cancelled_at=at,
        state=State.BREACHED if clock.breached_at is not None else State.CANCELLED,
    )
    return step.then(Step(clock, (Event(Fact.CANCELLED, at),)))


def retarget(
    clock: Clock,
    at: int,
    calendar: Calendar,
    *,
    target: int,
    warn_percent: int,
    new_calendar: Calendar,
) -> Step:
    """New terms from ``at`` (priority, tier or policy change); counted time is kept.

    Time up to ``at`` is counted on the old calendar, time after on the new one.
    """
    if target <= 0:
        raise ValueError(f"target must be > 0 seconds, got {target}")
    step = advance(clock, at, calendar)
    clock = step.clock
    if not clock.live:
        return step
    running = clock.since is not None
    clock = replace(
        clock,
        elapsed=clock.elapsed_at(at, calendar),
        since=at if running else None,
        target=target,
        warn_percent=warn_percent,
    )
    events = [Event(Fact.RETARGETED, at)]
    if clock.breached_at is None:
        # Business time already counted may reach past the new thresholds: the new promise
        # is warned (and broken) from the instant it was made.
        if clock.warned_at is None and clock.elapsed > warn_share(target, warn_percent):
            events.append(Event(Fact.WARNED, at))
            clock = replace(clock, warned_at=at)
        if clock.elapsed > target:
            events.append(Event(Fact.BREACHED, at))
            clock = replace(clock, state=State.BREACHED, breached_at=at)
    return step.then(Step(_scheduled(clock, new_calendar), tuple(events)))
