"""Prometheus metrics at /metrics: request latency by route, task lag, clocks near breach and
queue lengths.

Request latency is counted in each process; with several ASGI processes set
PROMETHEUS_MULTIPROC_DIR (an empty directory, cleared at start) so that every scrape sums
them. The other figures are read from the database at scrape time, so any process gives
the same answer. Access: a bearer token (TIERDESK_METRICS_TOKEN), or a request from this
machine that did not come through the proxy (docs/deploy.md).
"""

import hmac
import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from tierdesk.api_guard import error_response

NEAR_BREACH = timedelta(minutes=15)
LOOPBACK = {"127.0.0.1", "::1"}

REQUEST_SECONDS = Histogram(
    "tierdesk_request_seconds",
    "Time to answer a request, by route pattern and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestMetrics:
    """Middleware: observe each request's latency under its URL pattern, never its raw path
    (ids in paths would make a series per ticket)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        route = match.route if match is not None else "unmatched"
        REQUEST_SECONDS.labels(route=route, method=request.method).observe(
            time.perf_counter() - started
        )
        return response


class DeskState(Collector):
    """Figures read from the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        from tierdesk.sla.models import ClockState, SlaClock
        from tierdesk.tickets.models import Status, Ticket

        now = timezone.now()
        oldest = DBTaskResult.objects.ready().aggregate(at=Min("enqueued_at"))["at"]
        lag = GaugeMetricFamily(
            "tierdesk_task_lag_seconds", "Age of the oldest task ready to run (0: none waiting)."
        )
        lag.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
        yield lag

        near = GaugeMetricFamily(
            "tierdesk_clocks_near_breach",
            f"Running SLA clocks due within {int(NEAR_BREACH.total_seconds() // 60)} minutes.",
            labels=["tier", "metric"],
        )
        rows = (
            SlaClock.objects.filter(
                state=ClockState.RUNNING, due_at__gt=now, due_at__lte=now + NEAR_BREACH
            )
            .values("ticket__tier__name", "metric")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            near.add_metric([row["ticket__tier__name"], row["metric"]], row["n"])
        yield near

        queue = GaugeMetricFamily(
            "tierdesk_queue_tickets",
            "Tickets waiting, by tier and status.",
            labels=["tier", "status"],
        )
        waiting = [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD]
        for row in (
            Ticket.objects.filter(status__in=waiting)
            .values("tier__name", "status")
            .annotate(n=Count("pk"))
        ):
            queue.add_metric([row["tier__name"], row["status"]], row["n"])
        yield queue


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(DeskState())
    return registry


def _allowed(request: HttpRequest) -> bool:
    token = settings.TIERDESK_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given:
        return hmac.compare_digest(given.encode(), token.encode())
    forwarded = "X-Forwarded-For" in request.headers or "X-Forwarded-Proto" in request.headers
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not forwarded


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return error_response(
            403,
            "forbidden",
            "Metrics are for the monitoring system: send its bearer token, or ask from this "
            "machine without the proxy.",
        )
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
