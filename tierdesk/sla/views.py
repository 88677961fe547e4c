"""A page of clocks as the API shows them, their business time counted in one batch.

``clock_view`` (sla.services) reads one clock row; a list page has dozens. Here the rows
come as plain values, and the running ones' business seconds since they last started
counting go through the domain's vectorised maths, one call per calendar version.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from tierdesk.domain.sla import business_seconds_between_batch, machine
from tierdesk.sla.recorder import epoch, instant
from tierdesk.sla.services import second
from tierdesk.tiers.models import Metric
from tierdesk.tiers.terms import calendar_of_version

# The clock columns a page reads (``values()`` names).
CLOCK_COLUMNS = (
    "id",
    "ticket_id",
    "metric",
    "cycle",
    "state",
    "target_seconds",
    "business_time",
    "calendar_version_id",
    "policy_version_id",
    "warn_percent",
    "started_at",
    "elapsed_seconds",
    "running_since",
    "due_at",
    "warn_at",
    "warned_at",
    "breached_at",
    "achieved_at",
    "stopped_at",
)
ANSWER_METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE)


def _running_elapsed(rows: Sequence[Mapping[str, Any]], t: int) -> dict[int, int]:
    """clock id -> business seconds counted from ``running_since`` up to ``t``."""
    by_calendar: dict[int | None, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["running_since"] is not None and row["stopped_at"] is None:
            by_calendar[row["calendar_version_id"]].append(row)
    counted: dict[int, int] = {}
    for version_id, group in by_calendar.items():
        since = np.fromiter((epoch(r["running_since"]) for r in group), np.int64, len(group))
        seconds = business_seconds_between_batch(since, t, calendar_of_version(version_id))
        counted.update(zip((r["id"] for r in group), seconds.tolist(), strict=True))
    return counted


def clock_views(rows: Sequence[Mapping[str, Any]], now: datetime) -> list[dict[str, object]]:
    """``clock_view`` for every row, same answers, in the rows' order."""
    t = second(now)
    counted = _running_elapsed(rows, t)
    views = []
    for row in rows:
        live = row["stopped_at"] is None
        warned_at, breached_at = epoch(row["warned_at"]), epoch(row["breached_at"])
        state = row["state"]
        running = live and row["running_since"] is not None
        if running:
            # What the sweep would record now (machine.advance), so a page never waits for it.
            warn, due = epoch(row["warn_at"]), epoch(row["due_at"])
            if machine.passed(warn, t):
                warned_at = warn
            if breached_at is None and machine.passed(due, t):
                breached_at, state = due, machine.State.BREACHED.value
        elapsed = row["elapsed_seconds"] + counted.get(row["id"], 0)
        views.append(
            {
                "id": row["id"],
                "metric": row["metric"],
                "cycle": row["cycle"],
                "state": state,
                "running": running,
                "target_seconds": row["target_seconds"],
                "business_time": row["business_time"],
                "elapsed_seconds": elapsed,
                "remaining_seconds": row["target_seconds"] - elapsed,
                "overdue": live and breached_at is not None,
                "due_at": row["due_at"],
                "warned_at": instant(warned_at),
                "breached_at": instant(breached_at),
                "achieved_at": row["achieved_at"],
                "stopped_at": row["stopped_at"],
                "started_at": row["started_at"],
                "policy_version_id": row["policy_version_id"],
            }
        )
    return views


def reply_due(rows: Sequence[Mapping[str, Any]]) -> datetime | None:
    """``reply_due_at`` over plain rows: the live first or next response's due."""
    dues = [
        r["due_at"]
        for r in rows
        if r["metric"] in ANSWER_METRICS and r["stopped_at"] is None and r["due_at"] is not None
    ]
    return min(dues, default=None)
