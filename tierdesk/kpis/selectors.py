"""KPI tables computed in the database: grouped counts and means by SQL, percentiles from
the one sorted value column per slice (never whole rows)."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Trunc

from tierdesk.domain.kpi.definitions import (
    StatusSpan,
    cost_to_serve,
    occupancy,
    ratio,
    status_spans,
)
from tierdesk.domain.kpi.summary import nearest_rank
from tierdesk.errors import Invalid
from tierdesk.kpis.catalog import CATALOG, TICKET_SLICES, Kpi
from tierdesk.tickets.models import AuthorKind, Message, MessageKind, Ticket
from tierdesk.workforce.assumptions import Assumptions
from tierdesk.workforce.models import AgentStatusEvent

Row = dict[str, object]


@dataclass(frozen=True)
class KpiQuery:
    kpi: str
    by: tuple[str, ...]
    period: str | None
    start: datetime
    end: datetime
    # Slice name -> value to keep (tier name, channel, agent username ...).
    filters: dict[str, str]


@dataclass(frozen=True)
class KpiTable:
    kpi: str
    kind: str
    unit: str
    description: str
    columns: tuple[str, ...]
    rows: list[Row]


def _seconds(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


def _key(value: object) -> object:
    return value.date() if isinstance(value, datetime) else value


def _columns(kpi: Kpi, query: KpiQuery) -> dict[str, object]:
    """Slice name -> the SQL expression that groups by it."""
    columns: dict[str, object] = {}
    for name in query.by:
        if name == "period":
            columns[name] = Trunc(kpi.anchor, query.period or "month", tzinfo=UTC)
        else:
            columns[name] = F(slice_column(kpi, name))
    return columns


def slice_column(kpi: Kpi, name: str) -> str:
    """The column a slice or filter names on the KPI's rows."""
    if kpi.columns is not None:
        return kpi.columns[name]
    return kpi.ticket + TICKET_SLICES[name]


def kpi_table(query: KpiQuery) -> KpiTable:
    """One KPI sliced as asked; rows sorted by their slice values."""
    if query.kpi == "occupancy":
        return _occupancy(query)
    if query.kpi == "cost_to_serve":
        # The same agent cost the staffing plans use (TIERDESK_WFM_AGENT_COST_PER_HOUR).
        return _cost_to_serve(query, Assumptions().cost_per_hour)
    kpi, table = empty_table(query)
    if kpi.rows is None:
        return table
    grouped, keys = grouped_rows(kpi, query, query.start, query.end)
    if kpi.kind == "duration":
        assert kpi.value is not None
        durations = _durations(grouped, keys, query.by, kpi.value(query.end))
        table.rows.extend(sorted(durations, key=lambda r: [str(r[n]) for n in query.by]))
        return table
    totals = _grouped(grouped, keys, **sums(kpi, query.end))
    table.rows.extend(summed_rows(kpi, query, totals))
    return table


def empty_table(query: KpiQuery) -> tuple[Kpi, KpiTable]:
    """The catalogue KPI and its table without rows; Invalid names what it cannot do."""
    kpi = CATALOG.get(query.kpi)
    if kpi is None:
        raise Invalid(f"Unknown KPI {query.kpi!r}.", fields={"kpi": "unknown KPI"})
    refused = [b for b in query.by if b not in kpi.slices]
    if refused:
        raise Invalid(
            f"{kpi.name} cannot be sliced by {', '.join(refused)}.",
            fields={"by": f"{kpi.name} slices by {', '.join(kpi.slices)}"},
        )
    refused_filters = [f for f in query.filters if f not in kpi.slices]
    if refused_filters:
        raise Invalid(
            f"{kpi.name} cannot be filtered by {', '.join(refused_filters)}.",
            fields={refused_filters[0]: f"{kpi.name} filters by {', '.join(kpi.slices)}"},
        )
    values = ("count", "mean", "median", "p90") if kpi.kind == "duration" else ("value",)
    if kpi.kind == "ratio":
        values = ("numerator", "denominator", "value")
    score = kpi.value(query.end) if kpi.kind == "score" and kpi.value else None
    if score is not None:
        values = ("answers", *score.aggregates, "value")  # type: ignore[attr-defined]
    return kpi, KpiTable(kpi.name, kpi.kind, kpi.unit, kpi.description, (*query.by, *values), [])


