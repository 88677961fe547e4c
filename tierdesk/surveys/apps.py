"""App config for tierdesk.surveys: CSAT after a solve, CES after a solve or a chat, NPS waves."""

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "tierdesk.surveys"
    label = "surveys"

    def ready(self) -> None:
        from tierdesk.tickets.models import EventKind
        from tierdesk.tickets.subscribers import subscribe

        subscribe(EventKind.STATUS_CHANGED, "tierdesk.surveys.subscribers.on_status_changed")
        subscribe(EventKind.CHAT_ENDED, "tierdesk.surveys.subscribers.on_chat_ended")
