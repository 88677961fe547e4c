"""The tier review's figures for one period, as plain JSON: promised, delivered, customers near
a tier boundary, recommendations. Reads only (KPI tables and the report's selectors)."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tierdesk.domain.kpi.review import (
    WEEKDAYS,
    Attainment,
    attainment_findings,
    boundary_findings,
    cost_findings,
    csat_finding,
    miss_cluster,
    near_boundary,
    refused_findings,
)
from tierdesk.kpis.selectors import KpiQuery, kpi_table
from tierdesk.reports import selectors
from tierdesk.tiers.models import BusinessCalendar, Metric, Priority, Tier

BOUNDARY_ROWS = 8  # per direction and tier in the PDF; the figures keep them all


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Inclusive dates as the UTC range [start 00:00, day after end 00:00)."""
    return datetime.combine(start, time(), UTC), datetime.combine(
        end + timedelta(days=1), time(), UTC
    )


def _by_tier(kpi: str, start: datetime, end: datetime) -> dict[str, dict[str, Any]]:
    table = kpi_table(KpiQuery(kpi, ("tier",), None, start, end, {}))
    return {str(r["tier"]): r for r in table.rows}


def _hours(calendar: BusinessCalendar) -> str:
    if calendar.always_open:
        return "24/7"
    days: dict[int, str] = {}
    for h in calendar.hours.all():
        span = f"{h.start:%H:%M}–{h.end:%H:%M}"
        days[h.weekday] = f"{days[h.weekday]}, {span}" if h.weekday in days else span
    runs: list[tuple[int, int, str]] = []
    for weekday in sorted(days):
        if runs and runs[-1][1] == weekday - 1 and runs[-1][2] == days[weekday]:
            runs[-1] = (runs[-1][0], weekday, days[weekday])
        else:
            runs.append((weekday, weekday, days[weekday]))
    short = [w[:3] for w in WEEKDAYS]
    return (
        "; ".join(f"{short[a]}{'–' + short[b] if b != a else ''} {span}" for a, b, span in runs)
        or "closed"
    )


def _promises(tier: Tier) -> dict[str, Any]:
    targets: dict[str, dict[str, int]] = {}
    business: dict[str, bool] = {}
    for t in tier.targets.all():
        targets.setdefault(t.metric, {})[t.priority] = t.target_seconds
        business[t.metric] = t.business_time
    return {
        "channels": [
            {
                "channel": c.channel,
                "calendar": c.calendar.name,
                "zone": c.calendar.time_zone,
                "hours": _hours(c.calendar),
            }
            for c in sorted(tier.coverage.all(), key=lambda c: c.channel)
        ],
        "targets": [
            {
                "metric": m.value,
                "label": m.label,
                "business_time": business[m.value],
                "seconds": {p.value: targets[m.value].get(p.value) for p in Priority},
            }
            for m in Metric
            if m.value in targets
        ],
        "goal_percent": tier.attainment_goal_percent,
        "phone_answer_target_seconds": tier.phone_answer_target_seconds,
        "chat_answer_target_seconds": tier.chat_answer_target_seconds,
        "scope": tier.support_scope,
        "proactive_care": tier.get_proactive_care_display(),
        "account_manager": tier.account_manager_required,
    }


def _duration(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"count": row["count"], "median": row["median"], "p90": row["p90"]}