def grouped_rows(
    kpi: Kpi, query: KpiQuery, start: datetime, end: datetime, **extra: object
) -> tuple[Any, list[str]]:
    """The KPI's rows in [start, end) with the query's filters, annotated with its slices
    (``k_<slice>``) and any ``extra`` keys; the names of the keys to group by."""
    assert kpi.rows is not None
    rows = kpi.rows(start, end).filter(
        **{slice_column(kpi, k): v for k, v in query.filters.items()}
    )
    columns = {f"k_{n}": c for n, c in _columns(kpi, query).items()} | extra
    return rows.annotate(**columns).order_by(), list(columns)


def sums(kpi: Kpi, end: datetime) -> dict[str, Any]:
    """The additive SQL aggregates of a ratio, count or score KPI: ``n`` rows and the rest."""
    if kpi.kind == "ratio":
        assert kpi.numerator is not None
        return {"n": Count("pk", filter=kpi.numerator), "d": Count("pk")}
    score = kpi.value(end) if kpi.kind == "score" and kpi.value else None
    if score is not None:
        return {"n": Count("pk"), **score.aggregates}  # type: ignore[attr-defined]
    return {"n": Count("pk")}


def summed_rows(kpi: Kpi, query: KpiQuery, totals: list[Row]) -> list[Row]:
    """A ratio's, score's or count's table rows from its sums per slice, sorted by slice."""
    keys = [f"k_{n}" for n in query.by]
    score = kpi.value(query.end) if kpi.kind == "score" and kpi.value else None
    rows = []
    for r in sorted(totals, key=lambda r: [str(_key(r[k])) for k in keys]):
        row: Row = {n: _key(r[k]) for n, k in zip(query.by, keys, strict=True)}
        if kpi.kind == "ratio":
            n, d = int(r["n"]), int(r["d"])  # type: ignore[call-overload]
            row.update(numerator=n, denominator=d, value=ratio(n, d))
        elif score is not None:
            # A score: SQL counts and sums per slice, the domain formula combines them.
            found = {"answers": r["n"], **{a: r[a] for a in score.aggregates}}  # type: ignore[attr-defined]
            row.update(found, value=score.formula(found))  # type: ignore[attr-defined]
        else:
            row["value"] = r["n"]
        rows.append(row)
    return rows


def _grouped(rows: Any, keys: list[str], **aggregates: Any) -> list[Row]:
    """One row per slice (GROUP BY keys); with no slice, the one total if anything counted."""
    if keys:
        return list(rows.values(*keys).annotate(**aggregates))
    total = rows.aggregate(**aggregates)
    # A ratio counts its rows in the denominator: 0 met of 2 is a row (0%), not "no data".
    return [total] if total.get("d", total["n"]) else []


def _durations(
    grouped: object, keys: list[str], names: Sequence[str], value: object
) -> Iterator[Row]:
    """Count and mean by SQL; median and p90 by nearest rank over each slice's sorted column."""
    measured = grouped.annotate(v=value)  # type: ignore[attr-defined]
    if connection.vendor == "postgresql":
        yield from _durations_in_one_query(measured, keys, names)
        return
    means = {
        tuple(r[k] for k in keys): (r["n"], r["mean"])
        for r in _grouped(measured, keys, n=Count("pk"), mean=Avg("v"))
    }
    ordered = measured.values_list(*keys, "v").order_by(*keys, "v")
    for key, group in groupby(ordered.iterator(chunk_size=10_000), key=lambda r: r[:-1]):
        column = [_seconds(r[-1]) for r in group]
        n, mean = means[key]
        yield {
            **{name: _key(k) for name, k in zip(names, key, strict=True)},
            "count": n,
            "mean": None if mean is None else round(_seconds(mean) or 0.0, 3),
            "median": nearest_rank(column, 50),  # type: ignore[arg-type]
            "p90": nearest_rank(column, 90),  # type: ignore[arg-type]
        }


