"""Background survey work: sending after the rule's delay, and the daily NPS wave."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tierdesk.surveys import services

NPS_WAVE_EVERY = timedelta(days=1)


@task()
def send_surveys(*, survey_ids: list[int]) -> None:
    services.send_surveys(survey_ids=survey_ids, at=timezone.now())


@task()
def nps_wave() -> int:
    return len(services.start_nps_wave(at=timezone.now()))


def schedule_nps_wave() -> bool:
    """Queue the NPS wave unless one was queued in the last day; every worker's ticker calls
    this. The wave itself asks nobody twice within the rule's days, so a race costs a pass."""
    since = timezone.now() - NPS_WAVE_EVERY
    queued = DBTaskResult.objects.filter(task_path=nps_wave.module_path, enqueued_at__gte=since)
    if queued.exists():
        return False
    nps_wave.enqueue()
    return True
