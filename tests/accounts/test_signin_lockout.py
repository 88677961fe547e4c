"""Repeated failed sign-ins lock that account from that address; an admin unlocks it."""

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import Client

from tierdesk.accounts.services import create_user

PASSWORD = "a-long-enough-pass-1"


@pytest.fixture
def ann(db):
    return create_user(username="ann", email="ann@desk.example", password=PASSWORD, role="agent")


def _sign_in(client, username, password, address="203.0.113.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_from_that_address(ann, settings):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    for _ in range(4):
        assert _sign_in(client, "ann", "wrong").status_code == 200  # the form again
    locked = _sign_in(client, "ann", "wrong")
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    # Even the right password is refused while locked.
    assert _sign_in(Client(), "ann", PASSWORD).status_code == 429
    # The same account from another address, and another account, are not locked.
    assert _sign_in(Client(), "ann", PASSWORD, address="198.51.100.2").status_code == 302
    # A refused attempt while locked counts as one more failure.
    assert (
        AccessAttempt.objects.get(username="ann", ip_address="203.0.113.7").failures_since_start
        == 6
    )


def test_an_admin_unlocks_and_a_success_resets_the_count(ann):
    for _ in range(5):
        _sign_in(Client(), "ann", "wrong")
    assert _sign_in(Client(), "ann", PASSWORD).status_code == 429
    reset(username="ann")  # what deleting the attempt in the admin does
    assert _sign_in(Client(), "ann", PASSWORD).status_code == 302
    _sign_in(Client(), "ann", "wrong")
    _sign_in(Client(), "ann", PASSWORD)
    assert not AccessAttempt.objects.filter(username="ann").exists()


def test_the_admin_sign_in_is_throttled_too(db):
    create_user(username="root", email="r@x.test", password=PASSWORD, role="admin")
    for _ in range(5):
        Client().post(
            "/admin/login/", {"username": "root", "password": "x"}, REMOTE_ADDR="192.0.2.9"
        )
    refused = Client().post(
        "/admin/login/", {"username": "root", "password": PASSWORD}, REMOTE_ADDR="192.0.2.9"
    )
    assert refused.status_code == 429
