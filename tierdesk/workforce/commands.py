"""`tierdesk wfm forecast|staff|simulate`: the planning reads as tables on the terminal."""

import argparse
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from tqdm import tqdm

if TYPE_CHECKING:
    from tierdesk.workforce.models import Roster
    from tierdesk.workforce.planning import ForecastResult


def _run(
    action: Callable[[argparse.Namespace], None], setup: Callable[[], None], args: Any
) -> None:
    # Django starts only when a wfm command runs, so `tierdesk --help` stays fast.
    setup()
    action(args)


def add_parser(sub: argparse._SubParsersAction, *, setup: Callable[[], None]) -> None:  # type: ignore[type-arg]
    wfm = sub.add_parser("wfm", help="workforce planning: forecast, staff, simulate")
    actions = wfm.add_subparsers(dest="action", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--interval", type=int, default=60, choices=[15, 30, 60])
    common.add_argument("--horizon-days", type=float, default=7)
    common.add_argument("--history-days", type=int, default=91)
    p = actions.add_parser("forecast", parents=[common], help="contacts per tier and channel")
    p.add_argument("--holdout-weeks", type=int, default=2, help="backtest weeks (0: none)")
    p.set_defaults(func=partial(_run, forecast, setup))
    p = actions.add_parser("staff", parents=[common], help="agents per interval and cost")
    p.add_argument("--roster", help="roster name to compare with")
    p.add_argument("--cost-per-hour", type=float)
    p.add_argument("--shrinkage", type=float)
    p.set_defaults(func=partial(_run, staff, setup))
    p = actions.add_parser("simulate", parents=[common], help="can a roster keep the promises?")
    p.add_argument("--roster", required=True)
    p.add_argument("--tier", action="append", help="tier to check (repeat); default all")
    p.add_argument("--target-seconds", type=float, help="promise: answer within (s)")
    p.add_argument("--service-level", type=float, default=0.8)
    p.add_argument("--replications", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=partial(_run, simulate, setup))


def _print(text: str = "") -> None:
    print(text)  # noqa: T201 - a command's output


def _table(header: list[str], rows: list[list[object]]) -> None:
    cells = [header] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for k, row in enumerate(cells):
        _print(
            "  ".join(
                v.ljust(w) if i == 0 else v.rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if k == 0:
            _print("  ".join("-" * w for w in widths))


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value != value:
            return "-"  # NaN: no contacts to score against
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _forecast(args: argparse.Namespace, holdout_weeks: int = 0) -> "ForecastResult":
    from tierdesk.workforce import planning

    return planning.contact_forecast(
        interval_minutes=args.interval,
        horizon_days=args.horizon_days,
        history_days=args.history_days,
        holdout_weeks=holdout_weeks,
        progress=lambda items: tqdm(list(items), desc="fitting", unit="series"),
    )


def forecast(args: argparse.Namespace) -> None:
    result = _forecast(args, args.holdout_weeks)
    _print(
        f"history {result.history_start:%Y-%m-%d} .. {result.start:%Y-%m-%d %H:%M} UTC, "
        f"{result.horizon} intervals of {result.interval_minutes} min ahead"
    )
    rows = []
    for s in result.series:
        b = s.backtest
        metrics = [b.mape, b.wape, b.naive_mape, b.naive_wape] if b else [float("nan")] * 4
        rows.append(
            [
                f"{s.tier.name} {s.channel}",
                int(s.history.sum()),
                round(float(s.values.sum()), 1),
                *metrics,
            ]
        )
    _table(["series", "history", "forecast", "MAPE", "WAPE", "naive MAPE", "naive WAPE"], rows)
    if result.pooled:
        p = result.pooled
        _print()
        _table(
            ["backtest", "MAPE", "WAPE", "naive MAPE", "naive WAPE"],
            [
                ["all series pooled", p["mape"], p["wape"], p["naive_mape"], p["naive_wape"]],
                [
                    "whole floor",
                    p["floor_mape"],
                    p["floor_wape"],
                    p["floor_naive_mape"],
                    p["floor_naive_wape"],
                ],
            ],
        )


def _roster(name: str | None) -> "Roster | None":
    from tierdesk.errors import NotFound
    from tierdesk.workforce import planning
    from tierdesk.workforce.models import Roster

    if name is None:
        return None
    roster = Roster.objects.filter(name=name).first()
    if roster is None:
        raise NotFound(f"No roster named {name!r}.")
    return planning.roster_for(roster.pk)


def staff(args: argparse.Namespace) -> None:
    from tierdesk.workforce.assumptions import Assumptions
    from tierdesk.workforce.staffing import staffing_plan

    changes = {"cost_per_hour": args.cost_per_hour, "shrinkage": args.shrinkage}
    assumptions = Assumptions().with_changes(changes)
    roster = _roster(args.roster)
    plan = staffing_plan(forecast=_forecast(args), assumptions=assumptions, roster=roster)
    tz = ZoneInfo(roster.time_zone if roster else "Europe/London")
    days: dict[object, list[float]] = defaultdict(lambda: [0.0, 0, 0.0, 0.0, 0])
    hours = plan.forecast.interval_minutes / 60
    for i, at in enumerate(plan.starts):
        row = days[at.astimezone(tz).date()]
        row[0] += float(plan.forecast.total[i])
        row[1] = max(row[1], int(plan.scheduled[i]))
        row[2] += float(plan.scheduled[i]) * hours
        if plan.rostered is not None:
            row[3] += float(plan.rostered[i]) * hours
            row[4] += int(plan.rostered[i] + 1e-9 < plan.scheduled[i])
    _table(
        ["day", "contacts", "peak agents", "agent-hours", "rostered h", "short intervals"],
        [
            [f"{d:%a %d %b}", round(r[0], 1), r[1], round(r[2], 1), round(r[3], 1), r[4]]
            for d, r in sorted(days.items())
        ],
    )
    _print()
    _print(
        f"agent-hours {plan.agent_hours:.0f}, cost {plan.cost:.2f} "
        f"at {assumptions.cost_per_hour:.2f}/h, shrinkage {assumptions.shrinkage:.0%}, "
        f"max occupancy {assumptions.max_occupancy:.0%}"
    )
    if roster is not None:
        _print(
            f"roster {roster.name!r} is short in {plan.short_intervals} "
            f"of {plan.forecast.horizon} intervals"
        )


def simulate(args: argparse.Namespace) -> None:
    from tierdesk.workforce.assumptions import Assumptions
    from tierdesk.workforce.feasibility import Promised, check_roster

    roster = _roster(args.roster)
    assert roster is not None  # required by the parser
    result = _forecast(args)
    tiers = args.tier or sorted({s.tier.name for s in result.series})
    verdicts = check_roster(
        forecast=result,
        roster=roster,
        assumptions=Assumptions(),
        promises=[Promised(t, args.target_seconds, args.service_level) for t in tiers],
        replications=args.replications,
        seed=args.seed,
    )
    rows = []
    for v in verdicts:
        for c in v.checks:
            sl = c.result.service_level
            rows.append(
                [
                    v.tier,
                    c.channel,
                    f"{c.result.target_seconds:g} s",
                    f"{sl.mean:.3f} ({sl.low:.3f}-{sl.high:.3f})",
                    str(c.verdict.status),
                    str(v.status),
                ]
            )
    _table(
        ["tier", "channel", "target", "service level (95% CI)", "channel verdict", "tier verdict"],
        rows,
    )
