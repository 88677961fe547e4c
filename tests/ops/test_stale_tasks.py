"""A task whose worker died is queued again once, and failed with the reason the second time."""

from datetime import timedelta

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tierdesk.sla.tasks import sweep_sla_clocks
from tierdesk.stale_tasks import REASON, take_over_stale_claims


def _claimed(worker: str, minutes_ago: int) -> DBTaskResult:
    result = DBTaskResult.objects.get(pk=sweep_sla_clocks.enqueue().id)
    result.claim(worker)
    DBTaskResult.objects.filter(pk=result.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    result.refresh_from_db()
    return result


def test_a_dead_workers_task_runs_again_once_then_fails_with_the_reason(db, settings):
    settings.TIERDESK_TASK_STALE_MINUTES = 30
    now = timezone.now()
    busy = _claimed("alive", minutes_ago=5)
    dead = _claimed("killed", minutes_ago=31)

    assert take_over_stale_claims(now=now) == (1, 0)
    busy.refresh_from_db()
    dead.refresh_from_db()
    assert busy.status == TaskResultStatus.RUNNING
    assert (dead.status, dead.started_at) == (TaskResultStatus.READY, None)
    assert DBTaskResult.objects.ready().filter(pk=dead.pk).exists()

    dead.claim("second")
    DBTaskResult.objects.filter(pk=dead.pk).update(started_at=now - timedelta(minutes=40))
    assert take_over_stale_claims(now=now) == (0, 1)
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.FAILED
    assert dead.exception_class_path == REASON
    assert "Claimed by 2 workers" in dead.traceback
    assert dead.worker_ids == ["killed", "second"]
