"""App config for tierdesk.reports."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tierdesk.reports"
    label = "reports"
