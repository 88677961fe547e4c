"""The tier review as a PDF: the figures laid out by an HTML template and CSS, printed by
WeasyPrint (Pango and a system font; no network: the charts are inline SVG)."""

from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string

from tierdesk.domain.kpi.review import percent
from tierdesk.reports.charts import attainment_bars, miss_heatmap

PRIORITIES = ("urgent", "high", "normal", "low")
METRICS = {
    "first_response": "First response",
    "next_response": "Next response",
    "periodic_update": "Periodic update",
    "resolution": "Resolution",
}
CHANNEL_NAMES = {"email": "Email", "web": "Web", "api": "API", "phone": "Phone", "chat": "Chat"}
NO_SURVEY = "no survey answers in this period"


def duration(seconds: float | None, *, days: bool = True) -> str:
    """3725 -> "1 h 2 min"; 90 -> "1 min 30 s"; days above 48 h unless ``days`` is False
    (business-time targets: 80 business hours are not 3.3 days)."""
    if seconds is None:
        return "–"
    s = round(seconds)
    if days and s >= 48 * 3600:
        return f"{s / 86400:.1f} d"
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{h} h {m} min" if m else f"{h} h"
    if m:
        return f"{m} min {sec} s" if sec and m < 10 else f"{m} min"
    return f"{sec} s"


def _survey(entry: dict[str, Any] | None, kind: str) -> str:
    if entry is None:
        return NO_SURVEY
    value = entry["value"]
    shown = {"csat": percent(value), "nps": f"{value:+.0f}", "ces": f"{value:.1f} / 7"}[kind]
    return f"{shown} ({entry['answers']} answers)"


def _hours(channels: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Channels with the same hours on one line: "API, Email, Web: Mon–Fri 09:00–17:00"."""
    lines: dict[tuple[str, str], list[str]] = {}
    for c in channels:
        lines.setdefault((c["hours"], c["zone"]), []).append(
            CHANNEL_NAMES.get(c["channel"], c["channel"])
        )
    return [
        {"channels": ", ".join(names), "hours": hours, "zone": zone}
        for (hours, zone), names in lines.items()
    ]


def _cost(cost: float | None) -> str:
    if cost is None:
        return "no tickets"
    if cost == 0:
        # The KPI spreads busy agent time; none recorded means no cost can be told yet.
        return "no busy agent time recorded"
    return f"{cost:,.2f}"


def _tier_view(tier: dict[str, Any]) -> dict[str, Any]:
    promises, delivered = tier["promises"], tier["delivered"]
    goal = promises["goal_percent"]
    attainment = delivered["attainment"]
    rows = []
    metrics = []
    promised = {t["metric"] for t in promises["targets"]}
    for metric in METRICS:
        a = attainment.get(metric)
        value = None if a is None else a["value"]
        metrics.append(
            {
                "attainment": percent(value) if metric in promised else "not promised",
                "below": value is not None and value * 100 < goal,
                "value": value,
            }
        )
    for target in promises["targets"]:
        a = attainment.get(target["metric"])
        value = None if a is None else a["value"]
        rows.append(
            {
                "label": target["label"],
                "targets": [
                    duration(target["seconds"].get(p), days=not target["business_time"])
                    for p in PRIORITIES
                ],
                "clock": "business" if target["business_time"] else "calendar",
                "attainment": percent(value),
                "below": value is not None and value * 100 < goal,
                "previous": percent(None if a is None else a["previous"]),
                "verdicts": 0 if a is None else a["met"] + a["breached"],
                "value": value,
            }
        )
    worst = max(tier["misses"].items(), key=lambda kv: sum(map(sum, kv[1]["grid"])), default=None)
    frt, res = delivered["first_response_time"], delivered["resolution_time"]
    fcr, abandon = delivered["first_contact_resolution"], delivered["abandonment"]
    cost = delivered["cost_per_ticket"]
    return {
        **tier,
        "hours": _hours(promises["channels"]),
        "targets": rows,
        "metrics": metrics,
        "chart": attainment_bars([(r["label"], r["value"]) for r in rows], goal_percent=goal),
        "heat_metric": None if worst is None else attainment[worst[0]]["label"],
        "heat": None
        if worst is None or not sum(map(sum, worst[1]["grid"]))
        else miss_heatmap(worst[1]["grid"], zone=tier["zone"]),
        "heat_cluster": None if worst is None else worst[1]["cluster"],
        "volume": delivered["tickets"],
        "urgent_share": percent(delivered["urgent"] / delivered["tickets"])
        if delivered["tickets"]
        else "–",
        "by_channel": ", ".join(
            f"{CHANNEL_NAMES.get(c, c)} {n}" for c, n in delivered["by_channel"].items()
        ),
        "refused": ", ".join(
            f"{CHANNEL_NAMES.get(c, c)} {n}" for c, n in delivered["refused"].items()
        ),
        "frt": frt
        and {"count": frt["count"], "median": duration(frt["median"]), "p90": duration(frt["p90"])},
        "res": res
        and {"count": res["count"], "median": duration(res["median"]), "p90": duration(res["p90"])},
        "fcr": "no solved tickets" if fcr is None else percent(fcr["value"]),
        "surveys": any(delivered[k] is not None for k in ("csat", "nps", "ces")),
        "csat": _survey(delivered["csat"], "csat"),
        "nps": _survey(delivered["nps"], "nps"),
        "ces": _survey(delivered["ces"], "ces"),
        "abandonment": "no call or chat queue data recorded"
        if abandon is None
        else f"{percent(abandon['value'])} of {abandon['answers']} offered",
        "cost": _cost(cost),
        "upgrades": [b for b in tier["boundary"] if b["direction"] == "upgrade"],
        "downgrades": [b for b in tier["boundary"] if b["direction"] == "downgrade"],
    }


def render_html(*, figures: dict[str, Any], generated_at: datetime, by: str) -> str:
    period = figures["period"]
    tiers = [_tier_view(t) for t in figures["tiers"]]
    for t in tiers:
        for b in t["upgrades"] + t["downgrades"]:
            b["urgent"] = percent(b["urgent_share"])
            b["met"] = percent(b["attainment"])
    return render_to_string(
        "reports/review.html",
        {
            "start": date.fromisoformat(period["start"]),
            "end": date.fromisoformat(period["end"]),
            "previous": figures["previous"],
            "generated_at": generated_at,
            "by": by,
            "tiers": tiers,
            "metric_labels": list(METRICS.values()),
            "summary": [
                {
                    "name": t["name"],
                    "tickets": t["volume"],
                    "goal": t["promises"]["goal_percent"],
                    "metrics": t["metrics"],
                    "cost": t["cost"] if t["delivered"]["cost_per_ticket"] else "–",
                    "csat": t["csat"],
                    "actions": len(t["recommendations"]),
                }
                for t in tiers
            ],
        },
    )


def render_pdf(*, figures: dict[str, Any], generated_at: datetime, by: str) -> bytes:
    html = render_html(figures=figures, generated_at=generated_at, by=by)
    # WeasyPrint loads Pango and its fonts: imported here, the server starts without them.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
