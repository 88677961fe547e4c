"""The tier review page: managers list and generate (with CSRF), others are refused."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from tests.conftest import run_queued_tasks
from tierdesk.reports.models import TierReview

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _client(user, *, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_a_manager_generates_a_review_and_finds_its_pdf_link(maria, tiers):
    client = _client(maria)
    page = client.get("/reports/")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    # The form proposes the last complete quarter.
    assert 'value="2026-01-01"' in page.content.decode()
    response = client.post("/reports/generate", {"start": "2026-06-01", "end": "2026-06-07"})
    assert response.status_code == 302
    review = TierReview.objects.get()
    assert review.requested_by == maria
    run_queued_tasks()
    page = client.get("/reports/").content.decode()
    assert "1 Jun 2026 – 7 Jun 2026" in page
    assert f'href="/api/v1/reports/tier-reviews/{review.pk}.pdf"' in page
    pdf = client.get(f"/api/v1/reports/tier-reviews/{review.pk}.pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_generate_without_the_csrf_token_is_refused(maria, tiers):
    response = _client(maria, csrf=True).post(
        "/reports/generate", {"start": "2026-06-01", "end": "2026-06-07"}
    )
    assert response.status_code == 403
    assert TierReview.objects.count() == 0


def test_a_bad_period_shows_the_field_message_and_writes_nothing(maria, tiers):
    response = _client(maria).post(
        "/reports/generate", {"start": "2026-06-07", "end": "2026-06-01"}
    )
    assert response.status_code == 422
    assert "must be on or after from" in response.content.decode()
    assert TierReview.objects.count() == 0


def test_agents_and_customers_are_refused(alice, carol, tiers):
    for user in (alice, carol):
        client = _client(user)
        assert client.get("/reports/").status_code == 403
        response = client.post("/reports/generate", {"start": "2026-06-01", "end": "2026-06-07"})
        assert response.status_code == 403
    assert TierReview.objects.count() == 0


def test_the_review_page_shows_the_figures_without_the_pdf(maria, alice, week):
    client = _client(maria)
    client.post("/reports/generate", {"start": "2026-06-01", "end": "2026-06-07"})
    review = TierReview.objects.get()
    run_queued_tasks()
    page = client.get(f"/reports/{review.pk}/").content.decode()
    assert (
        "Premium first-response attainment 29% against 95%: the misses cluster "
        "09:00–11:00 on Mondays (4 of 5 misses); add cover in that window." in page
    )
    assert "upgrade candidate" in page
    assert "3 contacts refused (3 by phone)" in page
    assert _client(alice).get(f"/reports/{review.pk}/").status_code == 403
    assert client.get("/reports/999999/").status_code == 404
