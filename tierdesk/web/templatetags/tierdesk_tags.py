"""Template filters for how support people read time: '1h 05m left', '35m late'."""

from django import template

register = template.Library()


@register.filter
def span(seconds: int) -> str:
    """A business-time span in days, hours and minutes, rounded down to the minute."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


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
