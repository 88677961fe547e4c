"""Tickets in the admin are read-only: every change goes through the ticket services."""

from django.contrib import admin

from tierdesk.tickets.models import Ticket, TicketEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnly):
    list_display = ["id", "subject", "organization", "tier", "status", "priority", "sla_due_at"]
    list_filter = ["status", "priority", "tier", "channel"]
    search_fields = ["subject"]


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnly):
    list_display = ["id", "ticket", "kind", "actor", "at"]
    list_filter = ["kind"]
