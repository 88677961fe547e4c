"""Survey rules in the admin (saved through the services); surveys read-only."""

from typing import Any, override

from django.contrib import admin
from django.http import HttpRequest

from tierdesk.surveys import services
from tierdesk.surveys.models import Survey, SurveyRule
from tierdesk.tiers.admin import ServiceErrorsAsMessages


@admin.register(SurveyRule)
class SurveyRuleAdmin(ServiceErrorsAsMessages):
    list_display = [
        "kind",
        "tier",
        "channel",
        "enabled",
        "min_days_between",
        "delay_minutes",
        "open_days",
    ]
    list_filter = ["kind", "enabled"]

    @override
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A rule's scope is what it is; another scope is another rule.
        return ("kind", "tier", "channel") if obj is not None else ()

    @override
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            changes = {name: getattr(obj, name) for name in services.RULE_FIELDS}
            services.change_rule(actor=request.user, rule=obj, changes=changes)  # type: ignore[arg-type]
            return
        created = services.create_rule(
            actor=request.user,  # type: ignore[arg-type]
            kind=obj.kind,
            tier=obj.tier,
            channel=obj.channel,
            enabled=obj.enabled,
            min_days_between=obj.min_days_between,
            delay_minutes=obj.delay_minutes,
            open_days=obj.open_days,
        )
        obj.pk = created.pk

    @override
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_rule(actor=request.user, rule=obj)  # type: ignore[arg-type]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["kind", "contact", "ticket", "sent_at", "closes_at", "score", "answered_at"]
    list_filter = ["kind"]
    search_fields = ["contact__email", "comment"]
    exclude = ["token_digest"]

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @override
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @override
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
