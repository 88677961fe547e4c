"""Tasks whose worker died mid-run (kill -9, a lost machine) are taken over, once.

The database task backend marks a task RUNNING when a worker claims it and nothing else
ever changes that if the worker dies, so the task would wait for ever. Every worker's
ticker looks for claims older than TIERDESK_TASK_STALE_MINUTES (default 30, longer than
any task of ours runs): a task claimed once goes back to the queue and runs again (tasks
are written to be safe to redo); a task whose second worker died too is marked failed with
the reason, so one poisonous task cannot take every worker down in turn.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

REASON = "tierdesk.stale_tasks.WorkerDied"


def stale_after() -> timedelta:
    return timedelta(minutes=settings.TIERDESK_TASK_STALE_MINUTES)


@transaction.atomic
def take_over_stale_claims(*, now: datetime) -> tuple[int, int]:
    """(requeued, failed): stale RUNNING tasks put back once, or failed the second time."""
    stale = list(
        DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=now - stale_after()
        )
    )
    requeued = failed = 0
    for result in stale:
        if len(result.worker_ids) < 2:
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.run_after = now
            result.save(update_fields=["status", "started_at", "run_after"])
            requeued += 1
        else:
            result.status = TaskResultStatus.FAILED
            result.finished_at = now
            result.exception_class_path = REASON
            result.traceback = (
                f"Claimed by {len(result.worker_ids)} workers, none of which finished it "
                f"within {stale_after()}: given up rather than tried again."
            )
            result.save(
                update_fields=["status", "finished_at", "exception_class_path", "traceback"]
            )
            failed += 1
    return requeued, failed
