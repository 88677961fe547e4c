"""Rosters in the admin, read-only status history; status changes go through the service."""

from django.contrib import admin

from tierdesk.workforce.models import AgentStatusEvent, Roster, RosterShift


class RosterShiftInline(admin.TabularInline):
    model = RosterShift
    extra = 0


@admin.register(Roster)
class RosterAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "created_at"]
    inlines = [RosterShiftInline]


@admin.register(AgentStatusEvent)
class AgentStatusEventAdmin(admin.ModelAdmin):
    list_display = ["agent", "status", "at", "set_by"]
    list_filter = ["status"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
