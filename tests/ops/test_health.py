"""/healthz says the process answers; /readyz whether it can serve: database and Redis."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_without_a_login():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_configured_redis(settings):
    settings.REDIS_URL = ""
    ready = Client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "not configured"},
    }
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert Client().get("/readyz").json()["checks"]["redis"] == "ok"


@pytest.mark.django_db
def test_readyz_is_503_naming_what_failed(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert response.json()["checks"]["redis"] == "failed: ConnectionError"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_health_endpoints_take_only_get():
    assert Client().post("/healthz").status_code == 405
