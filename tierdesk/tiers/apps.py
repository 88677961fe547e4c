"""App config for tierdesk.tiers."""

from django.apps import AppConfig


class TiersConfig(AppConfig):
    name = "tierdesk.tiers"
    label = "tiers"

    def ready(self) -> None:
        from tierdesk.tiers import signals

        signals.connect()
