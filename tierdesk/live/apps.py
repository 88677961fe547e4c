"""App config for tierdesk.live: calls and chats waiting in a queue for an agent."""

from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "tierdesk.live"
    label = "live"
