"""How a clock reads on the pages: time left in the clock's own kind of time, the due
instant with its zone, "late since" with a date unless it is today, and a tone for colour.

Business time is never shown in 24-hour days: 48 business hours on a 09-17 calendar is six
working days, so the page says "48h 00m business" and the due date beside it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tierdesk.web.fast_dates import format_local

DUE_FORMAT = "D j M H:i T"
METRIC_LABELS = {
    "first_response": "First reply",
    "next_response": "Next reply",
    "periodic_update": "Update",
    "resolution": "Resolve",
}


@dataclass(frozen=True, slots=True)
class ClockReading:
    status: str  # what the clock says now: "3h 20m business left", "late since 14:05"
    tone: str  # ok | warning | late | paused | done: the colour it is shown in
    due: str  # "Tue 8 Dec 17:00 GMT", or "" when no due instant stands (paused, stopped)
    due_iso: str
    ticking: bool  # counting down now, so the page refreshes it
    paused: bool = False


def span(seconds: int, *, business: bool) -> str:
    """A span rounded down to the minute; business time in hours, calendar time in days."""
    seconds = abs(int(seconds))
    hours, rest = divmod(seconds, 3_600)
    minutes = rest // 60
    if business:
        text = f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
        return f"{text} business"
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def when(instant: datetime, now: datetime) -> str:
    """A time of day today, else the day and date too: 'late since' must not mislead."""
    local, today = timezone.localtime(instant), timezone.localtime(now).date()
    if local.date() == today:
        return format_local(local, "H:i T")
    return format_local(local, DUE_FORMAT)


def read_clock(c: dict[str, Any], now: datetime) -> ClockReading:
    business = bool(c["business_time"])
    due_at = c["due_at"] if c["stopped_at"] is None else None
    due = format_local(timezone.localtime(due_at), DUE_FORMAT) if due_at else ""
    due_iso = due_at.isoformat() if due_at else ""
    left = span(c["remaining_seconds"], business=business)
    paused = c["state"] == "paused"
    if c["state"] == "cancelled":
        return ClockReading("cancelled", "done", "", "", ticking=False)
    if c["stopped_at"] is not None:  # when it was due and met follows as facts
        late = c["breached_at"] is not None
        tone = "late" if late else "done"
        return ClockReading("late" if late else "met", tone, "", "", ticking=False)
    if c["breached_at"] is not None:
        status = f"late since {when(c['breached_at'], now)}"
        return ClockReading(status, "late", due, due_iso, ticking=not paused, paused=paused)
    if paused:
        return ClockReading(f"{left} left", "paused", "", "", ticking=False, paused=True)
    tone = "warning" if c["warned_at"] is not None else "ok"
    return ClockReading(f"{left} left", tone, due, due_iso, ticking=True)


def fold_cycles(clocks: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """Current clocks first; a metric's earlier, finished cycles apart (shown folded)."""
    latest: dict[str, int] = {}
    for c in clocks:
        latest[c["metric"]] = max(latest.get(c["metric"], 0), c["cycle"])
    current = [c for c in clocks if c["cycle"] == latest[c["metric"]] or c["stopped_at"] is None]
    earlier = [c for c in clocks if c not in current]
    return current, earlier


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def ordinal_cycle(cycle: int) -> str:
    """'2nd cycle': a reopened ticket's later resolution cycles."""
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(cycle % 10 if cycle % 100 not in (11, 12, 13) else 0)
    return f"{cycle}{suffix or 'th'} cycle"


def clock_html(c: dict[str, Any], now: datetime) -> SafeString:
    """A clock as a queue row and the ticket's panel show it: what it says now, its due
    time and, once stopped, when it was due and met.

    Drawn in Python, not by an included template: the queue draws fifty of these a page.
    """
    r = read_clock(c, now)
    business = bool(c["business_time"])
    title = f"target {span(c['target_seconds'], business=business)}"
    title += " (business hours)" if business else ""
    title += f", due {r.due}" if r.due else ""
    label = metric_label(c["metric"])
    label += f" ({ordinal_cycle(c['cycle'])})" if c["cycle"] > 1 else ""
    html = format_html(
        '<span class="clock tone-{}" title="{}">{}: {}{}</span>',
        r.tone,
        title,
        label,
        r.status,
        SafeString(' <span class="badge paused">paused</span>') if r.paused else "",
    )
    if r.due:
        html += format_html(
            ' <small class="due">due <time datetime="{}">{}</time></small>', r.due_iso, r.due
        )
    if c["stopped_at"]:
        html += SafeString("\n") + _stopped_facts(c)
    return html


def _stopped_facts(c: dict[str, Any]) -> SafeString:
    facts = SafeString("")
    if c["breached_at"]:
        facts += format_html("due {}, ", _time(c["breached_at"]))
    if c["achieved_at"]:
        met = "met late" if c["breached_at"] else "met"
        facts += format_html("{} {}", met, _time(c["achieved_at"]))
    else:
        facts += format_html("stopped {}", _time(c["stopped_at"]))
    return format_html('<small class="clock-facts">{}</small>', facts)


def _time(instant: datetime) -> SafeString:
    local = timezone.localtime(instant)
    return format_html(
        '<time datetime="{}">{}</time>', local.isoformat(), format_local(local, DUE_FORMAT)
    )
