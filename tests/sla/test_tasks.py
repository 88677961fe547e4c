"""The SLA sweep as a Django task on the database backend, run by a real db_worker process."""

import os
import subprocess
import sys

import pytest
from django_tasks_db.models import DBTaskResult

from tests.sla.test_worker_processes import database_url
from tierdesk.sla.models import AlertKind, SlaAlert
from tierdesk.sla.tasks import schedule_sweep, sweep_sla_clocks


@pytest.mark.django_db(transaction=True)
def test_a_queued_sweep_is_run_by_the_worker_and_queued_once(ticket):
    # The ticket was opened at T0, long before now: both its clocks are past due.
    assert schedule_sweep() is True
    assert schedule_sweep() is False  # one is waiting already
    worker = subprocess.run(
        [sys.executable, "-m", "django", "db_worker", "--batch", "--no-startup-delay"],
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "tierdesk.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    # Subscribers' tasks (mail) ran too: count the sweep's own.
    sweeps = DBTaskResult.objects.successful().filter(task_path=sweep_sla_clocks.module_path)
    assert sweeps.count() == 1
    assert SlaAlert.objects.filter(kind=AlertKind.BREACH).count() == 2
    assert schedule_sweep() is True
