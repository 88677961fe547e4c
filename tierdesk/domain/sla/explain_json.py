"""Explained due times as JSON-ready data: plain dicts, ISO 8601 instants, seconds as ints.

Instants are written in the zone they were given in (the calendar's), with their offset,
so a reader gets the same wall times the text shows. Entries carry a ``type``: ``counted``,
``skipped`` or ``summary``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tierdesk.domain.sla.explain import (
    Counted,
    DstChange,
    Entry,
    Explanation,
    Reason,
    Skipped,
    Span,
    Step,
)


def explanation_json(e: Explanation) -> dict[str, Any]:
    return {
        "audience": e.audience.value,
        "now": _iso(e.now),
        "time_zone": getattr(e.tz, "key", str(e.tz)),
        "state": e.state.value,
        "target_seconds": e.target_seconds,
        "business_time": e.business_time,
        "elapsed_seconds": e.elapsed_seconds,
        "left_seconds": e.left_seconds,
        "due": _iso(e.due),
        "steps": [_step(s) for s in e.steps],
        "spans": [_span(s) for s in e.spans],
    }


def _iso(at: datetime | date | None) -> str | None:
    return None if at is None else at.isoformat()


def _step(s: Step) -> dict[str, Any]:
    a, c = s.arithmetic, s.target_change
    return {
        "seq": s.seq,
        "at": _iso(s.at),
        "transition": s.transition.value,
        "running": s.running,
        "cause": s.cause,
        "reason": s.reason,
        "warn_percent": s.warn_percent,
        "arithmetic": {
            "target_seconds": a.target_seconds,
            "business_time": a.business_time,
            "elapsed_seconds": a.elapsed_seconds,
            "left_seconds": a.left_seconds,
            "counting_from": _iso(a.counting_from),
            "due": _iso(a.due),
            "computed_due": _iso(a.computed_due),
            "agrees": a.agrees,
        },
        "target_change": None
        if c is None
        else {
            "before_seconds": c.before_seconds,
            "after_seconds": c.after_seconds,
            "business_time_before": c.business_time_before,
            "business_time_after": c.business_time_after,
            "calendar_changed": c.calendar_changed,
            "elapsed_kept_seconds": c.elapsed_kept_seconds,
        },
    }


def _span(s: Span) -> dict[str, Any]:
    return {
        "seq": s.seq,
        "start": _iso(s.start),
        "end": _iso(s.end),
        "until": None if s.until is None else s.until.value,
        "ends_at_due": s.ends_at_due,
        "time_zone": s.tz_name,
        "always_open": s.always_open,
        "counted_seconds": s.counted_seconds,
        "upcoming_seconds": s.upcoming_seconds,
        "entries": [_entry(e) for e in s.entries],
    }


def _entry(e: Entry) -> dict[str, Any]:
    common = {"start": _iso(e.start), "end": _iso(e.end)}
    if isinstance(e, Counted):
        return {
            "type": "counted",
            **common,
            "seconds": e.seconds,
            "upcoming": e.upcoming,
            "dst_changes": [_change(c) for c in e.changes],
        }
    if isinstance(e, Skipped):
        return {
            "type": "skipped",
            **common,
            "seconds": e.seconds,
            "reasons": [_reason(r) for r in e.reasons],
        }
    return {
        "type": "summary",
        **common,
        "intervals": e.intervals,
        "counted_seconds": e.counted_seconds,
        "upcoming_seconds": e.upcoming_seconds,
        "closed": {kind.value: n for kind, n in e.closed},
    }


def _reason(r: Reason) -> dict[str, Any]:
    return {
        "kind": r.kind.value,
        "label": r.label,
        "first_day": _iso(r.first_day),
        "last_day": _iso(r.last_day),
        "hours": r.hours,
        "dst_change": None if r.change is None else _change(r.change),
    }


def _change(c: DstChange) -> dict[str, Any]:
    return {
        "at": _iso(c.at),
        "offset_before_seconds": c.offset_before,
        "offset_after_seconds": c.offset_after,
        "name_before": c.name_before,
        "name_after": c.name_after,
    }
