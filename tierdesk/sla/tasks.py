"""Background SLA work for the task workers."""

from django.tasks import task

from tierdesk.sla import monitor


@task()
def sweep_sla_clocks() -> dict[str, int]:
    return monitor.sweep()
