"""The breach sweep: advance every clock whose warning or due second has passed, in batches.

The sweep records nothing a change would not have recorded: it applies the pure machine's
``advance`` and hands the step to the same recorder the services use. A batch is one
transaction; tickets are locked before their clocks (the order every ticket change takes)
and, on PostgreSQL, rows another worker holds are skipped, so several workers split the
backlog instead of queueing behind each other.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tierdesk.domain.sla import machine
from tierdesk.sla import escalation
from tierdesk.sla.models import ClockState, SlaClock
from tierdesk.sla.recorder import CLOCK_FIELDS, Batch, collect, instant, update_clocks
from tierdesk.sla.services import calendar_of, second, value_of
from tierdesk.tickets.models import Ticket

log = logging.getLogger(__name__)

BATCH = 500


def due_for_sweep(now: datetime) -> Q:
    """Running clocks whose warning or due second has passed: ``machine.passed`` in SQL."""
    cutoff = instant(second(now))
    return Q(state=ClockState.RUNNING) & (Q(warn_at__lt=cutoff) | Q(due_at__lt=cutoff))


def clocks_to_sweep(now: datetime, *, after: int = 0, limit: int = BATCH) -> list[int]:
    # Range scans on clock_warn and clock_due; recorded clocks drop out (warn_at cleared,
    # breached clocks leave the running state).
    return list(
        SlaClock.objects.filter(due_for_sweep(now), pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _lock_tickets(clock_ids: list[int]) -> set[int]:
    """Lock the tickets of these clocks (one query); on PostgreSQL skip those others hold."""
    qs = Ticket.objects.filter(pk__in=SlaClock.objects.filter(pk__in=clock_ids).values("ticket_id"))
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    else:
        qs = qs.select_for_update()
    return set(qs.values_list("pk", flat=True))


def sweep_batch(clock_ids: list[int], now: datetime) -> dict[str, int]:
    """Advance these clocks to ``now`` in one transaction; returns what was recorded.

    The whole batch is one recorder ``Batch``: one UPDATE statement for the clock rows and
    one INSERT per table for ledger rows, alerts and events, then one escalation call per
    alert, as on every recorder path, with the batch's escalation rules looked up once.
    """
    found = {"warnings": 0, "breaches": 0}
    at = second(now)
    with transaction.atomic():
        locked = _lock_tickets(clock_ids)
        rows = list(
            SlaClock.objects.select_for_update(of=("self",))
            .select_related("ticket")
            .filter(due_for_sweep(now), pk__in=clock_ids, ticket_id__in=locked)
        )
        batch = Batch()
        changed = []
        for row in rows:
            step = machine.advance(value_of(row), at, calendar_of(row))
            if not step.events:
                continue
            collect(batch, row, step, ticket=row.ticket, observed_at=at, due_before=row.due_at)
            changed.append(row)
            for event in step.events:
                key = "warnings" if event.fact == machine.Fact.WARNED else "breaches"
                found[key] += 1
        update_clocks(changed, CLOCK_FIELDS)
        batch.save()
        rules = escalation.rules_for(row.ticket.tier_id for row, _, _ in batch.escalate)
        for row, kind, seen in batch.escalate:
            escalation.escalate(ticket=row.ticket, clock=row, on=kind, at=seen, rules=rules)
    return found


def sweep(*, now: datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """One pass over everything due now. A batch that fails is retried clock by clock, so
    one bad clock is logged and left for the next pass while the others are recorded."""
    now = now or timezone.now()
    found = {"warnings": 0, "breaches": 0, "failed": 0}
    after = 0
    while ids := clocks_to_sweep(now, after=after, limit=batch):
        after = ids[-1]
        try:
            _add(found, sweep_batch(ids, now))
        except Exception:
            log.warning("SLA sweep: a batch of %s clocks failed; retrying one by one", len(ids))
            for clock_id in ids:
                try:
                    _add(found, sweep_batch([clock_id], now))
                except Exception:
                    found["failed"] += 1
                    log.exception("SLA sweep: clock %s failed; the next pass retries it", clock_id)
    return found


def _add(total: dict[str, int], part: dict[str, int]) -> None:
    for key, value in part.items():
        total[key] += value
