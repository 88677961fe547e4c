"""The managers' dashboard (page and live fragment), the agents' own numbers on the queue,
and where each role lands after signing in."""

from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from tierdesk.accounts.models import Role, User
from tierdesk.dashboard.charts import Plot, bar_chart, line_chart
from tierdesk.dashboard.formatting import kpi_value
from tierdesk.dashboard.forms import DEFAULT_RANGE, RANGES, DashboardForm
from tierdesk.errors import NotAllowed, TierdeskError
from tierdesk.kpis.board import LABELS, Board, Breakdown, Series, agent_numbers, board

MANAGERS = (Role.ADMIN, Role.MANAGER)


def _may_see_dashboard(user: User) -> bool:
    return user.role in MANAGERS


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """After sign-in: managers and admins to the dashboard, everyone else to the queue."""
    if _may_see_dashboard(request.user):
        return redirect("dashboard:dashboard")
    return redirect("web:queue")


def _label(day: date, period: str) -> str:
    if period == "month":
        return day.strftime("%b %Y")
    if period == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    return f"{day.day} {day.strftime('%b')}"


def _labels(series: Series, period: str) -> list[str]:
    return [_label(day, period) for day, _ in series.points]


def _charts(result: Board) -> dict[str, str]:
    series = {s.kpi: s for s in result.series}
    labels = _labels(series["created"], result.period)
    cards = {c.kpi: c for c in result.cards}
    charts = {
        "volume": bar_chart(
            title=f"Tickets created and solved per {result.period}",
            labels=labels,
            plots=[
                Plot(series[k].label, [v for _, v in series[k].points])
                for k in ("created", "solved")
            ],
            fmt=lambda v: kpi_value(v, "count"),
            slug="volume",
        ),
        "attainment": line_chart(
            title=f"SLA attainment per {result.period}",
            labels=labels,
            plots=[
                Plot(series[k].label.replace(" attainment", ""), [v for _, v in series[k].points])
                for k in ("sla_first_response", "sla_next_response", "sla_resolution")
            ],
            fmt=lambda v: f"{v * 100:.0f}%",
            top=1.0,
            target=cards["sla_first_response"].goal,
            target_label="goal",
            slug="attainment",
        ),
    }
    for kpi in ("csat", "nps"):
        if kpi in series and any(v is not None for _, v in series[kpi].points):
            unit = series[kpi].unit
            charts[kpi] = line_chart(
                title=f"{LABELS[kpi]} per {result.period}",
                labels=labels,
                plots=[Plot(LABELS[kpi], [v for _, v in series[kpi].points])],
                fmt=lambda v, unit=unit: kpi_value(v, unit),
                top=1.0 if unit == "ratio" else 100.0,
                slug=kpi,
            )
    return {name: mark_safe(svg) for name, svg in charts.items()}  # noqa: S308 - escaped in charts


def _exports(table: Breakdown, result: Board) -> list[dict[str, str]]:
    """CSV and XLSX links to the KPI API behind each column of a breakdown table."""
    links = []
    for kpi in table.exports:
        params = {
            "kpi": kpi,
            "by": table.by,
            "from": result.start.isoformat(),
            "to": result.end.isoformat(),
            **result.filters,
        }
        base = reverse("api:kpis")
        links.append(
            {
                "kpi": kpi,
                "csv": f"{base}?{urlencode({**params, 'format': 'csv'})}",
                "xlsx": f"{base}?{urlencode({**params, 'format': 'xlsx'})}",
            }
        )
    return links


def _summary(form: DashboardForm) -> str:
    """What the board shows, in words: the period and the filters that narrow it."""
    data = form.cleaned_data
    if data.get("range") == "custom":
        first, last = data.get("from"), data.get("to")
        period = f"{first or '…'} to {last or 'today'}"
    else:
        period = dict(RANGES)[data.get("range") or DEFAULT_RANGE]
    narrowed = [f"{k} {data[k]}" for k in ("tier", "channel", "group", "agent") if data.get(k)]
    return " · ".join([period, *narrowed]) if narrowed else f"{period} · everyone"


def _context(request: HttpRequest, now: datetime) -> tuple[dict[str, object], int]:
    data = request.GET.copy()
    if not data.get("range") and not data.get("from") and not data.get("to"):
        data["range"] = DEFAULT_RANGE  # so the form shows the period the board shows
    form = DashboardForm(data)
    if not form.is_valid():
        return {"form": form}, 422
    start, end, compare_to = form.ranges(now)
    result = board(
        actor=request.user,
        start=start,
        end=end,
        filters=form.filters(),
        breakdown=form.cleaned_data.get("breakdown") or "agent",
        compare_to=compare_to,
    )
    return {
        "form": form,
        "board": result,
        "charts": _charts(result),
        "tier_exports": _exports(result.by_tier, result),
        "breakdown_exports": _exports(result.breakdown, result),
        "summary": _summary(form),
        "query": request.GET.urlencode(),
        "now": now,
    }, 200


def _refused(request: HttpRequest) -> HttpResponse:
    error = NotAllowed("The dashboard is for managers and admins; your numbers are on the queue.")
    return render(request, "web/error.html", {"error": error}, status=error.status)


def _page(request: HttpRequest, template: str) -> HttpResponse:
    if not _may_see_dashboard(request.user):
        return _refused(request)
    try:
        context, status = _context(request, timezone.now())
    except TierdeskError as error:
        return render(request, "web/error.html", {"error": error}, status=error.status)
    return render(request, template, context, status=status)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/dashboard.html")


@login_required
def live(request: HttpRequest) -> HttpResponse:
    """The cards, charts and tables alone: what the page polls every 30 seconds."""
    return _page(request, "dashboard/_live.html")


@login_required
def my_numbers(request: HttpRequest) -> HttpResponse:
    """The signed-in agent's own last 30 days, for the queue page."""
    try:
        numbers = agent_numbers(actor=request.user, now=timezone.now())
    except TierdeskError as error:
        return render(request, "web/error.html", {"error": error}, status=error.status)
    return render(request, "dashboard/_my_numbers.html", {"numbers": numbers})
