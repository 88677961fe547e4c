"""Many KPI tables in few queries: the tables of one KPI with the same filters (a range
and the one before it, by tier, by period, by agent) come from one GROUP BY over all their
ranges, each table then summed from those sums. Only additive KPIs (ratios, counts,
scores) are merged: medians are not sums, so a duration keeps its own query."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, Model, Q, QuerySet, Value, When

from tierdesk.accounts.models import AgentGroup, User
from tierdesk.customers.models import Organization
from tierdesk.errors import Invalid
from tierdesk.kpis.catalog import CATALOG, Kpi
from tierdesk.kpis.selectors import (
    KpiQuery,
    KpiTable,
    Row,
    empty_table,
    grouped_rows,
    kpi_table,
    slice_column,
    summed_rows,
    sums,
)
from tierdesk.tiers.models import Tier

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
    cubes = []
    for members in batches.values():
        asked = [queries[i] for i in members]
        if len(asked) > 1 and _disjoint(asked) and len(_periods(asked)) <= 1:
            cubes.append((members, _cube(asked)))
        else:
            for i, query in zip(members, asked, strict=True):
                found[i] = kpi_table(query)
    _name(cube for _, cube in cubes)
    for members, cube in cubes:
        for i, table in zip(members, cube.tables(), strict=True):
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


@dataclass
class _Cube:
    """The sums of one KPI by (range, every slice asked) and the tables asked of it."""

    kpi: Kpi
    queries: list[KpiQuery]
    ranges: list[Range]
    keyed: dict[str, str]  # slice -> foreign key grouped by, named in _name()
    rows: list[Row]
    # The slices of the grouping sets (PostgreSQL), in the order GROUPING() reads them.
    dims: list[str]

    def tables(self) -> list[KpiTable]:
        tables = []
        for query in self.queries:
            _, table = empty_table(query)
            at = self.ranges.index((query.start, query.end))
            rolled_up = _rolled_up(self.dims, query.by)
            mine = [
                r
                for r in self.rows
                if r["k_range"] == at and r.get("k_set", rolled_up) == rolled_up
            ]
            table.rows.extend(summed_rows(self.kpi, query, _summed(mine, query)))
            tables.append(table)
        return tables


def _cube(queries: list[KpiQuery]) -> _Cube:
    """One GROUP BY (range, every slice asked) over all the ranges."""
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
    # Tier, agent, group and organization are grouped by their key and named afterwards:
    # the GROUP BY then hashes integers instead of sorting names joined to every row.
    keyed = {n: path for n in by if (path := _key_path(kpi, wide, n))}
    plain = KpiQuery(
        kpi.name,
        tuple(n for n in by if n not in keyed),
        period,
        wide.start,
        wide.end,
        wide.filters,
    )
    extra = {f"k_{n}": F(path) for n, path in keyed.items()}
    rows, keys = grouped_rows(kpi, plain, wide.start, wide.end, k_range=which, **extra)
    aggregates = sums(kpi, wide.end)
    cells = rows.values(*keys).annotate(**aggregates)
    dims = [f"k_{n}" for n in by]
    wanted = {tuple(f"k_{n}" for n in q.by) for q in queries}
    if connection.vendor != "postgresql" or len(wanted) < 2:
        return _Cube(kpi, queries, ranges, keyed, list(cells), [])
    return _Cube(kpi, queries, ranges, keyed, _grouping_sets(cells, dims, wanted, aggregates), dims)


def _grouping_sets(
    cells: QuerySet[Any], dims: list[str], wanted: set[tuple[str, ...]], aggregates: Iterable[str]
) -> list[Row]:
    """The cube's cells summed by the slices each table asks (GROUPING SETS), in the same
    query: a board gets a few hundred sums instead of every (range, tier, day, agent)
    cell, which cost more to read and add up in Python than to count."""
    quote = connection.ops.quote_name
    inner, params = cells.query.sql_with_params()
    sets = ", ".join(f"({', '.join(quote(c) for c in ('k_range', *s))})" for s in sorted(wanted))
    summed = ", ".join(f"SUM({quote(a)})::bigint AS {quote(a)}" for a in aggregates)
    # Only quoted column names and Django's own compiled query go into the text.
    sql = (
        f"SELECT {', '.join(quote(c) for c in ('k_range', *dims))},"  # noqa: S608
        f" GROUPING({', '.join(quote(d) for d in dims)}) AS k_set, {summed}"
        f" FROM ({inner}) cells GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _rolled_up(dims: list[str], by: tuple[str, ...]) -> int:
    """GROUPING()'s value for the set of ``by``: a bit set per slice left out, first slice
    the highest bit."""
    return sum(1 << (len(dims) - 1 - i) for i, d in enumerate(dims) if d[2:] not in by)


def _name(cubes: Iterable[_Cube]) -> None:
    """Keys to names in every cube: one query per kind of name for the whole batch."""
    cubes = list(cubes)
    for name, (model, field) in NAMED.items():
        keys = {r[f"k_{name}"] for c in cubes if name in c.keyed for r in c.rows} - {None}
        names = dict(model.objects.filter(pk__in=keys).values_list("pk", field)) if keys else {}
        for cube in cubes:
            if name in cube.keyed:
                for r in cube.rows:
                    r[f"k_{name}"] = names.get(r[f"k_{name}"])


# Slice -> the model it names and the (unique) name shown.
NAMED: dict[str, tuple[type[Model], str]] = {
    "tier": (Tier, "name"),
    "agent": (User, "username"),
    "group": (AgentGroup, "name"),
    "organization": (Organization, "name"),
}


def _key_path(kpi: Kpi, query: KpiQuery, name: str) -> str | None:
    """The foreign key behind a named slice (``tier__name`` -> ``tier``), if it is a plain
    relation of the rows (NPS reaches its tier through a filtered relation: by name)."""
    if name not in NAMED:
        return None
    path = slice_column(kpi, name).removesuffix(f"__{NAMED[name][1]}")
    assert kpi.rows is not None
    filtered = kpi.rows(query.start, query.end).query._filtered_relations
    return None if path.split("__")[0] in filtered else path


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
