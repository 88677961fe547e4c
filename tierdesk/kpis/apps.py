"""App config for tierdesk.kpis."""

from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "tierdesk.kpis"
    label = "kpis"
