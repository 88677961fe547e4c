"""Managers' pages: the manager persona and a signed-in browser-like client per persona."""

import pytest
from django.test import Client

from tests.sla.test_preview import mia, premium_desk  # noqa: F401  (shared fixtures)


@pytest.fixture
def signed_in():
    def client_for(user, *, csrf=False):
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(user)
        return client

    return client_for


def form_data(form):
    """What a browser posts for an unbound form as drawn: each field's initial value."""
    data = {}
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif value is not None:
            data[field.html_name] = (
                value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)
            )
    return data