class _NearestRank(Aggregate):  # type: ignore[misc]
    """PostgreSQL's percentile_disc: the nearest-rank percentile (docs/kpis.md)."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"


def _durations_in_one_query(measured: Any, keys: list[str], names: Sequence[str]) -> Iterator[Row]:
    """PostgreSQL picks the same nearest ranks itself: one GROUP BY, no column to stream."""
    summaries = _grouped(
        measured,
        keys,
        n=Count("pk"),
        mean=Avg("v"),
        median=_NearestRank("v", fraction=0.5),
        p90=_NearestRank("v", fraction=0.9),
    )
    for r in summaries:
        yield {
            **{name: _key(r[k]) for name, k in zip(names, keys, strict=True)},
            "count": r["n"],
            "mean": None if r["mean"] is None else round(_seconds(r["mean"]) or 0.0, 3),
            "median": _seconds(r["median"]),
            "p90": _seconds(r["p90"]),
        }


def _spans(query: KpiQuery) -> dict[str, list[StatusSpan]]:
    """Each agent's status spans inside the range: events in it plus the one in force."""
    events = AgentStatusEvent.objects.filter(at__lt=query.end)
    if "agent" in query.filters:
        events = events.filter(agent__username=query.filters["agent"])
    in_force = (
        AgentStatusEvent.objects.filter(agent=OuterRef("agent"), at__lte=query.start)
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    keep = events.filter(Q(at__gt=query.start) | Q(at=Subquery(in_force)))
    rows = keep.order_by("agent__username", "at", "id").values_list(
        "agent__username", "at", "status"
    )
    return {
        name: status_spans([(at, s) for _, at, s in group], start=query.start, end=query.end)
        for name, group in groupby(rows.iterator(), key=lambda r: r[0])
    }


def _only(query: KpiQuery, kpi: str, allowed: str) -> None:
    refused = [b for b in query.by if b != allowed]
    bad_filter = [f for f in query.filters if f != allowed]
    if refused or bad_filter:
        raise Invalid(
            f"{kpi} slices and filters by {allowed} only.",
            fields={"by" if refused else bad_filter[0]: f"{kpi} slices by {allowed} only"},
        )


def _occupancy(query: KpiQuery) -> KpiTable:
    """Busy / (busy + available) per agent over the range, from their status events."""
    _only(query, "occupancy", "agent")
    spans = _spans(query)
    table = KpiTable(
        "occupancy",
        "ratio",
        "ratio",
        "Busy time / (busy + available) time from agent status events",
        (*query.by, "value"),
        [],
    )
    if "agent" in query.by:
        for name in sorted(spans):
            table.rows.append({"agent": name, "value": occupancy(spans[name])})
    else:
        table.rows.append({"value": occupancy([s for v in spans.values() for s in v])})
    return table


def _cost_to_serve(query: KpiQuery, cost_per_hour: float) -> KpiTable:
    """Agent cost of the busy time in the range, shared among tiers by their public agent
    replies, per ticket created in the range."""
    _only(query, "cost_to_serve", "tier")
    busy = sum(
        (s.end - s.start).total_seconds()
        for spans in _spans(query).values()
        for s in spans
        if s.status == "busy"
    )
    window = {"created_at__gte": query.start, "created_at__lt": query.end}
    tier = {"tier__name": query.filters["tier"]} if "tier" in query.filters else {}
    replies = Message.objects.filter(
        author_kind=AuthorKind.AGENT, kind=MessageKind.PUBLIC, **window
    )
    all_replies = replies.count()
    by_tier = dict(
        replies.filter(**{f"ticket__{k}": v for k, v in tier.items()})
        .values("ticket__tier__name")
        .annotate(n=Count("pk"))
        .values_list("ticket__tier__name", "n")
    )
    tickets = dict(
        Ticket.objects.filter(**window, **tier)
        .values("tier__name")
        .annotate(n=Count("pk"))
        .values_list("tier__name", "n")
    )
    table = KpiTable(
        "cost_to_serve",
        "ratio",
        "currency",
        "Agent cost of busy time x the tier's share of public agent replies, per ticket",
        (*query.by, "replies", "tickets", "value"),
        [],
    )
    names = sorted(set(by_tier) | set(tickets)) if "tier" in query.by else [None]
    for name in names:
        n_replies = by_tier.get(name, 0) if name else sum(by_tier.values())
        n_tickets = tickets.get(name, 0) if name else sum(tickets.values())
        share = ratio(n_replies, all_replies) or 0.0
        value = cost_to_serve(
            cost_per_hour=cost_per_hour,
            busy_seconds=busy,
            tier_handled_share=share,
            tickets=n_tickets,
        )
        row: Row = {"tier": name} if name else {}
        row.update(
            replies=n_replies,
            tickets=n_tickets,
            value=None if value is None else round(value, 2),
        )
        table.rows.append(row)
    return table
