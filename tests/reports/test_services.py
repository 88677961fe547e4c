"""The schedule queues each period once; a failed build is retried, then recorded; a review
whose worker died is queued again."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from tests.conftest import run_queued_tasks
from tierdesk.reports import services
from tierdesk.reports.models import ReviewState, TierReview
from tierdesk.reports.tasks import build_tier_review

APRIL_1 = datetime(2026, 4, 1, 0, 5, tzinfo=UTC)


def _queued_builds() -> int:
    return DBTaskResult.objects.ready().filter(task_path=build_tier_review.module_path).count()


def test_the_schedule_queues_the_past_quarter_once(tiers):
    review = services.schedule_tier_review(at=APRIL_1)
    assert (review.period_start, review.period_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert review.scheduled and review.requested_by is None
    assert services.schedule_tier_review(at=APRIL_1 + timedelta(days=3)) is None
    assert TierReview.objects.count() == 1
    assert _queued_builds() == 1
    run_queued_tasks()
    review.refresh_from_db()
    assert review.state == ReviewState.READY
    assert review.pdf.name.endswith(".pdf")
    assert [t["name"] for t in review.figures["tiers"]] == ["Basic", "Standard", "Premium", "VIP"]


def test_a_manager_may_still_ask_for_the_scheduled_period(tiers, maria):
    services.schedule_tier_review(at=APRIL_1)
    services.request_tier_review(
        actor=maria, start=date(2026, 1, 1), end=date(2026, 3, 31), at=APRIL_1
    )
    assert TierReview.objects.filter(scheduled=True).count() == 1
    assert TierReview.objects.count() == 2


def test_the_schedule_follows_the_setting(tiers, settings):
    settings.TIERDESK_TIER_REVIEW_SCHEDULE = "yearly"
    review = services.schedule_tier_review(at=APRIL_1)
    assert (review.period_start, review.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
    settings.TIERDESK_TIER_REVIEW_SCHEDULE = "off"
    assert services.schedule_tier_review(at=APRIL_1 + timedelta(days=400)) is None
    assert TierReview.objects.count() == 1


def test_a_failed_build_is_retried_then_recorded(tiers, maria, settings, tmp_path):
    # The media directory is a file: saving the PDF fails for real, every time.
    blocked = tmp_path / "media"
    blocked.write_text("not a directory")
    settings.MEDIA_ROOT = str(blocked)
    review = services.request_tier_review(
        actor=maria, start=date(2026, 1, 1), end=date(2026, 3, 31), at=APRIL_1
    )
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        services.build_tier_review(review_id=review.pk, at=APRIL_1 + attempt * timedelta(hours=1))
        review.refresh_from_db()
        assert review.attempts == attempt
        assert review.claimed_at is None
        assert review.error.startswith(("NotADirectoryError", "FileExistsError", "OSError"))
    assert review.state == ReviewState.FAILED
    assert not review.pdf
    # The request's task and one retry per failure but the last.
    assert _queued_builds() == services.MAX_ATTEMPTS


def test_a_review_claimed_by_a_dead_worker_is_queued_again(tiers, maria):
    review = services.request_tier_review(
        actor=maria, start=date(2026, 1, 1), end=date(2026, 3, 31), at=APRIL_1
    )
    TierReview.objects.filter(pk=review.pk).update(claimed_at=APRIL_1)
    # Within the lease another worker may still be on it: nothing to do.
    assert services.requeue_stalled_reviews(at=APRIL_1 + timedelta(minutes=5)) == 0
    assert (
        services.build_tier_review(review_id=review.pk, at=APRIL_1 + timedelta(minutes=5)) is None
    )
    later = APRIL_1 + services.LEASE + timedelta(seconds=1)
    assert services.requeue_stalled_reviews(at=later) == 1
    review.refresh_from_db()
    assert review.claimed_at is None
    assert _queued_builds() == 2
    built = services.build_tier_review(review_id=review.pk, at=later)
    assert built.state == ReviewState.READY
    assert services.build_tier_review(review_id=review.pk, at=later) is None


@pytest.mark.parametrize("role_fixture", ["alice", "carol"])
def test_only_managers_and_admins_may_ask(request, tiers, role_fixture):
    from tierdesk.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.request_tier_review(
            actor=request.getfixturevalue(role_fixture),
            start=date(2026, 1, 1),
            end=date(2026, 3, 31),
            at=APRIL_1,
        )
    assert TierReview.objects.count() == 0
