"""App config for tierdesk.manage: the managers' configuration pages."""

from django.apps import AppConfig


class ManageConfig(AppConfig):
    name = "tierdesk.manage"
    label = "manage"
