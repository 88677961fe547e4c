"""/metrics: request latency by route, task lag, clocks near breach, queue lengths; guarded."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.tickets import services as tickets

pytestmark = pytest.mark.django_db


def scrape(**headers):
    return Client().get("/metrics", REMOTE_ADDR="127.0.0.1", headers=headers)


def value(text, name, **labels):
    """The sample of ``name`` with exactly these labels (Prometheus sorts them its own way)."""
    found = []
    for line in text.splitlines():
        series, _, number = line.rpartition(" ")
        metric, _, rest = series.partition("{")
        pairs = dict(p.split("=", 1) for p in rest.rstrip("}").split(",") if p)
        if metric == name and {k: v.strip('"') for k, v in pairs.items()} == labels:
            found.append(float(number))
    [sample] = found
    return sample


def test_metrics_count_waiting_tickets_near_breach_clocks_and_request_latency(carol, alice, api):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        ticket = tickets.open_ticket(actor=carol, subject="Help", body="x", channel="email", at=now)
        tickets.open_ticket(actor=carol, subject="More", body="x", channel="email", at=now)
    # One clock falls due within the quarter hour, whatever the calendar made of it.
    clock = SlaClock.objects.filter(ticket=ticket, metric="first_response").get()
    SlaClock.objects.filter(pk=clock.pk).update(
        state=ClockState.RUNNING, due_at=timezone.now() + timedelta(minutes=5)
    )
    api(alice).get(f"/tickets/{ticket.pk}")
    text = scrape().content.decode()
    assert value(text, "tierdesk_queue_tickets", tier="Premium", status="new") == 2
    assert value(text, "tierdesk_clocks_near_breach", tier="Premium", metric="first_response") == 1
    assert value(text, "tierdesk_task_lag_seconds") >= 0
    route = "api/v1/tickets/<ticket_id>"
    assert (
        value(text, "tierdesk_request_seconds_count", route=route, method="GET") >= 1
    )  # by pattern, never by raw path
    assert "/tickets/1" not in text


def test_metrics_are_refused_through_the_proxy_and_from_afar(settings):
    settings.TIERDESK_METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert scrape().status_code == 200  # this machine, not through the proxy
    through_proxy = scrape(**{"X-Forwarded-For": "203.0.113.9"})
    assert through_proxy.status_code == 403
    assert through_proxy.json()["error"]["code"] == "forbidden"
    afar = Client().get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert afar.status_code == 403
    wrong = Client().get(
        "/metrics", REMOTE_ADDR="203.0.113.9", headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 403
    right = Client().get(
        "/metrics",
        REMOTE_ADDR="203.0.113.9",
        headers={"Authorization": "Bearer s3cret-token-for-prometheus"},
    )
    assert right.status_code == 200
    assert b"tierdesk_task_lag_seconds" in right.content
