"""Template filters for dashboard numbers."""

from django import template

from tierdesk.dashboard.formatting import kpi_value as _kpi_value
from tierdesk.domain.kpi.trend import Trend

register = template.Library()


@register.filter
def kpi_value(value: float | None, unit: str) -> str:
    return _kpi_value(value, unit)


@register.filter
def trend_text(trend: Trend) -> str:
    """▲ 12.5% or ▼ 3.0 pp; empty when there is nothing to compare."""
    if trend.change is None or trend.arrow is None:
        return ""
    if trend.arrow == "=":
        return "= no change"
    return f"{trend.arrow} {abs(trend.change):.1f}{' pp' if trend.unit == 'pp' else '%'}"
