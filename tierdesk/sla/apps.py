"""App config for tierdesk.sla."""

from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "tierdesk.sla"
    label = "sla"
