"""The managers' dashboard as one query set: KPI cards with their trend and goal, series per
period, and breakdown tables, every number aggregated in SQL by the KPI selectors.

A ratio KPI is asked once per range, sliced by tier and period: its card, its tier cards, its
series and the tier table are sums of those rows (numerators and denominators add up).
Medians cannot be added up, so each duration card asks its own (small) query.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import IntegerField, OuterRef, Subquery

from tierdesk.accounts.models import Role, User
from tierdesk.domain.kpi.definitions import ratio
from tierdesk.domain.kpi.trend import Direction, Trend, meets, trend
from tierdesk.errors import Invalid, NotAllowed
from tierdesk.kpis.batch import kpi_tables
from tierdesk.kpis.catalog import CATALOG
from tierdesk.kpis.selectors import KpiQuery, KpiTable, Row
from tierdesk.tiers.models import Metric, Priority, SlaTarget, Tier

FILTERS = ("tier", "channel", "group", "agent")
BREAKDOWNS = ("agent", "group", "channel")
ATTAINMENT = ("sla_first_response", "sla_next_response", "sla_resolution")
# Filled by surveys and by call and chat events; shown as "no data yet" until they exist.
FEEDBACK = ("csat", "nps", "ces", "abandonment")
DIRECTION: dict[str, Direction] = {
    "created": "neutral",
    "solved": "up",
    "backlog": "down",
    "first_response_business_time": "down",
    "resolution_business_time": "down",
    "first_contact_resolution": "up",
    "csat": "up",
    "nps": "up",
    "ces": "up",  # agreement scale: 7 = "it was easy"
    "abandonment": "down",
    **dict.fromkeys(ATTAINMENT, "up"),
}
LABELS = {
    "created": "Tickets created",
    "solved": "Tickets solved",
    "backlog": "Open backlog",
    "sla_first_response": "First response attainment",
    "sla_next_response": "Next response attainment",
    "sla_resolution": "Resolution attainment",
    "first_response_business_time": "First response, median",
    "resolution_business_time": "Resolution, median",
    "first_contact_resolution": "First contact resolution",
    "csat": "CSAT",
    "nps": "NPS",
    "ces": "Customer effort",
    "abandonment": "Abandonment",
}


# On a tier's card the tier and the word "attainment" go without saying.
SHORT_LABELS = {
    "sla_first_response": "First response",
    "sla_resolution": "Resolution",
    "first_response_business_time": "Median first response",
}


@dataclass(frozen=True)
class Card:
    kpi: str
    label: str
    unit: str  # the catalogue's: ratio (0..1), seconds, count, percent, score
    value: float | None  # None: no data yet (never shown as 0)
    previous: float | None
    trend: Trend
    goal: float | None = None  # in the value's unit
    met: bool | None = None

    @property
    def short_label(self) -> str:
        return SHORT_LABELS.get(self.kpi, self.label)


@dataclass(frozen=True)
class TierCards:
    tier: str
    goal_percent: int
    first_response_target_seconds: int | None  # normal priority
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Series:
    kpi: str
    label: str
    unit: str
    points: tuple[tuple[date, float | None], ...]


@dataclass(frozen=True)
class Breakdown:
    by: str
    columns: tuple[str, ...]  # after the slice value; keys of LABELS
    rows: tuple[Row, ...]  # {by: value, column: number or None}
    exports: tuple[str, ...]  # the KPI API names behind the columns


@dataclass(frozen=True)
class Board:
    start: datetime
    end: datetime
    previous_start: datetime
    previous_end: datetime
    period: str
    filters: Mapping[str, str]
    cards: tuple[Card, ...]
    tiers: tuple[TierCards, ...]
    series: tuple[Series, ...]
    by_tier: Breakdown
    breakdown: Breakdown


def series_period(start: datetime, end: datetime) -> str:
    """Days up to a month, weeks up to half a year, months beyond."""
    span = end - start
    if span <= timedelta(days=31):
        return "day"
    if span <= timedelta(days=190):
        return "week"
    return "month"


def period_starts(start: datetime, end: datetime, period: str) -> tuple[date, ...]:
    """The first day of every UTC period that meets [start, end), as the KPI tables key them."""
    day = start.astimezone(UTC).date()
    if period == "week":
        day -= timedelta(days=day.weekday())
    elif period == "month":
        day = day.replace(day=1)
    elif period == "quarter":
        day = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    last = (end - timedelta(microseconds=1)).astimezone(UTC).date()
    starts = []
    while day <= last:
        starts.append(day)
        if period == "day":
            day += timedelta(days=1)
        elif period == "week":
            day += timedelta(days=7)
        else:
            step = 3 if period == "quarter" else 1
            month = day.month - 1 + step
            day = date(day.year + month // 12, month % 12 + 1, 1)
    return tuple(starts)


def visible_filters(actor: User, filters: Mapping[str, str | None]) -> dict[str, str]:
    """The filters ``actor`` may use: managers and admins any, agents their own numbers."""
    if actor.role in (Role.ADMIN, Role.MANAGER):
        return {k: v for k, v in filters.items() if k in FILTERS and v}
    if actor.role == Role.AGENT:
        kept = {k: v for k, v in filters.items() if k in FILTERS and v}
        if kept.get("agent", actor.username) != actor.username:
            raise NotAllowed("Agents see their own numbers only.")
        return {**kept, "agent": actor.username}
    raise NotAllowed("The dashboard is for the support team.")


class _Reader:
    """KPI tables for one board, all with the board's filters; ``ask`` them first so that
    the tables of one KPI come from one query (tierdesk.kpis.batch)."""

    def __init__(self, filters: dict[str, str]) -> None:
        self.filters = filters
        self.found: dict[tuple[object, ...], KpiTable | None] = {}

    def _query(self, ask: tuple[object, ...]) -> KpiQuery:
        kpi, by, start, end, period = ask
        return KpiQuery(kpi, by, period, start, end, self.filters)  # type: ignore[arg-type]

    def ask(self, asks: Iterable[tuple[object, ...]]) -> None:
        wanted = [a for a in dict.fromkeys(asks) if a not in self.found]
        # A KPI that cannot be sliced or filtered this way (a channel filter on a survey
        # KPI, say) comes back None: no number on this board rather than a wrong one.
        tables = kpi_tables([self._query(a) for a in wanted])
        self.found.update(zip(wanted, tables, strict=True))

    def table(
        self,
        kpi: str,
        by: tuple[str, ...],
        start: datetime,
        end: datetime,
        period: str | None = None,
    ) -> KpiTable | None:
        ask = (kpi, by, start, end, period)
        if ask not in self.found:
            self.ask([ask])
        return self.found[ask]


def _sum(rows: Iterable[Row], key: str) -> int:
    return sum(int(r[key]) for r in rows)  # type: ignore[call-overload]


def _rate(rows: list[Row]) -> float | None:
    return ratio(_sum(rows, "numerator"), _sum(rows, "denominator"))


def _value(table: KpiTable | None) -> float | None:
    """The one unsliced number of a table: its value, or a duration's median."""
    if table is None or not table.rows:
        return None
    row = table.rows[0]
    found = row.get("median" if table.kind == "duration" else "value")
    return None if found is None else float(found)  # type: ignore[arg-type]


