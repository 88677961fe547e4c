"""SLA clock maths: business calendars and exact, DST-correct business-time arithmetic."""

from tierdesk.domain.sla.calendar import UTC, Calendar, Shift, holiday_dates
from tierdesk.domain.sla.clock import (
    add_business_seconds,
    add_business_seconds_batch,
    add_business_seconds_epoch,
    business_seconds_between,
    business_seconds_between_batch,
    business_seconds_between_epoch,
    is_open,
    is_open_epoch,
    next_closing,
    next_closing_epoch,
    next_opening,
    next_opening_epoch,
)
from tierdesk.domain.sla.table import HORIZON, CalendarTable, Intervals, table_for

__all__ = [
    "HORIZON",
    "UTC",
    "Calendar",
    "CalendarTable",
    "Intervals",
    "Shift",
    "add_business_seconds",
    "add_business_seconds_batch",
    "add_business_seconds_epoch",
    "business_seconds_between",
    "business_seconds_between_batch",
    "business_seconds_between_epoch",
    "holiday_dates",
    "is_open",
    "is_open_epoch",
    "next_closing",
    "next_closing_epoch",
    "next_opening",
    "next_opening_epoch",
    "table_for",
]
