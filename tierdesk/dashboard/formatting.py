"""How dashboard numbers read: rates in percent, durations in hours and minutes, and "no data
yet" (never 0) where nothing was measured. Pure Python."""

NO_DATA = "no data yet"


def duration(seconds: float) -> str:
    """45 min, 2 h 05 min, 4 h, 130 h: hours, not days, since most of these are business
    hours (a 24-hour target is three working days, not one); rounded to the minute."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours >= 100:
        return f"{round(hours + minutes / 60)} h"
    if minutes == 0:
        return f"{hours} h"
    return f"{hours} h {minutes:02d} min"


def kpi_value(value: float | None, unit: str) -> str:
    """A KPI value in its unit: ratio (0..1) and percent (0..100) as %, seconds as a duration."""
    if value is None:
        return NO_DATA
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "seconds":
        return duration(value)
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.1f}"