def _card(
    kpi: str,
    unit: str,
    value: float | None,
    previous: float | None,
    goal: float | None = None,
) -> Card:
    direction = DIRECTION[kpi]
    return Card(
        kpi=kpi,
        label=LABELS[kpi],
        unit=unit,
        value=value,
        previous=previous,
        trend=trend(value, previous, rate=unit == "ratio", direction=direction),
        goal=goal,
        met=meets(value, goal, direction=direction),
    )


def _tiers(filters: Mapping[str, str]) -> list[Tier]:
    """Tiers in scope with their normal-priority first-response target, in one query."""
    target = SlaTarget.objects.filter(
        tier=OuterRef("pk"), priority=Priority.NORMAL, metric=Metric.FIRST_RESPONSE
    ).values("target_seconds")[:1]
    tiers = Tier.objects.annotate(
        first_response_target=Subquery(target, output_field=IntegerField())
    ).order_by("rank")
    if "tier" in filters:
        tiers = tiers.filter(name=filters["tier"])
    return list(tiers)


def _by(rows: list[Row], key: str) -> dict[object, list[Row]]:
    grouped: dict[object, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _medians(table: KpiTable | None, key: str) -> dict[object, float | None]:
    if table is None:
        return {}
    return {r[key]: r["median"] for r in table.rows}  # type: ignore[misc]


def board(
    *,
    actor: User,
    start: datetime,
    end: datetime,
    period: str | None = None,
    filters: Mapping[str, str | None] | None = None,
    breakdown: str = "agent",
    compare_to: tuple[datetime, datetime] | None = None,
) -> Board:
    """The dashboard for [start, end) against ``compare_to`` (default: the same length just
    before), filtered by tier, channel, group and agent, broken down by ``breakdown``."""
    if start >= end:
        raise Invalid("'from' must be before 'to'.", fields={"from": "must be before to"})
    if breakdown not in BREAKDOWNS:
        raise Invalid(
            f"Break down by one of {', '.join(BREAKDOWNS)}.",
            fields={"breakdown": f"one of {', '.join(BREAKDOWNS)}"},
        )
    kept = visible_filters(actor, filters or {})
    period = period or series_period(start, end)
    prev_start, prev_end = compare_to or (start - (end - start), start)
    read = _Reader(kept)

    # Ratios by tier and period now, by tier before: every card, series and tier row.
    ratios = ("resolution_rate", "first_contact_resolution", *ATTAINMENT)
    read.ask(
        [
            *((k, ("tier", "period"), start, end, period) for k in ratios),
            *((k, ("tier",), prev_start, prev_end, None) for k in ratios),
            *((k, (), start, end, None) for k in FEEDBACK),
            *((k, (), prev_start, prev_end, None) for k in FEEDBACK),
            *((k, ("period",), start, end, period) for k in ("csat", "nps")),
            *((k, (breakdown,), start, end, None) for k in BREAKDOWN_RATIOS),
        ]
    )
    now_rows: dict[str, list[Row]] = {}
    before_rows: dict[str, list[Row]] = {}
    for kpi in ratios:
        now_rows[kpi] = _rows(read.table(kpi, ("tier", "period"), start, end, period))
        before_rows[kpi] = _rows(read.table(kpi, ("tier",), prev_start, prev_end))
    backlog_now = _rows(read.table("backlog", ("tier",), start, end))
    backlog_before = _rows(read.table("backlog", ("tier",), prev_start, prev_end))
    tiers = _tiers(kept)
    goals = {t.name: t.attainment_goal_percent for t in tiers}
    only_tier = tiers[0] if "tier" in kept and tiers else None

    def blended_goal(rows: list[Row]) -> float | None:
        """The tiers' goals weighted by each tier's clocks: what the mix promised."""
        weights = [(goals[r["tier"]], int(r["denominator"])) for r in rows if r["tier"] in goals]  # type: ignore[call-overload, index]
        total = sum(w for _, w in weights)
        return round(sum(g * w for g, w in weights) / total / 100, 4) if total else None

    fr_now = read.table("first_response_business_time", (), start, end)
    fr_before = read.table("first_response_business_time", (), prev_start, prev_end)
    fr_tiers = read.table("first_response_business_time", ("tier",), start, end)
    res_now = read.table("resolution_business_time", (), start, end)
    res_before = read.table("resolution_business_time", (), prev_start, prev_end)
    fr_goal = only_tier.first_response_target if only_tier else None  # type: ignore[attr-defined]

    cards = [
        _card(
            "created",
            "count",
            _sum(now_rows["resolution_rate"], "denominator"),
            _sum(before_rows["resolution_rate"], "denominator"),
        ),
        _card(
            "solved",
            "count",
            _sum(now_rows["first_contact_resolution"], "denominator"),
            _sum(before_rows["first_contact_resolution"], "denominator"),
        ),
        _card("backlog", "count", _sum(backlog_now, "value"), _sum(backlog_before, "value")),
        *(
            _card(
                kpi,
                "ratio",
                _rate(now_rows[kpi]),
                _rate(before_rows[kpi]),
                blended_goal(now_rows[kpi]),
            )
            for kpi in ATTAINMENT
        ),
        _card(
            "first_response_business_time",
            "seconds",
            _value(fr_now),
            _value(fr_before),
            None if fr_goal is None else float(fr_goal),
        ),
        _card("resolution_business_time", "seconds", _value(res_now), _value(res_before)),
        _card(
            "first_contact_resolution",
            "ratio",
            _rate(now_rows["first_contact_resolution"]),
            _rate(before_rows["first_contact_resolution"]),
        ),
    ]
    feedback_series = []
    for kpi in FEEDBACK:
        now_table = read.table(kpi, (), start, end)
        unit = CATALOG[kpi].unit
        cards.append(
            _card(kpi, unit, _value(now_table), _value(read.table(kpi, (), prev_start, prev_end)))
        )
        if kpi in ("csat", "nps"):
            by_period = read.table(kpi, ("period",), start, end, period)
            values = {r["period"]: r.get("value") for r in _rows(by_period)}
            feedback_series.append(
                Series(
                    kpi,
                    LABELS[kpi],
                    unit,
                    tuple((d, values.get(d)) for d in period_starts(start, end, period)),  # type: ignore[misc]
                )
            )

    tier_cards = []
    fr_medians = _medians(fr_tiers, "tier")
    for tier in tiers:
        goal = tier.attainment_goal_percent / 100
        target = tier.first_response_target  # type: ignore[attr-defined]
        mine = {k: [r for r in now_rows[k] if r["tier"] == tier.name] for k in ATTAINMENT}
        before = {k: [r for r in before_rows[k] if r["tier"] == tier.name] for k in ATTAINMENT}
        tier_cards.append(
            TierCards(
                tier=tier.name,
                goal_percent=tier.attainment_goal_percent,
                first_response_target_seconds=target,
                cards=(
                    *(
                        _card(k, "ratio", _rate(mine[k]), _rate(before[k]), goal)
                        for k in ("sla_first_response", "sla_resolution")
                    ),
                    _card(
                        "first_response_business_time",
                        "seconds",
                        fr_medians.get(tier.name),
                        None,
                        None if target is None else float(target),
                    ),
                ),
            )
        )

    starts = period_starts(start, end, period)
    series = [
        _period_series("created", "count", now_rows["resolution_rate"], starts, "denominator"),
        _period_series(
            "solved", "count", now_rows["first_contact_resolution"], starts, "denominator"
        ),
        *(_period_series(k, "ratio", now_rows[k], starts, None) for k in ATTAINMENT),
        *feedback_series,
    ]

    by_tier = _tier_table(tiers, now_rows, backlog_now, fr_medians)
    return Board(
        start=start,
        end=end,
        previous_start=prev_start,
        previous_end=prev_end,
        period=period,
        filters=kept,
        cards=tuple(cards),
        tiers=tuple(tier_cards),
        series=tuple(series),
        by_tier=by_tier,
        breakdown=_breakdown(read, breakdown, start, end),
    )


def _rows(table: KpiTable | None) -> list[Row]:
    return [] if table is None else table.rows


def _period_series(
    kpi: str, unit: str, rows: list[Row], starts: tuple[date, ...], count: str | None
) -> Series:
    """One point per period: a count (0 when nothing happened) or a rate (None then)."""
    grouped = _by(rows, "period")
    points = []
    for day in starts:
        bucket = grouped.get(day, [])
        points.append((day, float(_sum(bucket, count)) if count else _rate(bucket)))
    return Series(kpi, LABELS[kpi], unit, tuple(points))


TABLE_COLUMNS = (
    "created",
    "solved",
    "sla_first_response",
    "sla_resolution",
    "first_contact_resolution",
    "first_response_business_time",
)
EXPORTS = (
    "resolution_rate",
    "first_contact_resolution",
    "sla_first_response",
    "sla_resolution",
    "first_response_business_time",
)


BREAKDOWN_RATIOS = (
    "resolution_rate",
    "first_contact_resolution",
    "sla_first_response",
    "sla_resolution",
)


def _table_row(
    rows: Mapping[str, list[Row]], median: float | None, backlog: int | None = None
) -> Row:
    row: Row = {
        "created": _sum(rows["resolution_rate"], "denominator"),
        "solved": _sum(rows["first_contact_resolution"], "denominator"),
        "sla_first_response": _rate(rows["sla_first_response"]),
        "sla_resolution": _rate(rows["sla_resolution"]),
        "first_contact_resolution": _rate(rows["first_contact_resolution"]),
        "first_response_business_time": median,
    }
    if backlog is not None:
        row["backlog"] = backlog
    return row


def _tier_table(
    tiers: list[Tier],
    now_rows: dict[str, list[Row]],
    backlog: list[Row],
    medians: dict[object, float | None],
) -> Breakdown:
    open_by_tier = {r["tier"]: int(r["value"]) for r in backlog}  # type: ignore[call-overload]
    rows = []
    for tier in tiers:
        mine = {k: [r for r in v if r["tier"] == tier.name] for k, v in now_rows.items()}
        rows.append(
            {
                "tier": tier.name,
                **_table_row(mine, medians.get(tier.name), open_by_tier.get(tier.name, 0)),
                "goal": tier.attainment_goal_percent / 100,
            }
        )
    return Breakdown("tier", (*TABLE_COLUMNS, "backlog", "goal"), tuple(rows), EXPORTS)


def _breakdown(read: _Reader, by: str, start: datetime, end: datetime) -> Breakdown:
    """The same columns for each agent, group or channel that has any of them."""
    grouped = {kpi: _by(_rows(read.table(kpi, (by,), start, end)), by) for kpi in BREAKDOWN_RATIOS}
    medians = _medians(read.table("first_response_business_time", (by,), start, end), by)
    keys = {k for rows in grouped.values() for k in rows} | set(medians)
    rows = [
        {by: key, **_table_row({k: v.get(key, []) for k, v in grouped.items()}, medians.get(key))}
        for key in sorted(keys, key=lambda k: (k is None, str(k)))
    ]
    return Breakdown(by, TABLE_COLUMNS, tuple(rows), EXPORTS)


@dataclass(frozen=True)
class AgentNumbers:
    start: datetime
    end: datetime
    attainment: float | None  # met / (met + breached) clocks of every metric
    first_response_median: float | None  # business seconds
    csat: float | None
    csat_unit: str
    solved: int


OWN_DAYS = 30


def agent_numbers(*, actor: User, now: datetime) -> AgentNumbers:
    """An agent's own numbers over the last 30 days, from the tickets assigned to them."""
    if not actor.is_agent:
        raise NotAllowed("These numbers are for the support team.")
    start = now - timedelta(days=OWN_DAYS)
    read = _Reader({"agent": actor.username})
    attainment = (
        "sla_first_response",
        "sla_next_response",
        "sla_periodic_update",
        "sla_resolution",
    )
    read.ask(
        (k, (), start, now, None)
        for k in (*attainment, "first_contact_resolution", "first_response_business_time", "csat")
    )
    clocks = [row for kpi in attainment for row in _rows(read.table(kpi, (), start, now))]
    solved = _rows(read.table("first_contact_resolution", (), start, now))
    return AgentNumbers(
        start=start,
        end=now,
        attainment=_rate(clocks),
        first_response_median=_value(read.table("first_response_business_time", (), start, now)),
        csat=_value(read.table("csat", (), start, now)),
        csat_unit=CATALOG["csat"].unit,
        solved=_sum(solved, "denominator"),
    )