def _ratio(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None or row.get("value") is None:
        return None
    answers = row.get("denominator", row.get("count"))
    return {"value": row["value"], "answers": answers}


def review_figures(*, start: date, end: date) -> dict[str, Any]:
    """Everything the report shows for the inclusive period [start, end]."""
    lo, hi = period_bounds(start, end)
    prev_lo = lo - (hi - lo)
    tiers = selectors.review_tiers()
    ranks = {t.name: t.rank for t in tiers}
    volumes = selectors.tickets_by_tier(start=lo, end=hi)
    refused = selectors.refused_contacts(start=lo, end=hi)
    kpis = {
        k: _by_tier(k, lo, hi)
        for k in (
            "first_response_time",
            "resolution_time",
            "first_contact_resolution",
            "csat",
            "nps",
            "ces",
            "abandonment",
            "cost_to_serve",
        )
    }
    attainment_now = {m.value: _by_tier(f"sla_{m.value}", lo, hi) for m in Metric}
    attainment_before = {m.value: _by_tier(f"sla_{m.value}", prev_lo, lo) for m in Metric}
    cost = {t.name: (kpis["cost_to_serve"].get(t.name) or {}).get("value") for t in tiers}
    costly = cost_findings(cost, ranks)
    out: list[dict[str, Any]] = []
    for index, tier in enumerate(tiers):
        zone = selectors.tier_zone(tier)
        channels = {c.channel for c in tier.coverage.all()}
        offered_by = {}
        for higher in tiers[index + 1 :]:
            for c in higher.coverage.all():
                offered_by.setdefault(c.channel, higher.name)
        attainment: dict[str, Any] = {}
        misses: dict[str, Any] = {}
        recommendations: list[str] = []
        ranked: list[tuple[float, list[str]]] = []
        for m in Metric:
            now = attainment_now[m.value].get(tier.name)
            if now is None:
                continue
            before = attainment_before[m.value].get(tier.name)
            a = Attainment(
                m.value,
                now["numerator"],
                now["denominator"] - now["numerator"],
                None if before is None else before["value"],
            )
            cells = selectors.miss_cells(tier=tier, metric=m.value, start=lo, end=hi, zone=zone)
            cluster = miss_cluster(cells)
            grid = [[0] * 24 for _ in WEEKDAYS]
            for cell in cells:
                grid[cell.weekday][cell.hour] = cell.misses
            attainment[m.value] = {
                "label": m.label,
                "met": a.met,
                "breached": a.breached,
                "value": a.value,
                "previous": a.previous,
            }
            misses[m.value] = {
                "grid": grid,
                "cluster": None if cluster is None else cluster.describe(),
            }
            gap = tier.attainment_goal_percent - (a.value or 0.0) * 100
            ranked.append(
                (
                    -gap,
                    attainment_findings(
                        tier=tier.name,
                        goal_percent=tier.attainment_goal_percent,
                        attainment=a,
                        cluster=cluster,
                    ),
                )
            )
        # The widest gap to the goal first: the cover page shows each tier's first two.
        for _, found in sorted(ranked, key=lambda r: r[0]):
            recommendations += found
        csat = _ratio(kpis["csat"].get(tier.name))
        recommendations += csat_finding(
            tier=tier.name,
            csat=None if csat is None else csat["value"],
            answers=0 if csat is None else int(csat["answers"] or 0),
        )
        tier_refused = refused.get(tier.pk, {})
        recommendations += refused_findings(
            tier=tier.name,
            refused={c: n for c, n in tier_refused.items() if c not in channels},
            offered_by=offered_by,
        )
        recommendations += costly.get(tier.name, [])
        boundary = near_boundary(
            selectors.organization_usage(tier=tier, start=lo, end=hi),
            tier=tier.name,
            lowest=index == 0,
            highest=index == len(tiers) - 1,
        )
        recommendations += boundary_findings(
            tier=tier.name,
            next_tier=tiers[index + 1].name if index + 1 < len(tiers) else None,
            found=boundary,
        )
        volume = volumes.get(tier.name, {})
        out.append(
            {
                "name": tier.name,
                "rank": tier.rank,
                "description": tier.description,
                "zone": str(zone),
                "promises": _promises(tier),
                "delivered": {
                    "tickets": volume.get("tickets", 0),
                    "urgent": volume.get("urgent", 0),
                    "by_channel": {
                        k.removeprefix("channel_"): v
                        for k, v in sorted(volume.items())
                        if k.startswith("channel_")
                    },
                    "attainment": attainment,
                    "first_response_time": _duration(kpis["first_response_time"].get(tier.name)),
                    "resolution_time": _duration(kpis["resolution_time"].get(tier.name)),
                    "first_contact_resolution": _ratio(
                        kpis["first_contact_resolution"].get(tier.name)
                    ),
                    "csat": csat,
                    "nps": _ratio(kpis["nps"].get(tier.name)),
                    "ces": _ratio(kpis["ces"].get(tier.name)),
                    "abandonment": _ratio(kpis["abandonment"].get(tier.name)),
                    "cost_per_ticket": cost.get(tier.name),
                    "refused": dict(sorted(tier_refused.items())),
                },
                "misses": misses,
                "boundary": [
                    {
                        "organization": b.organization,
                        "direction": b.direction,
                        "reason": b.reason,
                        "tickets": b.tickets,
                        "urgent_share": b.urgent_share,
                        "attainment": b.attainment,
                    }
                    for b in boundary
                ],
                "recommendations": recommendations,
            }
        )
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "previous": {
            "start": prev_lo.date().isoformat(),
            "end": (lo - timedelta(days=1)).date().isoformat(),
        },
        "tiers": out,
    }
