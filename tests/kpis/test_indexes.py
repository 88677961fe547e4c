"""The KPI conditions PostgreSQL answers from an index match that index's definition."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Count

from tierdesk.kpis.catalog import CATALOG

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ticket_open is PostgreSQL's"),
]

MAR_1 = datetime(2026, 3, 1, tzinfo=UTC)
MAR_4 = datetime(2026, 3, 4, tzinfo=UTC)


def plan(queryset, *, without=()):
    """The plan with a table scan forbidden and the indexes ``without`` dropped (inside the
    test's transaction, rolled back): which index, if any, can serve the rest."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for index in without:
            cursor.execute(f"DROP INDEX {index}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_backlog_is_one_range_of_ticket_open():
    # NEVER in the catalogue and in migration tickets.0007 must be the same instant, or
    # the condition is no longer the index's expression and every open ticket is visited.
    rows = CATALOG["backlog"].rows
    assert rows is not None
    backlog = rows(MAR_1, MAR_4).values("tier").annotate(n=Count("pk"))
    # Every other index of the tickets is out of the way: with table scans forbidden, any of
    # them could be read whole instead (which one the planner picks depends on statistics),
    # so only ticket_open is left and it must be usable for the condition.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_ticket' "
            "AND indexname <> 'ticket_open' AND indexname NOT LIKE '%%_pkey'"
            " AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        others = [name for (name,) in cursor.fetchall()]
    found = plan(backlog, without=others)
    # Read as a range (an index condition on its expression), not scanned whole.
    assert re.search(r"Index Scan on ticket_open .*\n\s+Index Cond: \(COALESCE\(solved_at", found)
    assert "BitmapOr" not in found
