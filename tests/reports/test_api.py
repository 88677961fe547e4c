"""Tier reviews over the API: who may ask and download, what is refused, and the PDF itself."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from pypdf import PdfReader

from tests.conftest import run_queued_tasks
from tierdesk.reports.models import ReviewState, TierReview

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
WEEK = {"from": "2026-06-01", "to": "2026-06-07"}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _pdf(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_manager_asks_for_a_review_and_downloads_a_real_pdf(api, maria, week):
    client = api(maria)
    response = client.post("/reports/tier-reviews", WEEK)
    assert response.status_code == 202
    assert response.body["state"] == "queued"
    assert response.body["requested_by"] == "maria"
    assert response.body["pdf_url"] is None
    review_id = response.body["id"]

    run_queued_tasks()  # the review, and the week's emails
    detail = client.get(f"/reports/tier-reviews/{review_id}")
    assert detail.body["state"] == "ready"
    assert detail.body["pdf_url"] == f"/api/v1/reports/tier-reviews/{review_id}.pdf"
    premium = detail.body["figures"]["tiers"][2]
    assert premium["name"] == "Premium"
    assert premium["delivered"]["attainment"]["first_response"]["met"] == 2
    assert premium["delivered"]["attainment"]["first_response"]["breached"] == 5
    assert premium["delivered"]["attainment"]["first_response"]["previous"] == 1.0
    assert premium["delivered"]["csat"] is None

    pdf = client.client.get(f"/api/v1/reports/tier-reviews/{review_id}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    body = _pdf(pdf)
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 5  # the title page, then one page per tier
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for page, name in enumerate(("Basic", "Standard", "Premium", "VIP"), start=1):
        assert reader.pages[page].extract_text().startswith(name)
    assert (
        "Premium first-response attainment 29% against 95%: the misses cluster "
        "09:00–11:00 on Mondays (4 of 5 misses); add cover in that window." in text
    )
    assert (
        "Premium first-response attainment fell from 100% to 29% against the previous period."
        in text
    )
    assert "no survey answers in this period" in text
    assert "1 Basic organization behaves like Standard (Globex): propose the upgrade." in text
    assert "Nothing to judge: no clock of VIP reached a verdict in this period." in text


def test_agents_and_customers_may_not_ask_list_or_download(api, alice, carol, maria, week):
    review = api(maria).post("/reports/tier-reviews", WEEK).body["id"]
    run_queued_tasks()
    for user in (alice, carol):
        client = api(user)
        refused = client.post("/reports/tier-reviews", WEEK)
        assert refused.status_code == 403
        assert refused.body["error"]["message"] == (
            "Only managers and admins can see and generate tier reviews."
        )
        assert client.get("/reports/tier-reviews").status_code == 403
        assert client.get(f"/reports/tier-reviews/{review}").status_code == 403
        pdf = client.client.get(f"/api/v1/reports/tier-reviews/{review}.pdf")
        assert pdf.status_code == 403
    assert TierReview.objects.count() == 1


def test_an_admin_may_and_an_unknown_review_is_not_found(api, dave, maria):
    assert api(dave).post("/reports/tier-reviews", WEEK).status_code == 202
    assert api(maria).get("/reports/tier-reviews/999999").status_code == 404
    assert api(maria).client.get("/api/v1/reports/tier-reviews/999999.pdf").status_code == 404


def test_a_queued_review_has_no_pdf_yet(api, maria):
    review = api(maria).post("/reports/tier-reviews", WEEK).body["id"]
    response = api(maria).client.get(f"/api/v1/reports/tier-reviews/{review}.pdf")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        f"Tier review {review} is queued; its PDF is not ready."
    )


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"from": "2026-06-07", "to": "2026-06-01"}, {"to": "must be on or after from"}),
        ({"from": "2026-06-11", "to": "2026-06-30"}, {"from": "must not be in the future"}),
        ({"to": "2026-06-01"}, {"from": "required: the first day of the period (YYYY-MM-DD)"}),
        (
            {"from": "2024-01-01", "to": "2026-01-02"},
            {"to": "the period may span at most 732 days"},
        ),
    ],
)
def test_a_bad_period_is_refused_and_writes_nothing(api, maria, body, fields):
    response = api(maria).post("/reports/tier-reviews", body)
    assert response.status_code == 422
    assert response.body["error"]["fields"] == fields
    assert TierReview.objects.count() == 0
    assert run_queued_tasks() == 0


def test_a_malformed_date_is_refused(api, maria):
    response = api(maria).post("/reports/tier-reviews", {"from": "June", "to": "2026-06-07"})
    assert response.status_code == 422
    assert set(response.body["error"]["fields"]) == {"from"}
    assert TierReview.objects.count() == 0


def test_the_list_shows_newest_period_first(api, maria):
    api(maria).post("/reports/tier-reviews", {"from": "2026-01-01", "to": "2026-03-31"})
    api(maria).post("/reports/tier-reviews", WEEK)
    listed = api(maria).get("/reports/tier-reviews").body
    assert [(r["period_start"], r["state"]) for r in listed] == [
        ("2026-06-01", ReviewState.QUEUED),
        ("2026-01-01", ReviewState.QUEUED),
    ]
