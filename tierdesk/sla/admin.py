"""Escalation rules are configured in the admin; clocks are shown, never edited."""

from django.contrib import admin

from tierdesk.sla.models import EscalationRule, SlaClock
from tierdesk.tickets.admin import ReadOnly

admin.site.register(EscalationRule)


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnly):
    list_display = ["ticket", "metric", "cycle", "state", "due_at", "breached_at"]
    list_filter = ["metric", "state"]
