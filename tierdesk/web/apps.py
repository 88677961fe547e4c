"""App config for tierdesk.web."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tierdesk.web"
    label = "web"

    def ready(self) -> None:
        from tierdesk.tickets.subscribers import listen
        from tierdesk.web.live_socket import push_changes

        listen(push_changes)
