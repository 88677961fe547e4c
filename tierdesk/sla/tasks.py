"""Background SLA work for the task workers (Django tasks, database backend)."""

from django.tasks import task
from django_tasks_db.models import DBTaskResult

from tierdesk.sla import monitor


@task()
def sweep_sla_clocks() -> dict[str, int]:
    return monitor.sweep()


def schedule_sweep() -> bool:
    """Queue a sweep unless one is waiting already; every worker's ticker calls this.

    Two tickers racing may both queue one: the sweep is idempotent, so that costs a pass.
    """
    waiting = DBTaskResult.objects.ready().filter(task_path=sweep_sla_clocks.module_path)
    if waiting.exists():
        return False
    sweep_sla_clocks.enqueue()
    return True
