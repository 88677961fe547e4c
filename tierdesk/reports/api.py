"""Tier reviews over the API: ask for one, list them, read the figures, download the PDF."""

from datetime import date, datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Status

from tierdesk.reports import selectors, services
from tierdesk.reports.models import TierReview
from tierdesk.schemas import In, Out

router = Router(tags=["reports"])


class ReviewIn(In):
    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")


class ReviewOut(Out):
    id: int
    period_start: date
    period_end: date
    state: str
    scheduled: bool
    requested_by: str | None
    created_at: datetime
    generated_at: datetime | None
    error: str
    pdf_url: str | None

    @staticmethod
    def resolve_requested_by(obj: TierReview) -> str | None:
        return obj.requested_by.username if obj.requested_by else None

    @staticmethod
    def resolve_pdf_url(obj: TierReview) -> str | None:
        return f"/api/v1/reports/tier-reviews/{obj.pk}.pdf" if obj.pdf else None


class ReviewDetailOut(ReviewOut):
    figures: dict[str, Any]


@router.post("/tier-reviews", response={202: ReviewOut})
def request_review(request: HttpRequest, body: ReviewIn) -> Status:
    """Queue a tier review of the inclusive period from..to (managers and admins)."""
    review = services.request_tier_review(
        actor=request.auth,  # type: ignore[attr-defined]
        start=body.start,
        end=body.end,
        at=timezone.now(),
    )
    return Status(202, review)


@router.get("/tier-reviews", response=list[ReviewOut])
def list_reviews(request: HttpRequest) -> object:
    return selectors.tier_reviews(user=request.auth)  # type: ignore[attr-defined]


@router.get("/tier-reviews/{review_id}.pdf", url_name="review_pdf")
def review_pdf(request: HttpRequest, review_id: int) -> FileResponse:
    review = selectors.ready_review_pdf(user=request.auth, review_id=review_id)  # type: ignore[attr-defined]
    return FileResponse(
        review.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"tier-review-{review.period_start}-{review.period_end}.pdf",
    )


@router.get("/tier-reviews/{review_id}", response=ReviewDetailOut)
def get_review(request: HttpRequest, review_id: int) -> TierReview:
    return selectors.tier_review_for(user=request.auth, review_id=review_id)  # type: ignore[attr-defined]
