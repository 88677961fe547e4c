"""Calls, chats and refused phone webhooks in the admin: read-only, written by the services."""

from django.contrib import admin

from tierdesk.live.models import LiveContact, WebhookRefusal
from tierdesk.tickets.admin import ReadOnly


@admin.register(LiveContact)
class LiveContactAdmin(ReadOnly):
    list_display = [
        "id",
        "channel",
        "external_id",
        "tier",
        "offered_at",
        "outcome",
        "wait_seconds",
        "answer_target_seconds",
        "answered_in_time",
        "answered_by",
    ]
    list_filter = ["channel", "outcome", "tier", "answered_in_time"]
    search_fields = ["external_id"]


@admin.register(WebhookRefusal)
class WebhookRefusalAdmin(ReadOnly):
    list_display = ["id", "reason", "remote_addr", "at", "detail"]
    list_filter = ["reason"]
