"""Reading a KPI request: the slices, period, range and filters, each refused by name."""

from datetime import UTC, date, datetime, time, timedelta

from tierdesk.accounts.models import Role, User
from tierdesk.errors import Invalid, NotAllowed
from tierdesk.kpis.catalog import CATALOG, PERIODS, TICKET_SLICES
from tierdesk.kpis.selectors import KpiQuery

# A KPI table spans at most two years: longer asks are reports, not queries.
MAX_RANGE = timedelta(days=2 * 366)
DEFAULT_RANGE = timedelta(days=30)
KPI_NAMES = (*CATALOG, "occupancy", "cost_to_serve")
SLICE_NAMES = (*TICKET_SLICES, "period")


def _instant(value: str | None, name: str, *, end: bool) -> datetime | None:
    """An ISO date (the whole UTC day) or an ISO datetime with its zone; None if absent."""
    if not value:
        return None
    try:
        if len(value) == len("2026-03-01"):
            day = date.fromisoformat(value)
            # `to=2026-03-31` includes the 31st.
            return datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=UTC)
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            f"{name} must be a date (2026-03-01) or a datetime with a zone.",
            fields={name: "not an ISO date or datetime"},
        ) from None
    if instant.tzinfo is None:
        raise Invalid(
            f"Give {name} with a time zone, e.g. 2026-03-01T00:00:00Z.",
            fields={name: "needs a time zone"},
        )
    return instant


QUERY_PARAMS = frozenset({"kpi", "by", "period", "from", "to", "format", *TICKET_SLICES})


def refuse_unknown(params: set[str]) -> None:
    """A misspelt filter would silently widen the table: refuse it by name."""
    unknown = sorted(params - QUERY_PARAMS)
    if unknown:
        raise Invalid(
            f"Unknown parameter {unknown[0]!r}.",
            fields={u: "unknown parameter" for u in unknown},
        )


def kpi_query(
    *,
    user: User,
    now: datetime,
    kpi: str,
    by: str,
    period: str | None,
    start: str | None,
    end: str | None,
    filters: dict[str, str | None],
) -> KpiQuery:
    """The request as a KpiQuery, restricted to what ``user`` may see; 422 names the field."""
    if user.role == Role.CUSTOMER or not user.is_agent:
        raise NotAllowed("KPIs are for the support team; customers cannot see them.")
    if kpi not in KPI_NAMES:
        raise Invalid(f"Unknown KPI {kpi!r}.", fields={"kpi": f"one of {', '.join(KPI_NAMES)}"})
    slices = tuple(s.strip() for s in by.split(",") if s.strip())
    unknown = [s for s in slices if s not in SLICE_NAMES]
    if unknown:
        raise Invalid(
            f"Unknown slice {unknown[0]!r}.", fields={"by": f"one of {', '.join(SLICE_NAMES)}"}
        )
    if len(set(slices)) != len(slices):
        raise Invalid("Name each slice once.", fields={"by": "repeated slice"})
    if period is not None and period not in PERIODS:
        raise Invalid(
            f"Unknown period {period!r}.", fields={"period": f"one of {', '.join(PERIODS)}"}
        )
    if period is not None and "period" not in slices:
        slices = (*slices, "period")
    if "period" in slices and period is None:
        period = "month"
    stop = _instant(end, "to", end=True) or now
    begin = _instant(start, "from", end=False) or stop - DEFAULT_RANGE
    if begin >= stop:
        raise Invalid("'from' must be before 'to'.", fields={"from": "must be before to"})
    if stop - begin > MAX_RANGE:
        raise Invalid(
            "Ask for at most two years at a time.", fields={"to": "at most 732 days after from"}
        )
    kept = {k: v for k, v in filters.items() if v}
    measured = CATALOG.get(kpi)
    if user.role == Role.AGENT and measured is not None and "agent" not in measured.slices:
        # NPS asks contacts, not tickets: no agent has a number of their own.
        raise NotAllowed(f"{kpi} is not measured per agent; managers and admins see it.")
    if user.role == Role.AGENT:
        # Agents see their own numbers only.
        if kept.get("agent", user.username) != user.username:
            raise NotAllowed("Agents see their own numbers only; leave out agent or name yourself.")
        kept["agent"] = user.username
    return KpiQuery(kpi=kpi, by=slices, period=period, start=begin, end=stop, filters=kept)
