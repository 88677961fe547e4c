"""Demo data: every tier, agents in groups, tickets with conversations, logins that work."""

from django.test import Client
from django_tasks_db.models import DBTaskResult

from tierdesk.accounts.models import AgentGroup
from tierdesk.customers.models import Organization
from tierdesk.demo import load_demo
from tierdesk.tickets.models import Message, Ticket


def test_demo_loads_once_and_its_logins_sign_in(tiers, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    summary = load_demo(tickets=40, seed=3)
    assert "Loaded 34 organizations and 40 tickets." in summary
    assert set(Organization.objects.values_list("tier__name", flat=True)) == set(tiers)
    assert AgentGroup.objects.count() == 3
    assert Ticket.objects.count() == 40
    assert Message.objects.count() > 40
    assert load_demo(tickets=40) == "Demo data is present already; nothing loaded."
    # History is not news: no worker reacts to the demo's past events.
    assert not DBTaskResult.objects.filter(task_path__endswith="deliver_event").exists()
    logins = dict(
        line.split()[1:] for line in (tmp_path / "demo-logins.txt").read_text().splitlines()
    )
    assert set(logins) == {"admin", "maria", "alice", "carol"}
    assert Client().login(username="carol", password=logins["carol"])
