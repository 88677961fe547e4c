"""Manager pages: forecast vs actual, required vs rostered agents, feasibility, adherence."""

from collections import defaultdict
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tierdesk.errors import NotAllowed, TierdeskError
from tierdesk.workforce import planning, selectors
from tierdesk.workforce.access import is_planner
from tierdesk.workforce.assumptions import Assumptions
from tierdesk.workforce.charts import PALETTE, Line, line_chart
from tierdesk.workforce.feasibility import Promised, check_roster
from tierdesk.workforce.models import Roster
from tierdesk.workforce.staffing import StaffingPlan, staffing_plan

INTERVALS = [(60, "60 min"), (30, "30 min"), (15, "15 min")]


class PlanForm(forms.Form):
    interval_minutes = forms.TypedChoiceField(choices=INTERVALS, coerce=int, initial=60)
    horizon_days = forms.FloatField(min_value=0.25, max_value=366, initial=7)
    roster = forms.ModelChoiceField(queryset=Roster.objects.order_by("name"), required=False)


class ForecastForm(forms.Form):
    interval_minutes = forms.TypedChoiceField(choices=INTERVALS, coerce=int, initial=60)
    horizon_days = forms.FloatField(min_value=0.25, max_value=366, initial=7)
    holdout_weeks = forms.IntegerField(min_value=1, max_value=8, initial=2)


class FeasibilityForm(PlanForm):
    tier = forms.ChoiceField(choices=())
    target_seconds = forms.FloatField(min_value=0, required=False, help_text="blank: tier's own")
    service_level = forms.FloatField(min_value=0.01, max_value=0.99, initial=0.8)
    replications = forms.IntegerField(min_value=2, max_value=50, initial=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [t.name for t in selectors.planning_tiers()]
        self.fields["tier"].choices = [("", "every tier")] + [(n, n) for n in names]
        self.fields["tier"].required = False
        self.fields["roster"].required = True


def _bound(form_class: type[forms.Form], request: HttpRequest) -> forms.Form:
    """The form bound to the query string, with each field's initial value as default.

    The roster defaults to the first one by name, so the page shows it chosen.
    """
    initial = {k: f.initial for k, f in form_class.base_fields.items() if f.initial is not None}
    if "roster" in form_class.base_fields:
        first = Roster.objects.order_by("name").values_list("pk", flat=True).first()
        if first is not None:
            initial["roster"] = first
    return form_class({**initial, **request.GET.dict()})


def _refuse(request: HttpRequest) -> HttpResponse | None:
    if is_planner(request.user):
        return None
    error = NotAllowed("Only managers and admins can see workforce plans.")
    return render(request, "web/error.html", {"error": error}, status=403)


def _default_roster(form: forms.Form) -> Roster | None:
    roster = form.cleaned_data.get("roster")
    return roster or Roster.objects.order_by("name").first()


def _staffing_chart(plan: StaffingPlan) -> str:
    lines = [
        Line("to schedule (after shrinkage)", plan.scheduled.tolist(), PALETTE[1], step=True),
        Line(
            "productive agents needed", plan.productive.tolist(), PALETTE[4], step=True, dashed=True
        ),
    ]
    if plan.rostered is not None:
        lines.append(Line("rostered", plan.rostered.tolist(), PALETTE[2], step=True))
    return line_chart(
        lines,
        starts=plan.starts,
        title="Required vs rostered agents per interval",
        y_label="agents",
    )


def _daily(plan: StaffingPlan, tz: ZoneInfo) -> list[dict[str, Any]]:
    days: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"contacts": 0.0, "peak": 0, "needed_hours": 0.0, "rostered_hours": 0.0, "short": 0}
    )
    hours = plan.forecast.interval_minutes / 60
    total = plan.forecast.total
    for i, at in enumerate(plan.starts):
        row = days[at.astimezone(tz).date()]
        row["contacts"] += float(total[i])
        row["peak"] = max(row["peak"], int(plan.scheduled[i]))
        row["needed_hours"] += float(plan.scheduled[i]) * hours
        if plan.rostered is not None:
            row["rostered_hours"] += float(plan.rostered[i]) * hours
            row["short"] += int(plan.rostered[i] + 1e-9 < plan.scheduled[i])
    return [{"day": day, **row} for day, row in sorted(days.items())]


@login_required
def staffing_page(request: HttpRequest) -> HttpResponse:
    refused = _refuse(request)
    if refused:
        return refused
    form = _bound(PlanForm, request)
    context: dict[str, Any] = {"form": form}
    status = 200
    if form.is_valid():
        roster = _default_roster(form)
        try:
            forecast = planning.cached_forecast(
                interval_minutes=form.cleaned_data["interval_minutes"],
                horizon_days=form.cleaned_data["horizon_days"],
            )
            plan = staffing_plan(
                forecast=forecast,
                assumptions=Assumptions(),
                roster=planning.roster_for(roster.pk) if roster else None,
            )
        except TierdeskError as error:
            context["error"], status = error, error.status
        else:
            tz = ZoneInfo(roster.time_zone if roster else "Europe/London")
            today = timezone.now().astimezone(tz).date()
            context.update(
                plan=plan,
                roster=roster,
                chart=_staffing_chart(plan),
                days=_daily(plan, tz),
                rows=[
                    {
                        "start": at,
                        "contacts": float(plan.forecast.total[i]),
                        "channels": [int(v[i]) for v in plan.by_channel.values()],
                        "productive": int(plan.productive[i]),
                        "scheduled": int(plan.scheduled[i]),
                        "rostered": None if plan.rostered is None else float(plan.rostered[i]),
                    }
                    for i, at in enumerate(plan.starts)
                ],
                channels=[str(c) for c in plan.by_channel],
                floor=_floor_today(roster, today) if roster else [],
                today=today,
            )
    return render(request, "workforce/staffing.html", context, status=status)


