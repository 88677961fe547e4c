"""Personas and API clients shared by the database tests.

alice: senior agent · eve: junior agent · dave: admin · carol: customer at Acme (Premium)
bob: customer at Globex (Basic), the outsider every endpoint test tries.
"""

import importlib
import json
from datetime import UTC, datetime

import pytest
from django.apps import apps as django_apps
from django.db import connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tierdesk.accounts.models import Role, Seniority
from tierdesk.accounts.services import create_user, issue_token
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.tickets import services as tickets
from tierdesk.tiers.models import Tier
from tierdesk.tiers.terms import forget_cached_versions

pytest_plugins = ["tests.browser"]

# Property tests judge the code, not the machine: a loaded CI runner must not fail them
# for slowness (no deadline, no "too slow" health check); their example counts stay.
hypothesis_settings.register_profile(
    "tierdesk", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("tierdesk")

# A Tuesday in winter: London business hours are 09:00-17:00 UTC.
T0 = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_version_caches():
    """Version caches are keyed by id, and a rolled-back test's ids are reused on SQLite."""
    forget_cached_versions()
    yield
    forget_cached_versions()


@pytest.fixture
def tiers(db):
    """The seeded default tiers; a transactional test's flush removes them, so reinstall."""
    if not Tier.objects.exists():
        seed = importlib.import_module("tierdesk.tiers.migrations.0002_default_tiers")
        seed.install(django_apps, None)
        answer_targets = importlib.import_module(
            "tierdesk.tiers.migrations.0006_answer_targets_and_attainment_goals"
        )
        answer_targets.set_defaults(django_apps, None)
        priority_caps = importlib.import_module(
            "tierdesk.tiers.migrations.0008_tier_max_customer_priority"
        )
        priority_caps.set_defaults(django_apps, None)
    return {t.name: t for t in Tier.objects.all()}


@pytest.fixture
def alice(db):
    return create_user(
        username="alice",
        email="alice@desk.example",
        password="pw-alice-123",
        role=Role.AGENT,
        seniority=Seniority.SENIOR,
    )


@pytest.fixture
def eve(db):
    return create_user(
        username="eve",
        email="eve@desk.example",
        password=None,
        role=Role.AGENT,
        seniority=Seniority.JUNIOR,
    )


@pytest.fixture
def dave(db):
    return create_user(username="dave", email="dave@desk.example", password=None, role=Role.ADMIN)


@pytest.fixture
def acme(tiers):
    return create_organization(actor=None, name="Acme", tier=tiers["Premium"], at=T0)


@pytest.fixture
def globex(tiers):
    return create_organization(actor=None, name="Globex", tier=tiers["Basic"], at=T0)


@pytest.fixture
def carol(acme):
    user = create_user(
        username="carol", email="carol@acme.example", password="pw-carol-123", role=Role.CUSTOMER
    )
    create_contact(
        actor=None, organization=acme, name="Carol", email="carol@acme.example", user=user, at=T0
    )
    return user


@pytest.fixture
def bob(globex):
    user = create_user(
        username="bob", email="bob@globex.example", password=None, role=Role.CUSTOMER
    )
    create_contact(
        actor=None, organization=globex, name="Bob", email="bob@globex.example", user=user, at=T0
    )
    return user


@pytest.fixture
def ticket(carol):
    return tickets.open_ticket(
        actor=carol, subject="Printer on fire", body="Help!", channel="email", at=T0
    )


class Api:
    """A JSON client that authenticates with a bearer token, as integrators do."""

    def __init__(self, user):
        _, raw = issue_token(user=user, name="test")
        self.client = Client(headers={"Authorization": f"Bearer {raw}"})

    def _send(self, method, path, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        response = getattr(self.client, method)(f"/api/v1{path}", data, **kwargs)
        response.body = response.json() if response.content else None
        return response

    def get(self, path, **params):
        response = self.client.get(f"/api/v1{path}", params)
        response.body = response.json()
        return response

    def post(self, path, body=None, raw=None):
        return self._send("post", path, body, raw)

    def patch(self, path, body=None, raw=None):
        return self._send("patch", path, body, raw)

    def put(self, path, body=None):
        return self._send("put", path, body)

    def delete(self, path):
        return self._send("delete", path)


@pytest.fixture
def api():
    return Api


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pools(django_db_setup, django_db_blocker):
    """Close PostgreSQL pools before the test database is dropped, so the drop is not refused.

    A pooled connection checked out by a finished thread (the live server's) is never
    returned, so its backend is ended here too.
    """
    yield
    with django_db_blocker.unblock():
        for conn in connections.all():
            if conn.vendor != "postgresql":
                continue
            name = conn.settings_dict["NAME"]
            conn.close()
            if conn.pool is not None:
                conn.close_pool()
            with conn._nodb_cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )


def run_queued_tasks():
    """Run what a task worker would pick up now, in this test's transaction; returns how many."""
    from django_tasks_db.models import DBTaskResult

    done = 0
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()
        done += 1
    return done
