from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "tierdesk.idempotency"
    default_auto_field = "django.db.models.BigAutoField"