def _floor_today(roster: Roster, day: Any) -> list[dict[str, Any]]:
    """Per agent today: rostered hours, adherence and real occupancy over the day."""
    rows = planning.adherence(roster=planning.roster_for(roster.pk), day=day)
    by_agent: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        a = by_agent[r.username]
        a["rostered"] += r.rostered_seconds
        if r.adherence is not None:
            a["adherent"] += r.adherence * r.rostered_seconds
    current = {e.agent.username: e.status for e in selectors.current_statuses()}
    out = []
    for name, a in sorted(by_agent.items()):
        occupancy = [r.occupancy for r in rows if r.username == name and r.occupancy is not None]
        out.append(
            {
                "agent": name,
                "status": current.get(name, "offline"),
                "rostered_hours": a["rostered"] / 3600,
                "adherence": a["adherent"] / a["rostered"] if a["rostered"] else None,
                "occupancy": float(np.mean(occupancy)) if occupancy else None,
            }
        )
    return out


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    refused = _refuse(request)
    if refused:
        return refused
    form = _bound(ForecastForm, request)
    context: dict[str, Any] = {"form": form}
    status = 200
    if form.is_valid():
        try:
            result = planning.cached_forecast(**form.cleaned_data)
        except TierdeskError as error:
            context["error"], status = error, error.status
        else:
            tests = [s.backtest for s in result.series if s.backtest is not None]
            held = len(tests[0].actual)
            step = timedelta(minutes=result.interval_minutes)
            held_starts = [result.start - step * (held - i) for i in range(held)]
            by_channel: dict[str, Any] = defaultdict(lambda: np.zeros(result.horizon))
            for s in result.series:
                by_channel[str(s.channel)] = by_channel[str(s.channel)] + s.values
            context.update(
                result=result,
                backtest_chart=line_chart(
                    [
                        Line(
                            "actual", np.sum([t.actual for t in tests], axis=0).tolist(), "#111827"
                        ),
                        Line("forecast", np.sum([t.forecast for t in tests], axis=0).tolist()),
                        Line(
                            "seasonal naive (last week)",
                            np.sum([t.naive for t in tests], axis=0).tolist(),
                            PALETTE[1],
                            dashed=True,
                        ),
                    ],
                    starts=held_starts,
                    title=f"Forecast vs actual: the last {result.holdout_weeks} weeks held out",
                    y_label="contacts per interval",
                ),
                forecast_chart=line_chart(
                    [
                        Line(name, values.tolist(), PALETTE[k % len(PALETTE)])
                        for k, (name, values) in enumerate(by_channel.items())
                    ],
                    starts=result.grid.starts(),
                    title="Forecast contacts per channel (all tiers)",
                    y_label="contacts per interval",
                ),
                series=result.series,
            )
    return render(request, "workforce/forecast.html", context, status=status)


@login_required
def feasibility_page(request: HttpRequest) -> HttpResponse:
    refused = _refuse(request)
    if refused:
        return refused
    form = FeasibilityForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            forecast = planning.cached_forecast(
                interval_minutes=data["interval_minutes"], horizon_days=data["horizon_days"]
            )
            promises = (
                [Promised(data["tier"], data["target_seconds"], data["service_level"])]
                if data["tier"]
                else [
                    Promised(name, data["target_seconds"], data["service_level"])
                    for name in sorted({s.tier.name for s in forecast.series})
                ]
            )
            verdicts = check_roster(
                forecast=forecast,
                roster=planning.roster_for(data["roster"].pk),
                assumptions=Assumptions(),
                promises=promises,
                replications=data["replications"],
            )
        except TierdeskError as error:
            context["error"], status = error, error.status
        else:
            now = timezone.now()
            actual = selectors.first_response_attainment(since=now - timedelta(days=28), until=now)
            context["verdicts"] = [
                {
                    "tier": v,
                    "predicted": _weighted_level(v),
                    "actual": actual.get(v.tier),
                }
                for v in verdicts
            ]
    elif request.GET:
        status = 422
    return render(request, "workforce/feasibility.html", context, status=status)


def _weighted_level(verdict: Any) -> float:
    """The tier's simulated service level over all its channels, weighted by contacts."""
    offered = [c.result.offered.mean for c in verdict.checks]
    levels = [c.result.service_level.mean for c in verdict.checks]
    total = sum(offered)
    return sum(o * s for o, s in zip(offered, levels, strict=True)) / total if total else 1.0


class AdherenceForm(forms.Form):
    roster = forms.ModelChoiceField(queryset=Roster.objects.order_by("name"), required=False)
    day = forms.DateField(required=False)
    interval_minutes = forms.TypedChoiceField(choices=INTERVALS, coerce=int, initial=60)


@login_required
def adherence_page(request: HttpRequest) -> HttpResponse:
    refused = _refuse(request)
    if refused:
        return refused
    form = _bound(AdherenceForm, request)
    context: dict[str, Any] = {"form": form, "statuses": selectors.current_statuses()}
    if form.is_valid():
        roster = _default_roster(form)
        if roster is not None:
            tz = ZoneInfo(roster.time_zone)
            day = form.cleaned_data.get("day") or timezone.now().astimezone(tz).date()
            rows = planning.adherence(
                roster=planning.roster_for(roster.pk),
                day=day,
                interval_minutes=form.cleaned_data["interval_minutes"],
            )
            grid: dict[str, list[Any]] = defaultdict(list)
            for r in rows:
                grid[r.username].append(r)
            starts = sorted({r.interval_start for r in rows})
            context.update(roster=roster, day=day, grid=dict(grid), starts=starts, tz=tz)
    return render(request, "workforce/adherence.html", context)
