"""Template filters for how support people read time: '1h 05m left', '35m late'."""

from datetime import datetime
from typing import Any

from django import template

from tierdesk.web import clock_reading

register = template.Library()


@register.filter
def span(seconds: int, business: bool = False) -> str:  # noqa: FBT001, FBT002 (a filter's argument)
    """A span rounded down to the minute: business time in hours, calendar time in days."""
    return clock_reading.span(seconds, business=bool(business))


@register.filter("clock_reading")
def clock_reading_filter(clock: dict[str, Any], now: datetime) -> clock_reading.ClockReading:
    return clock_reading.read_clock(clock, now)


METRIC_LABELS = {
    "first_response": "First reply",
    "next_response": "Next reply",
    "periodic_update": "Update",
    "resolution": "Resolve",
}


@register.filter
def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


@register.filter
def ordinal_cycle(cycle: int) -> str:
    """'2nd cycle': a reopened ticket's later resolution cycles."""
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(cycle % 10 if cycle % 100 not in (11, 12, 13) else 0)
    return f"{cycle}{suffix or 'th'} cycle"
