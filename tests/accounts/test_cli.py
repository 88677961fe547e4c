"""The tierdesk command against the test database."""

import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.sla.test_worker_processes import database_url
from tierdesk.accounts.models import User


def tierdesk(*args):
    return subprocess.run(
        [sys.executable, "-m", "tierdesk.cli", *args],
        env={**os.environ, "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_createuser_prints_a_working_token_once():
    done = tierdesk(
        "createuser", "zoe", "--role", "manager", "--email", "zoe@desk.example", "--token"
    )
    assert done.returncode == 0, done.stderr
    assert User.objects.get(username="zoe").role == "manager"
    token = done.stdout.split("API token (shown once): ")[1].strip()
    me = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me")
    assert me.json()["username"] == "zoe"


@pytest.mark.django_db(transaction=True)
def test_createuser_refuses_a_duplicate_with_a_clear_message():
    assert tierdesk("createuser", "zoe").returncode == 0
    again = tierdesk("createuser", "zoe")
    assert again.returncode == 2
    assert "A user named 'zoe' exists already." in again.stderr


@pytest.mark.django_db(transaction=True)
def test_createuser_reads_the_password_from_stdin_and_refuses_a_weak_one():
    weak = subprocess.run(
        [sys.executable, "-m", "tierdesk.cli", "createuser", "yan", "--password-stdin"],
        env={**os.environ, "DATABASE_URL": database_url()},
        input="password\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert weak.returncode == 2
    assert "Choose a stronger password: This password is too common." in weak.stderr
    assert not User.objects.filter(username="yan").exists()

    strong = subprocess.run(
        [sys.executable, "-m", "tierdesk.cli", "createuser", "yan", "--password-stdin"],
        env={**os.environ, "DATABASE_URL": database_url()},
        input="correct horse battery staple\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert strong.returncode == 0, strong.stderr
    assert Client().login(username="yan", password="correct horse battery staple")
