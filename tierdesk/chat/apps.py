"""App config for tierdesk.chat: live chat over WebSockets on the live-contact queue."""

from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "tierdesk.chat"
    label = "chat"
