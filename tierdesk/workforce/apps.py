"""App config for tierdesk.workforce."""

from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "tierdesk.workforce"
    label = "workforce"
