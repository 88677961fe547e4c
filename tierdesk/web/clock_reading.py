"""How a clock reads on the pages: time left in the clock's own kind of time, the due
instant with its zone, "late since" with a date unless it is today, and a tone for colour.

Business time is never shown in 24-hour days: 48 business hours on a 09-17 calendar is six
working days, so the page says "48h 00m business" and the due date beside it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

DUE_FORMAT = "D j M H:i T"


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
        return date_format(local, "H:i T")
    return date_format(local, DUE_FORMAT)


def read_clock(c: dict[str, Any], now: datetime) -> ClockReading:
    business = bool(c["business_time"])
    due_at = c["due_at"] if c["stopped_at"] is None else None
    due = date_format(timezone.localtime(due_at), DUE_FORMAT) if due_at else ""
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
