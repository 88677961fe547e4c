"""The ticket list as a projection: the columns a row prints, in four queries a page.

A page reads its tickets' columns in one joined query, their tags and their clocks in one
each, and counts matches up to ``COUNT_CAP`` (never a full scan) unless the page holds the
last match, which makes the count known without asking. Clocks' business time
is counted in one batch per calendar (``sla.views``). Pages go by offset, or by an opaque
cursor on the sort key (keyset), which costs the same on page 1 and page 4,000.
"""

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tierdesk.accounts.models import User
from tierdesk.compiled import Compiled, Memoized
from tierdesk.errors import Invalid
from tierdesk.sla.models import SlaClock
from tierdesk.sla.views import CLOCK_COLUMNS, clock_views, reply_due
from tierdesk.tickets.models import Ticket
from tierdesk.tickets.selectors import TicketFilters, ticket_list, visibility_key

# Exact up to here, then "1,000+": the pager needs no more, and an exact backlog is the
# `backlog` KPI's job (README, "How the ticket list pages").
COUNT_CAP = 1_000

COLUMNS = (
    "id",
    "subject",
    "status",
    "priority",
    "channel",
    "tier_id",
    "tier__name",
    "organization_id",
    "organization__name",
    "requester_id",
    "requester__name",
    "requester__email",
    "assignee_id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__email",
    "group_id",
    "group__name",
    "created_at",
    "updated_at",
    "solved_at",
    "sla_due_at",
)

# order -> (sort column, descending, nulls last)
SORT_KEYS = {
    "-created_at": ("created_at", True),
    "created_at": ("created_at", False),
    "sla_due_at": ("sla_due_at", False),
    "-updated_at": ("updated_at", True),
}


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous page ended: its order, its last row's sort value and id."""

    order: str
    value: datetime | None
    id: int

    def encode(self) -> str:
        raw = json.dumps(
            [self.order, self.value.isoformat() if self.value else None, self.id],
            separators=(",", ":"),
        )
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, order: str) -> "Cursor":
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            cursor_order, value, last_id = json.loads(raw)
            parsed = datetime.fromisoformat(value) if value is not None else None
            if not isinstance(last_id, int) or isinstance(last_id, bool):
                raise TypeError("id")
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise _bad_cursor("is not a cursor this list gave out") from None
        if cursor_order != order:
            raise _bad_cursor(f"was made for order={cursor_order}, not order={order}")
        if parsed is not None and parsed.utcoffset() is None:
            raise _bad_cursor("is not a cursor this list gave out")
        return cls(order, parsed, last_id)


def _bad_cursor(why: str) -> Invalid:
    return Invalid(
        f"The cursor {why}; start again without one.", fields={"cursor": "invalid cursor"}
    )


def _after(cursor: Cursor) -> Q:
    """Rows that sort after the cursor's row, in the cursor's order (ties broken by id)."""
    column, descending = SORT_KEYS[cursor.order]
    if column == "sla_due_at":  # ascending, empty dues last
        if cursor.value is None:
            return Q(sla_due_at=None, id__gt=cursor.id)
        return (
            Q(sla_due_at__gt=cursor.value)
            | Q(sla_due_at=cursor.value, id__gt=cursor.id)
            | Q(sla_due_at=None)
        )
    past = "lt" if descending else "gt"
    return Q(**{f"{column}__{past}": cursor.value}) | Q(
        **{column: cursor.value, f"id__{past}": cursor.id}
    )


def _person(row: dict[str, Any]) -> dict[str, object] | None:
    if row["assignee_id"] is None:
        return None
    full = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
    return {
        "id": row["assignee_id"],
        "name": full or row["assignee__username"],
        "email": row["assignee__email"],
    }


