"""Real worker processes against the test database: two at once, and one killed mid-transaction."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection

from tests.conftest import T0
from tierdesk.sla.models import AlertKind, ClockState, SlaAlert, SlaClock
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import EventKind

SWEEP = """
import json, os, signal, sys
from datetime import datetime
import django
django.setup()
from tierdesk.sla import escalation, monitor
if os.environ.get("DIE_IN_ESCALATION"):  # the number of the escalation that never ends
    calls, escalate = [], escalation.escalate
    def die(**kwargs):
        calls.append(kwargs)
        if len(calls) >= int(os.environ["DIE_IN_ESCALATION"]):
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no rollback by Python: a crash
        return escalate(**kwargs)
    escalation.escalate = die
print(json.dumps(monitor.sweep(now=datetime.fromisoformat(sys.argv[1]))))
"""


def database_url():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgresql://{user}@{host}:{port}/{settings['NAME']}"


def start_sweep(now, **env):
    return subprocess.Popen(
        [sys.executable, "-c", SWEEP, now.isoformat()],
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "tierdesk.settings",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_record_each_breach_once(carol):
    opened = [
        tickets.open_ticket(actor=carol, subject=f"T{i}", body="x", channel="email", at=T0)
        for i in range(30)
    ]
    workers = [start_sweep(T0 + timedelta(days=10)) for _ in range(2)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    found = [json.loads(out) for out, _ in outputs]
    assert sum(f["breaches"] for f in found) == 60
    assert sum(f["warnings"] for f in found) == 60
    assert SlaAlert.objects.filter(kind=AlertKind.BREACH).count() == 60
    for t in opened:
        assert t.events.filter(kind=EventKind.SLA_BREACHED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_nothing_and_the_next_one_records_it(carol):
    ticket = tickets.open_ticket(actor=carol, subject="T", body="x", channel="email", at=T0)
    killed = start_sweep(T0 + timedelta(days=10), DIE_IN_ESCALATION="1")
    killed.communicate(timeout=120)
    assert killed.returncode == -9
    assert not SlaAlert.objects.exists()
    assert (
        SlaClock.objects.filter(ticket=ticket, state=ClockState.RUNNING, warned_at=None).count()
        == 2
    )
    rerun = start_sweep(T0 + timedelta(days=10))
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert json.loads(out) == {"warnings": 2, "breaches": 2, "failed": 0}
    assert ticket.events.filter(kind=EventKind.SLA_BREACHED).count() == 2
