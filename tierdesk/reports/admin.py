"""Tier reviews in the admin, read-only: they are asked for on the reports page or the API."""

from django.contrib import admin

from tierdesk.reports.models import TierReview


@admin.register(TierReview)
class TierReviewAdmin(admin.ModelAdmin):
    list_display = [
        "period_start",
        "period_end",
        "state",
        "scheduled",
        "requested_by",
        "created_at",
    ]
    list_filter = ["state", "scheduled"]
    exclude = ["figures"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
