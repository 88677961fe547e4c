"""A browser-like client for the account pages: signed in, and forms sent with their CSRF token."""

from django.test import Client


def signed_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client, path, data):
    token = client.get(path).cookies["csrftoken"].value
    return client.post(path, {**data, "csrfmiddlewaretoken": token})
