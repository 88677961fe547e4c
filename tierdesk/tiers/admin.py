"""Tier configuration in the admin; calendar edits bump the calendar's revision."""

from django.contrib import admin
from django.db.models import F

from tierdesk.tiers.models import (
    BusinessCalendar,
    CalendarDay,
    ChannelCoverage,
    SlaTarget,
    Tier,
    WeeklyHours,
)


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "always_open", "holiday_country", "revision"]
    inlines = [WeeklyHoursInline, CalendarDayInline]
    readonly_fields = ["revision"]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        # Running clocks keep the hours they started with; new ones see the edit.
        BusinessCalendar.objects.filter(pk=form.instance.pk).update(revision=F("revision") + 1)


class CoverageInline(admin.TabularInline):
    model = ChannelCoverage
    extra = 0


class TargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "rank", "routing_priority", "proactive_care", "min_seniority"]
    inlines = [CoverageInline, TargetInline]
