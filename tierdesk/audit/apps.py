"""App config for tierdesk.audit."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tierdesk.audit"
    label = "audit"
