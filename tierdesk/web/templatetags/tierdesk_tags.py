"""Template filters and tags for how support people read time: '1h 05m left', '35m late'."""

from datetime import datetime
from typing import Any

from django import template
from django.utils.safestring import SafeString

from tierdesk.web import clock_reading

register = template.Library()


@register.filter
def span(seconds: int, business: bool = False) -> str:  # noqa: FBT001, FBT002 (a filter's argument)
    """A span rounded down to the minute: business time in hours, calendar time in days."""
    return clock_reading.span(seconds, business=bool(business))


@register.simple_tag
def clock_cell(clock: dict[str, Any], now: datetime) -> SafeString:
    return clock_reading.clock_html(clock, now)
