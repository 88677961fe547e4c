"""Tier reviews are asked for (by a manager or the schedule), built by a task worker into a
PDF plus its figures, and retried when building fails."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q

from tierdesk.accounts.models import User
from tierdesk.domain.kpi.review import due_period
from tierdesk.errors import Invalid, TierdeskError
from tierdesk.reports.access import require_reviewer
from tierdesk.reports.figures import review_figures
from tierdesk.reports.models import ReviewState, TierReview
from tierdesk.reports.pdf import render_pdf

MAX_DAYS = 732  # two years, as for KPI ranges
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=1)
# A claim older than this belongs to a worker that died mid-build: queue the review again.
LEASE = timedelta(minutes=15)


def _enqueue(review: TierReview, *, run_after: datetime | None = None) -> None:
    from tierdesk.reports.tasks import build_tier_review

    task = build_tier_review.using(run_after=run_after) if run_after else build_tier_review
    task.enqueue(review_id=review.pk)


def _check_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    fields = {}
    if start is None:
        fields["from"] = "required: the first day of the period (YYYY-MM-DD)"
    elif start > today:
        fields["from"] = "must not be in the future"
    if end is None:
        fields["to"] = "required: the last day of the period (YYYY-MM-DD)"
    if start is not None and end is not None:
        if end < start:
            fields["to"] = "must be on or after from"
        elif (end - start).days + 1 > MAX_DAYS:
            fields["to"] = f"the period may span at most {MAX_DAYS} days"
    if fields:
        raise Invalid("The review period is invalid; see fields.", fields=fields)
    assert start is not None and end is not None
    return start, end


@transaction.atomic
def request_tier_review(
    *, actor: User, start: date | None, end: date | None, at: datetime
) -> TierReview:
    """Queue a review of the inclusive period [start, end] for a manager or admin."""
    require_reviewer(actor)
    start, end = _check_period(start, end, at.date())
    review = TierReview.objects.create(
        period_start=start, period_end=end, requested_by=actor, created_at=at
    )
    _enqueue(review)
    return review


def schedule_tier_review(*, at: datetime) -> TierReview | None:
    """Queue the review the schedule owes (TIERDESK_TIER_REVIEW_SCHEDULE), once per period."""
    period = due_period(at.date(), settings.TIERDESK_TIER_REVIEW_SCHEDULE)
    if period is None:
        return None
    start, end = period
    if TierReview.objects.filter(scheduled=True, period_start=start, period_end=end).exists():
        return None
    try:
        with transaction.atomic():
            review = TierReview.objects.create(
                period_start=start, period_end=end, scheduled=True, created_at=at
            )
            _enqueue(review)
    except IntegrityError:
        return None  # another worker's ticker queued it first
    return review


def build_tier_review(*, review_id: int, at: datetime) -> TierReview | None:
    """Compute the figures and the PDF; a failure is retried, the last one is recorded."""
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=at - LEASE)
    if not TierReview.objects.filter(free, pk=review_id, state=ReviewState.QUEUED).update(
        claimed_at=at
    ):
        return None  # done already, or another worker is on it
    try:
        return _build(review_id=review_id, at=at)
    except TierdeskError as exc:  # a refusal: the same again would be refused again
        return _failed(review_id=review_id, at=at, error=exc.message, final=True)
    except Exception as exc:  # noqa: BLE001 - recorded on the row and retried
        return _failed(review_id=review_id, at=at, error=f"{type(exc).__name__}: {exc}")


def _build(*, review_id: int, at: datetime) -> TierReview:
    # Reading and printing take seconds: outside any transaction, so that on SQLite no
    # write lock is held meanwhile; the claim keeps other workers off this review.
    review = TierReview.objects.select_related("requested_by").get(pk=review_id)
    figures = review_figures(start=review.period_start, end=review.period_end)
    by = review.requested_by.username if review.requested_by else "the schedule"
    pdf = render_pdf(figures=figures, generated_at=at, by=by)
    with transaction.atomic():
        review = TierReview.objects.select_for_update().get(pk=review_id)
        name = f"tier-review-{review.period_start}-{review.period_end}-{review.pk}.pdf"
        review.pdf.save(name, ContentFile(pdf), save=False)
        review.figures = figures
        review.state, review.generated_at, review.claimed_at = ReviewState.READY, at, None
        review.attempts += 1
        review.error = ""
        review.save(
            update_fields=[
                "pdf",
                "figures",
                "state",
                "generated_at",
                "claimed_at",
                "attempts",
                "error",
            ]
        )
    return review


@transaction.atomic
def _failed(*, review_id: int, at: datetime, error: str, final: bool = False) -> TierReview:
    review = TierReview.objects.select_for_update().get(pk=review_id)
    review.attempts += 1
    review.claimed_at = None
    review.error = error[:500]
    if final or review.attempts >= MAX_ATTEMPTS:
        review.state = ReviewState.FAILED
    else:
        _enqueue(review, run_after=at + RETRY_AFTER * review.attempts)
    review.save(update_fields=["attempts", "claimed_at", "error", "state"])
    return review


def requeue_stalled_reviews(*, at: datetime) -> int:
    """Queue again the reviews whose worker died while building them (claim past the lease)."""
    stalled = list(TierReview.objects.filter(state=ReviewState.QUEUED, claimed_at__lt=at - LEASE))
    for review in stalled:
        with transaction.atomic():
            if TierReview.objects.filter(
                pk=review.pk, state=ReviewState.QUEUED, claimed_at=review.claimed_at
            ).update(claimed_at=None):
                _enqueue(review)
    return len(stalled)
