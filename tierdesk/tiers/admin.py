"""Tier and calendar configuration in the admin, written through the same services as the API.

The admin forms only collect input: saving a calendar calls `create_calendar` or
`edit_calendar` (rows and a new version), saving a tier calls `create_tier`, `update_tier`
and `change_policy` (one new policy version for all its target, coverage and pausing edits).
A refusal (a TierdeskError) rolls the whole save back and is shown as an error message.
Versions are read-only history.
"""

from collections.abc import Iterable
from datetime import time
from typing import Any, override

from django import forms
from django.contrib import admin, messages
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from tierdesk.errors import TierdeskError
from tierdesk.tiers import services
from tierdesk.tiers.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarVersion,
    ChannelCoverage,
    SlaTarget,
    Tier,
    TierPolicyVersion,
    WeeklyHours,
)
from tierdesk.tiers.services import CustomDay, Hours, Target


class ServiceErrorsAsMessages(admin.ModelAdmin):
    """Show a service's refusal on the form page instead of a server error."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except TierdeskError as error:
            # The admin's own transaction has rolled back: nothing of this save was written.
            detail = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
            self.message_user(request, f"{error.message} {detail}".strip(), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @override
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing here: save_related sees the inlines too and calls the services."""

    @override
    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Nothing here either: inline rows are written by the services."""


class KeptWithHistory(ServiceErrorsAsMessages):
    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Versions and clocks refer to these rows: a calendar or tier with history is kept.
        return False


def _nothing_saved_by_the_formsets(formsets: Iterable[Any]) -> None:
    # The admin's change message reads what formset.save() would have set; the services
    # wrote the rows instead.
    for formset in formsets:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


def _kept(formset: BaseInlineFormSet) -> Iterable[dict[str, Any]]:
    """Cleaned data of the inline rows the admin kept (filled in and not marked deleted)."""
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or (form.instance.pk is None and not form.has_changed()):
            continue
        yield data


def _removed(formset: BaseInlineFormSet) -> Iterable[Any]:
    """Existing rows the admin marked for deletion."""
    return [form.instance for form in formset.deleted_forms if form.instance.pk is not None]


def _formset(formsets: list[Any], model: type[Model]) -> Any:
    return next(f for f in formsets if f.model is model)


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


class VersionInline(admin.TabularInline):
    """Versions are history: shown, never added, edited or deleted here."""

    extra = 0
    fields = ["number", "effective_from", "created_at", "created_by", "rules"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class CalendarVersionInline(VersionInline):
    model = CalendarVersion


class CalendarForm(ModelForm):
    effective_from = forms.DateTimeField(
        required=False, help_text="When the edit takes effect; empty: now. Never in the past."
    )

    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "always_open", "holiday_country", "holiday_subdivision"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(KeptWithHistory):
    form = CalendarForm
    list_display = ["name", "time_zone", "always_open", "holiday_country"]
    inlines = [WeeklyHoursInline, CalendarDayInline, CalendarVersionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return ["name"] if obj is not None else []

    @override
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        _nothing_saved_by_the_formsets(formsets)
        if change and not form.has_changed() and not any(f.has_changed() for f in formsets):
            return  # saved as it was: no new version
        data = form.cleaned_data
        hours = [
            Hours(row["weekday"], row["start"], row["end"])
            for row in _kept(_formset(formsets, WeeklyHours))
        ]
        days = _custom_days(_kept(_formset(formsets, CalendarDay)))
        if not change:
            calendar = services.create_calendar(
                actor=request.user,
                name=data["name"],
                time_zone=data["time_zone"],
                always_open=data["always_open"],
                holiday_country=data["holiday_country"],
                holiday_subdivision=data["holiday_subdivision"],
                hours=hours,
                days=days,
            )
            form.instance.pk = calendar.pk  # the admin logs and redirects to the new row
            return
        services.edit_calendar(
            actor=request.user,
            calendar=form.instance,
            hours=hours,
            days=days,
            time_zone=data["time_zone"],
            always_open=data["always_open"],
            holiday_country=data["holiday_country"],
            holiday_subdivision=data["holiday_subdivision"],
            effective_from=data.get("effective_from"),
        )


def _custom_days(rows: Iterable[dict[str, Any]]) -> list[CustomDay]:
    hours: dict[Any, list[tuple[time, time]]] = {}
    notes: dict[Any, str] = {}
    for row in rows:
        hours.setdefault(row["day"], [])
        notes.setdefault(row["day"], row.get("note", ""))
        if row.get("start") is not None and row.get("end") is not None:
            hours[row["day"]].append((row["start"], row["end"]))
    return [CustomDay(day, tuple(pairs), notes[day]) for day, pairs in sorted(hours.items())]


class CoverageInline(admin.TabularInline):
    model = ChannelCoverage
    extra = 0


class TargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


class PolicyVersionInline(VersionInline):
    model = TierPolicyVersion


class TierForm(ModelForm):
    effective_from = forms.DateTimeField(
        required=False,
        help_text="When target, coverage and pausing edits take effect; empty: now.",
    )

    class Meta:
        model = Tier
        fields = ["name", "rank", *sorted(services.TIER_FIELDS), "pausing_statuses"]


@admin.register(Tier)
class TierAdmin(KeptWithHistory):
    form = TierForm
    list_display = ["name", "rank", "routing_priority", "proactive_care", "min_seniority"]
    inlines = [CoverageInline, TargetInline, PolicyVersionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return ["name", "rank"] if obj is not None else []

    @override
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        _nothing_saved_by_the_formsets(formsets)
        actor = request.user
        data = form.cleaned_data
        fields = {name: data[name] for name in services.TIER_FIELDS if name in data}
        if change:
            tier = form.instance
            changed = {k: v for k, v in fields.items() if k in form.changed_data}
            if changed:
                services.update_tier(actor=actor, tier=tier, changes=changed)
        else:
            tier = services.create_tier(
                actor=actor,
                name=data["name"],
                rank=data["rank"],
                fields=fields,
            )
            form.instance.pk = tier.pk
        targets_set, coverage_set = (
            _formset(formsets, SlaTarget),
            _formset(formsets, ChannelCoverage),
        )
        targets = [
            Target(
                r["priority"],
                r["metric"],
                r["target_seconds"],
                r["business_time"],
                r["warn_percent"],
            )
            for r in _kept(targets_set)
            if _changed(targets_set, r)
        ]
        coverage = {
            r["channel"]: r["calendar"] for r in _kept(coverage_set) if _changed(coverage_set, r)
        }
        # Compared with the stored value: the JSON field reports a change for equal mappings.
        stored = Tier.objects.filter(pk=tier.pk).values_list("pausing_statuses", flat=True).get()
        pausing = data["pausing_statuses"] if data["pausing_statuses"] != stored else None
        remove_targets = [(t.priority, t.metric) for t in _removed(targets_set)]
        remove_coverage = [c.channel for c in _removed(coverage_set)]
        if targets or coverage or pausing is not None or remove_targets or remove_coverage:
            services.change_policy(
                actor=actor,
                tier=tier,
                targets=targets,
                remove_targets=remove_targets,
                coverage=coverage,
                remove_coverage=remove_coverage,
                pausing_statuses=pausing,
                effective_from=data.get("effective_from"),
            )


def _changed(formset: Any, row: dict[str, Any]) -> bool:
    """Whether the inline row holding `row` is new or edited (unchanged rows make no version)."""
    form = next(f for f in formset.forms if getattr(f, "cleaned_data", None) is row)
    return form.instance.pk is None or form.has_changed()
