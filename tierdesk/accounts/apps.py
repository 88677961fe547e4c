"""App config for users, roles, agent groups and skills."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tierdesk.accounts"
    label = "accounts"
