from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "tierdesk.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
