"""Background tier-review work for the task workers (Django tasks, database backend)."""

from django.tasks import task
from django.utils import timezone

from tierdesk.reports import services


@task()
def build_tier_review(*, review_id: int) -> None:
    services.build_tier_review(review_id=review_id, at=timezone.now())


def schedule_reviews() -> None:
    """Every worker's ticker calls this: queue the scheduled review owed now, once, and
    re-queue reviews whose worker died mid-build."""
    now = timezone.now()
    services.schedule_tier_review(at=now)
    services.requeue_stalled_reviews(at=now)