def _item(
    row: dict[str, Any],
    tags: list[str],
    clocks: list[dict[str, Any]],
    views: list[dict[str, object]] | None,
) -> dict[str, object]:
    return {
        "id": row["id"],
        "subject": row["subject"],
        "status": row["status"],
        "priority": row["priority"],
        "channel": row["channel"],
        "tier": {"id": row["tier_id"], "name": row["tier__name"]},
        "organization": {"id": row["organization_id"], "name": row["organization__name"]},
        "requester": {
            "id": row["requester_id"],
            "name": row["requester__name"],
            "email": row["requester__email"],
        },
        "assignee": _person(row),
        "group": {"id": row["group_id"], "name": row["group__name"]} if row["group_id"] else None,
        "tags": sorted(tags),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "solved_at": row["solved_at"],
        "sla_due_at": row["sla_due_at"] if views is not None else None,
        "reply_due_at": reply_due(clocks),
        "clocks": views or [],  # empty for customers: they see when the answer is due, no more
    }


# A page's tags and clocks: the same SQL for every page of the same length, compiled once.
_tags = Compiled(
    lambda ids: Ticket.tags.through.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "tag__name"
    )
)
_clocks = Compiled(
    lambda ids: (
        SlaClock.objects.filter(ticket_id__in=ids)
        .order_by("metric", "cycle")
        .values(*CLOCK_COLUMNS)
    )
)


_page_rows = Memoized()


def _filters_key(filters: TicketFilters) -> tuple[object, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for v in astuple(filters))


def _rows(
    qs: QuerySet[Ticket], after: Cursor | None, offset: int, limit: int
) -> QuerySet[Ticket, dict[str, Any]]:
    if after is not None:
        qs = qs.filter(_after(after))
    return qs.values(*COLUMNS)[offset : offset + limit + 1]


_counts = Memoized()


def _capped_count(
    listed: Callable[[], QuerySet[Ticket]], key: tuple[object, ...]
) -> tuple[int, bool]:
    seen = _counts.count(
        (*key, COUNT_CAP), lambda: listed().order_by().values("id")[: COUNT_CAP + 1]
    )
    return min(seen, COUNT_CAP), seen > COUNT_CAP


def ticket_page(
    *, user: User, filters: TicketFilters, limit: int, offset: int = 0, cursor: str | None = None
) -> dict[str, object]:
    """One page of the list, as plain data in ``TicketPageOut``'s shape."""

    def listed() -> QuerySet[Ticket]:
        # Built only when its SQL is not compiled yet: the ORM takes its time to build it.
        return ticket_list(user=user, filters=filters).prefetch_related(None)

    after = None
    if cursor:
        if offset:
            raise Invalid(
                "Give either a cursor or an offset, not both.",
                fields={"offset": "not with a cursor"},
            )
        after = Cursor.decode(cursor, filters.order)
    # Everything the rows' SQL is built from; the same key, the same SQL.
    key = (visibility_key(user), _filters_key(filters), after, offset, limit)
    rows = _page_rows.run(key, lambda: _rows(listed(), after, offset, limit))
    more, rows = len(rows) > limit, rows[:limit]
    if not more and after is None and (rows or not offset):
        # The page holds the last match: what comes before it and its rows are the count.
        seen = offset + len(rows)
        count, capped = min(seen, COUNT_CAP), seen > COUNT_CAP
    else:
        # What the count's SQL is built from: who asks, and the filters.
        count, capped = _capped_count(listed, (visibility_key(user), _filters_key(filters)))
    ids = [r["id"] for r in rows]
    tags: dict[int, list[str]] = defaultdict(list)
    clocks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    views: dict[int, list[dict[str, object]]] = defaultdict(list)
    if ids:
        for ticket_id, name in _tags.run(ids, shape=len(ids)):
            tags[ticket_id].append(name)
        rows_of_clocks = _clocks.run(ids, shape=len(ids))
        for clock in rows_of_clocks:
            clocks[clock["ticket_id"]].append(clock)
        if user.is_agent:  # every clock of the page in one batch per calendar
            for view, clock in zip(
                clock_views(rows_of_clocks, timezone.now()), rows_of_clocks, strict=True
            ):
                views[clock["ticket_id"]].append(view)
    agent = user.is_agent
    last = rows[-1] if rows else None
    column = SORT_KEYS[filters.order][0]
    return {
        "items": [
            _item(r, tags[r["id"]], clocks[r["id"]], views[r["id"]] if agent else None)
            for r in rows
        ],
        "count": count,
        "count_capped": capped,
        "next_cursor": (
            Cursor(filters.order, last[column], last["id"]).encode() if more and last else None
        ),
    }
