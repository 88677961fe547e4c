"""App config for tierdesk.customers."""

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "tierdesk.customers"
    label = "customers"
