"""Many KPI tables in few queries: the tables of one KPI with the same filters (a range
and the one before it, by tier, by period, by agent) come from one GROUP BY over all their
ranges, each table then summed from those sums. Only additive KPIs (ratios, counts,
scores) are merged: medians are not sums, so a duration keeps its own query."""

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Case, IntegerField, Q, Value, When

from tierdesk.errors import Invalid
from tierdesk.kpis.catalog import CATALOG, Kpi
from tierdesk.kpis.selectors import (
    KpiQuery,
    KpiTable,
    Row,
    empty_table,
    grouped_rows,
    kpi_table,
    summed_rows,
    sums,
)

Range = tuple[datetime, datetime]


def kpi_tables(queries: Sequence[KpiQuery]) -> list[KpiTable | None]:
    """Each query's table, as kpi_table gives it; None for a query the KPI refuses (a
    slice or filter it does not have): a board shows no number rather than a wrong one."""
    found: list[KpiTable | None] = [None] * len(queries)
    batches: dict[tuple[object, ...], list[int]] = {}
    for i, query in enumerate(queries):
        try:
            # occupancy and cost_to_serve are not catalogue rows: asked on their own.
            kpi = empty_table(query)[0] if query.kpi in CATALOG else None
            if kpi is None or not _additive(kpi):
                found[i] = kpi_table(query)
                continue
        except Invalid:
            continue
        key = (query.kpi, tuple(sorted(query.filters.items())))
        batches.setdefault(key, []).append(i)
    for members in batches.values():
        asked = [queries[i] for i in members]
        mergeable = len(asked) > 1 and _disjoint(asked) and len(_periods(asked)) <= 1
        tables = _merged(asked) if mergeable else [kpi_table(q) for q in asked]
        for i, table in zip(members, tables, strict=True):
            found[i] = table
    return found


def _additive(kpi: Kpi) -> bool:
    return kpi.rows is not None and not kpi.snapshot and kpi.kind in ("ratio", "count", "score")


def _periods(queries: list[KpiQuery]) -> set[str | None]:
    # Tables by different periods cannot share one period column.
    return {q.period for q in queries if "period" in q.by}


def _disjoint(queries: list[KpiQuery]) -> bool:
    """Every range asked is another's twin or apart from it: a row counts in one range."""
    ranges = sorted({(q.start, q.end) for q in queries})
    return all(a[1] <= b[0] for a, b in zip(ranges, ranges[1:], strict=False))


def _merged(queries: list[KpiQuery]) -> list[KpiTable]:
    """One GROUP BY (range, every slice asked) over all the ranges; each table sums its own."""
    ranges = sorted({(q.start, q.end) for q in queries})
    by = tuple(dict.fromkeys(name for q in queries for name in q.by))
    period = next((q.period for q in queries if "period" in q.by), None)
    first = queries[0]
    wide = KpiQuery(first.kpi, by, period, ranges[0][0], ranges[-1][1], first.filters)
    kpi, _ = empty_table(wide)
    anchor = kpi.anchor
    which = Case(
        *(
            When(Q(**{f"{anchor}__gte": s, f"{anchor}__lt": e}), then=Value(i))
            for i, (s, e) in enumerate(ranges)
        ),
        default=Value(-1),
        output_field=IntegerField(),
    )
    rows, keys = grouped_rows(kpi, wide, wide.start, wide.end, k_range=which)
    cube = list(rows.values(*keys).annotate(**sums(kpi, wide.end)))
    tables = []
    for query in queries:
        _, table = empty_table(query)
        mine = [r for r in cube if r["k_range"] == ranges.index((query.start, query.end))]
        table.rows.extend(summed_rows(kpi, query, _summed(mine, query)))
        tables.append(table)
    return tables


def _summed(cube: list[Row], query: KpiQuery) -> list[Row]:
    """The cube's sums added up by the query's slices; with no slice, one total if any."""
    keys = [f"k_{n}" for n in query.by]
    totals: dict[tuple[object, ...], Row] = {}
    for row in cube:
        key = tuple(row[k] for k in keys)
        total = totals.get(key)
        if total is None:
            totals[key] = dict(row)
            continue
        for name, value in row.items():
            if not name.startswith("k_"):
                total[name] = (total[name] or 0) + (value or 0)  # type: ignore[operator]
    return list(totals.values())
