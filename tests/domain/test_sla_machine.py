"""The pure clock machine against a minute-walking reference, and sweeps that change nothing."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import assume, given
from hypothesis import strategies as st
from sla_oracle import Oracle
from sla_strategies import MINUTE, ORACLE_SETTINGS, has_weekly_hours, zone_calendar_instant

from tierdesk.domain.sla import Calendar, machine
from tierdesk.domain.sla.machine import Fact, State

KINDS = ("pause", "resume", "retarget", "sweep")


@dataclass(frozen=True)
class Op:
    kind: str  # pause, resume, retarget, sweep, stop, cancel
    at: int
    target: int = 0
    warn_percent: int = 0


@st.composite
def histories(draw: st.DrawFn) -> tuple[Calendar, int, int, int, list[Op]]:
    calendar, t0 = draw(zone_calendar_instant())
    assume(has_weekly_hours(calendar))  # a calendar never open has no due times at all
    target = draw(st.integers(1, 24 * 60)) * MINUTE
    warn_percent = draw(st.integers(1, 99))
    gaps = draw(st.lists(st.integers(0, 36 * 60), min_size=1, max_size=8))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=len(gaps) - 1, max_size=len(gaps) - 1))
    kinds.append(draw(st.sampled_from(("stop", "cancel", "sweep"))))
    ops, t = [], t0
    for gap, kind in zip(gaps, kinds, strict=True):
        t += gap * MINUTE
        if kind == "retarget":
            ops.append(
                Op(kind, t, draw(st.integers(1, 24 * 60)) * MINUTE, draw(st.integers(1, 99)))
            )
        else:
            ops.append(Op(kind, t))
    return calendar, t0, target, warn_percent, ops


def run(calendar: Calendar, t0: int, target: int, warn: int, ops: list[Op]) -> machine.Step:
    step = machine.start(at=t0, target=target, warn_percent=warn, calendar=calendar)
    for op in ops:
        clock = step.clock
        match op.kind:
            case "pause":
                step = step.then(machine.pause(clock, op.at, calendar))
            case "resume":
                step = step.then(machine.resume(clock, op.at, calendar))
            case "retarget":
                step = step.then(
                    machine.retarget(
                        clock,
                        op.at,
                        calendar,
                        target=op.target,
                        warn_percent=op.warn_percent,
                        new_calendar=calendar,
                    )
                )
            case "sweep":
                step = step.then(machine.advance(clock, op.at, calendar))
            case "stop":
                step = step.then(machine.stop(clock, op.at, calendar))
            case "cancel":
                step = step.then(machine.cancel(clock, op.at, calendar))
    return step


def reference(calendar: Calendar, t0: int, target: int, warn: int, ops: list[Op]) -> dict:
    """Walk real time minute by minute, counting open minutes while the clock runs.

    A threshold X (business seconds) is reached at the instant the count gets to X, and is
    recorded once an event or a look at the clock comes strictly after that instant; a new
    target already exceeded when it is set is reached at that instant and recorded at once.
    """
    oracle = Oracle(calendar)
    running, elapsed, now = True, 0, t0
    warned = breached = None
    reached: dict[str, int] = {}

    def thresholds() -> dict[str, int]:
        out = {}
        if warned is None and breached is None:
            out["warn"] = target * warn // 100
        if breached is None:
            out["due"] = target
        return out

    def walk(until: int) -> None:
        nonlocal elapsed
        for name, x in thresholds().items():
            if running and name not in reached and elapsed >= x:
                reached[name] = now
        if not running:
            return
        for m in range(now, until, MINUTE):
            if oracle.is_open(m):
                for name, x in thresholds().items():
                    if name not in reached and elapsed < x <= elapsed + MINUTE:
                        reached[name] = m + x - elapsed
                elapsed += MINUTE

    def record(at: int) -> None:
        nonlocal warned, breached
        if "warn" in reached and reached["warn"] < at and warned is None and breached is None:
            warned = reached.pop("warn")
        if "due" in reached and reached["due"] < at and breached is None:
            breached = reached.pop("due")

    stopped = achieved = cancelled = None
    for op in ops:
        walk(op.at)
        record(op.at)
        now = op.at
        if op.kind == "pause":
            running = False
            reached.clear()
        elif op.kind == "resume":
            running = True
        elif op.kind == "retarget":
            target, warn = op.target, op.warn_percent
            reached.clear()
            if breached is None:
                if warned is None and elapsed > target * warn // 100:
                    warned = op.at
                if elapsed > target:
                    breached = op.at
        elif op.kind in ("stop", "cancel"):
            stopped = op.at
            achieved = op.at if op.kind == "stop" else None
            cancelled = op.at if op.kind == "cancel" else None
            break
    return {
        "elapsed": elapsed,
        "warned_at": warned,
        "breached_at": breached,
        "achieved_at": achieved,
        "stopped_at": stopped,
        "cancelled_at": cancelled,
    }


@ORACLE_SETTINGS
@given(histories())
def test_machine_agrees_with_the_minute_walk(history):
    calendar, t0, target, warn, ops = history
    clock = run(calendar, t0, target, warn, ops).clock
    got = {
        "elapsed": clock.elapsed_at(ops[-1].at, calendar),
        "warned_at": clock.warned_at,
        "breached_at": clock.breached_at,
        "achieved_at": clock.achieved_at,
        "stopped_at": clock.stopped_at,
        "cancelled_at": clock.cancelled_at,
    }
    assert got == reference(calendar, t0, target, warn, ops)


@ORACLE_SETTINGS
@given(histories(), st.data())
def test_sweeps_at_any_instants_change_nothing(history, data):
    calendar, t0, target, warn, ops = history
    real = [op for op in ops if op.kind != "sweep"]
    end = ops[-1].at
    sweeps = data.draw(st.lists(st.integers(t0, end), max_size=12))
    with_sweeps = sorted(real + [Op("sweep", t) for t in sweeps], key=lambda op: op.at)
    # Sweeps sort before an event in the same second, as a sweep that ran just before it.
    plain = run(calendar, t0, target, warn, [*real, Op("sweep", end)])
    swept = run(calendar, t0, target, warn, [*with_sweeps, Op("sweep", end)])
    assert swept.clock == plain.clock
    assert sorted(swept.events, key=str) == sorted(plain.events, key=str)


CAL = Calendar.twenty_four_seven(__import__("zoneinfo").ZoneInfo("UTC"))
T = 1_800_000_000  # any second


def test_a_late_stop_stays_breached_and_records_when_it_was_satisfied():
    clock = machine.start(at=T, target=3600, warn_percent=75, calendar=CAL).clock
    step = machine.stop(clock, T + 3601, CAL)
    assert step.clock.state == State.BREACHED
    assert step.clock.breached_at == T + 3600
    assert step.clock.achieved_at == T + 3601
    assert [e.fact for e in step.events] == [Fact.WARNED, Fact.BREACHED, Fact.SATISFIED_LATE]


def test_the_due_second_itself_is_not_late_for_the_sweep_either():
    clock = machine.start(at=T, target=3600, warn_percent=75, calendar=CAL).clock
    assert machine.advance(clock, T + 3600, CAL).clock.breached_at is None
    assert machine.advance(clock, T + 3601, CAL).clock.breached_at == T + 3600


def test_a_pause_after_the_warning_share_records_the_warning_at_its_threshold():
    clock = machine.start(at=T, target=4000, warn_percent=75, calendar=CAL).clock
    step = machine.pause(clock, T + 3500, CAL)
    assert step.clock.warned_at == T + 3000
    resumed = machine.resume(step.clock, T + 9000, CAL).clock
    assert resumed.warned_at == T + 3000 and resumed.warn is None


def test_a_shorter_target_records_its_warning_and_breach_at_the_change():
    clock = machine.start(at=T, target=7200, warn_percent=75, calendar=CAL).clock
    step = machine.retarget(clock, T + 3000, CAL, target=1800, warn_percent=75, new_calendar=CAL)
    assert (step.clock.warned_at, step.clock.breached_at) == (T + 3000, T + 3000)
    assert [e.fact for e in step.events] == [Fact.RETARGETED, Fact.WARNED, Fact.BREACHED]


def test_a_breach_found_by_the_sweep_records_the_warning_first():
    clock = machine.start(at=T, target=100, warn_percent=50, calendar=CAL).clock
    step = machine.advance(clock, T + 1000, CAL)
    assert [(e.fact, e.at) for e in step.events] == [
        (Fact.WARNED, T + 50),
        (Fact.BREACHED, T + 100),
    ]
