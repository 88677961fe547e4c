"""The KPI dashboard's query set at a million tickets: PostgreSQL and SQLite against pandas.

    .venv/bin/python bench/kpis.py [--quick] [--tickets N] [--sqlite-tickets N]
                                   [--postgres-url URL] [--skip-sqlite]

Set-up (timed as ``generate_s``, not part of the dashboard): a fresh database (PostgreSQL
``kpibench`` on postgresql://postgres@127.0.0.1:5432, dropped and created; SQLite a file in
a temporary directory), migrated, then 300 organizations (tier mix below, one contact
each), 40 agents in 3 groups, and 1,000,000 tickets (``--quick``: 50,000) created over the
365 days before NOW, written in bulk (PostgreSQL ``COPY`` through psycopg's
``cursor.copy``; SQLite ``executemany`` in one transaction), never through the services.
Each ticket has what the services would have written for its history: the opening message
(5 % opened by an agent), a first public agent reply for most, up to four more customer
message / agent reply pairs (each a next-response clock cycle), internal notes, a solve,
sometimes a reopen (a customer message, a REOPENED event, another answer and solve) and a
close; 2 % of tickets are follow-ups of a closed ticket of the same organization. Clocks:
first response and resolution per customer-opened ticket and next response per pair, in
calendar time, each achieved, breached (answered late, or still open past due), running
or cancelled (solved without an answer) as the history says. The ticket's
``first_response_at``, ``public_agent_replies`` and ``reopens`` are written from the same
generated messages and events.

Surveys: 60 % of solved customer tickets get a CSAT survey at the solve, half of those a
CES survey on the same email; every contact gets an NPS survey once a quarter; 40 % of
surveys are answered within their week (scores spread as SCORES says).

The dashboard (``dashboard_ms``): what one page load runs, i.e. one ``board()`` call with
its defaults (the 30 days before NOW against the 30 days before those, by day, broken
down by agent, no filter) plus ``agent_numbers()`` for one agent. Every KPI query they
ask is recorded with its rows. One warm-up, then the median of 3 page loads.

Peer: pandas. The raw rows (tickets with their slice names, messages, REOPENED events,
clocks, surveys) are exported with ``pandas.read_sql`` and every recorded query is
computed again from the KPI *definitions* in docs/kpis.md (first reply from the messages,
replies counted from the messages, reopens from the events: not from the kept ticket
columns), nearest-rank percentiles included. Counts, numerators, denominators, medians
and p90s must be equal; means equal to the millisecond they are reported in. The script
exits 1 otherwise. ``pandas_ms`` is pandas' time with the export already in memory (its best case);
``speedup_vs_pandas`` is that over the PostgreSQL dashboard time.

The query the catalogue used before (the first reply as a correlated subquery over the
messages) is timed on the same rows for ``first_response_time`` by tier, as the
"before" figure. Rules: ../shared/BENCH.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DB = "kpibench"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
NOW_S = int(NOW.timestamp())
DAY_S = 86_400
SEED = 20_261_207

TIER_MIX = {"Basic": 50, "Standard": 30, "Premium": 15, "VIP": 5}
PRIORITY_MIX = {"low": 20, "normal": 55, "high": 18, "urgent": 7}
CHANNEL_MIX = {"email": 50, "web": 25, "phone": 15, "chat": 10}
# Calendar seconds: first/next response target, resolution target, mean answer time.
TARGETS = {
    "Basic": (8 * 3600, 5 * DAY_S, 6 * 3600),
    "Standard": (4 * 3600, 3 * DAY_S, 3 * 3600),
    "Premium": (3600, 2 * DAY_S, 2400),
    "VIP": (1800, DAY_S, 1200),
}
ORGANIZATIONS, AGENTS, GROUPS = 300, 40, ("Billing", "Technical", "Accounts")
# Surveys: the share answered within their week, and the answers' spread per kind.
ANSWER_RATE = 0.4
SCORES = {
    "csat": {"1": 5, "2": 5, "3": 12, "4": 38, "5": 40},
    "ces": {"1": 3, "2": 4, "3": 8, "4": 15, "5": 25, "6": 25, "7": 20},
    "nps": {str(n): w for n, w in enumerate((2, 1, 2, 3, 3, 5, 7, 12, 20, 22, 23))},
}

T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- generation


def history(rng: random.Random, created: int, tier: str, *, by_agent: bool) -> dict[str, Any]:
    """One ticket's messages, reopens, solve, close and clocks, cut at NOW."""
    first_target, resolution_target, answer_mean = TARGETS[tier]
    msgs: list[tuple[str, str, int]] = [("public", "agent" if by_agent else "customer", created)]
    clocks: list[tuple[str, int, str, int, int | None, int | None, int | None]] = []
    reopens: list[int] = []
    t = created
    first_reply = None
    if not by_agent and rng.random() < 0.93:
        first_reply = created + int(rng.expovariate(1 / answer_mean)) + 1
    if first_reply is not None and first_reply < NOW_S:
        msgs.append(("public", "agent", first_reply))
        t = first_reply
    else:
        first_reply = None
    if rng.random() < 0.1:
        msgs.append(("internal", "agent", created + rng.randint(1, 3600)))
    pairs = rng.choice((0, 0, 0, 0, 1, 1, 2, 3, 4)) if (first_reply or by_agent) else 0
    cycle = 0

    def answer_pair(start: int) -> int | None:
        nonlocal cycle
        customer = start + int(rng.expovariate(1 / 7200)) + 1
        if customer >= NOW_S:
            return None
        msgs.append(("public", "customer", customer))
        cycle += 1
        agent = customer + int(rng.expovariate(1 / answer_mean)) + 1
        if agent >= NOW_S:
            state = "breached" if NOW_S - customer > first_target else "running"
            breached = customer + first_target if state == "breached" else None
            clocks.append(("next_response", cycle, state, customer, None, 0, breached))
            return None
        msgs.append(("public", "agent", agent))
        late = agent - customer > first_target
        clocks.append(
            (
                "next_response",
                cycle,
                "breached" if late else "achieved",
                customer,
                agent,
                agent - customer,
                customer + first_target if late else None,
            )
        )
        return agent

    for _ in range(pairs):
        nxt = answer_pair(t)
        if nxt is None:
            break
        t = nxt
    solved = closed = None
    if first_reply is not None or by_agent or rng.random() < 0.3:
        solve = t + int(rng.expovariate(1 / (resolution_target / 3))) + 1
        if solve < NOW_S:
            solved = solve
            if rng.random() < 0.06:
                reopen = solve + int(rng.expovariate(1 / DAY_S)) + 1
                if reopen < NOW_S:
                    msgs.append(("public", "customer", reopen))
                    reopens.append(reopen)
                    solved = None
                    again = reopen + int(rng.expovariate(1 / answer_mean)) + 1
                    if again < NOW_S:
                        msgs.append(("public", "agent", again))
                        final = again + int(rng.expovariate(1 / DAY_S)) + 1
                        solved = final if final < NOW_S else None
    if solved is not None and solved + 4 * DAY_S < NOW_S and rng.random() < 0.7:
        closed = solved + 4 * DAY_S
    if not by_agent:
        if first_reply is not None:
            late = first_reply - created > first_target
            clocks.append(
                (
                    "first_response",
                    1,
                    "breached" if late else "achieved",
                    created,
                    first_reply,
                    first_reply - created,
                    created + first_target if late else None,
                )
            )
        elif solved is not None:
            clocks.append(("first_response", 1, "cancelled", created, None, 0, None))
        elif NOW_S - created > first_target:
            clocks.append(
                ("first_response", 1, "breached", created, None, 0, created + first_target)
            )
        else:
            clocks.append(("first_response", 1, "running", created, None, 0, None))
        if solved is not None:
            late = solved - created > resolution_target
            clocks.append(
                (
                    "resolution",
                    1,
                    "breached" if late else "achieved",
                    created,
                    solved,
                    solved - created,
                    created + resolution_target if late else None,
                )
            )
        else:
            over = NOW_S - created > resolution_target
            breached = created + resolution_target if over else None
            clocks.append(
                ("resolution", 1, "breached" if over else "running", created, None, 0, breached)
            )
    return {"msgs": msgs, "clocks": clocks, "reopens": reopens, "solved": solved, "closed": closed}


def weighted(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


class Writer:
    """Rows into one table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(
        self, cursor: Any, table: str, columns: tuple[str, ...], *, postgres: bool
    ) -> None:
        self.cursor, self.postgres, self.table, self.columns = cursor, postgres, table, columns
        self.rows: list[tuple[Any, ...]] = []
        self.count, self.flush_s = 0, 0.0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= 50_000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        started = time.perf_counter()
        cols = ", ".join(self.columns)
        if self.postgres:
            with self.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(self.columns))
            self.cursor.executemany(
                f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", self.rows
            )
        self.count += len(self.rows)
        self.rows = []
        self.flush_s += time.perf_counter() - started


def generate(n_tickets: int, *, postgres: bool) -> dict[str, int]:
    from django.db import connection, transaction

    from tierdesk.accounts.models import AgentGroup, Role, User
    from tierdesk.customers.models import Contact, Organization
    from tierdesk.tiers.models import Tier

    rng = random.Random(SEED)
    tiers = {t.name: t.pk for t in Tier.objects.all()}
    if postgres:

        def ts(seconds: int | None) -> datetime | None:
            return None if seconds is None else datetime.fromtimestamp(seconds, UTC)

    else:

        def ts(seconds: int | None) -> str | None:  # Django's SQLite form: naive UTC text
            if seconds is None:
                return None
            return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")

    start = NOW - timedelta(days=400)
    # Bulk load: the foreign keys are not checked row by row (the generator writes only ids
    # it made); PostgreSQL's are deferred triggers that would take minutes at commit.
    connection.disable_constraint_checking()
    with transaction.atomic():
        if postgres:
            connection.cursor().execute("SET LOCAL session_replication_role = replica")
        groups = [AgentGroup.objects.create(name=g) for g in GROUPS]
        agents = [
            User.objects.create(
                username=f"agent{i:02d}", email=f"agent{i:02d}@desk.example", role=Role.AGENT
            )
            for i in range(AGENTS)
        ]
        User.objects.create(username="manager", email="manager@desk.example", role=Role.MANAGER)
        orgs: list[tuple[int, int, str]] = []
        for i in range(ORGANIZATIONS):
            tier = weighted(rng, TIER_MIX)
            org = Organization.objects.create(
                name=f"Org {i:03d}", tier_id=tiers[tier], created_at=start
            )
            contact = Contact.objects.create(
                organization=org,
                name=f"Contact {i}",
                email=f"c{i}@org{i}.example",
                created_at=start,
            )
            orgs.append((org.pk, contact.pk, tier))

        raw = connection.cursor().cursor
        tickets = Writer(
            raw,
            "tickets_ticket",
            (
                "id subject requester_id organization_id tier_id channel status priority "
                "group_id assignee_id opened_by_agent follow_up_of_id created_at updated_at "
                "solved_at closed_at first_response_at public_agent_replies reopens"
            ).split(),
            postgres=postgres,
        )
        messages = Writer(
            raw,
            "tickets_message",
            tuple(
                (
                    "ticket_id kind author_kind author_id contact_id body created_at channel "
                    "external_id"
                ).split()
            ),
            postgres=postgres,
        )
        events = Writer(
            raw, "tickets_ticketevent", tuple("ticket_id kind at data".split()), postgres=postgres
        )
        clocks = Writer(
            raw,
            "sla_slaclock",
            tuple(
                "ticket_id metric cycle state target_seconds business_time warn_percent "
                "started_at elapsed_seconds breached_at achieved_at stopped_at cancelled_at "
                "ledger_seq tier_id organization_id channel priority group_id assignee_id".split()
            ),
            postgres=postgres,
        )
        surveys = Writer(
            raw,
            "surveys_survey",
            tuple(
                "kind contact_id ticket_id trigger_id token_digest created_at send_at sent_at "
                "closes_at answered_at updated_at score comment".split()
            ),
            postgres=postgres,
        )

        def survey(kind: str, contact: int, ticket: int | None, sent: int) -> None:
            """One survey sent at ``sent``, answered within its week by some."""
            answered: int | None = sent + int(rng.expovariate(1 / DAY_S)) + 60
            if rng.random() >= ANSWER_RATE or answered >= min(NOW_S, sent + 7 * DAY_S):  # type: ignore[operator]
                answered = None
            score = weighted(rng, SCORES[kind]) if answered is not None else None
            surveys.add(
                (
                    kind,
                    contact,
                    ticket,
                    None,
                    None,
                    ts(sent),
                    ts(sent),
                    ts(sent),
                    ts(sent + 7 * DAY_S),
                    ts(answered),
                    None,
                    None if score is None else int(score),
                    "",
                )
            )

        created_all = sorted(NOW_S - rng.randrange(365 * DAY_S) for _ in range(n_tickets))
        closed_by_org: dict[int, list[tuple[int, int]]] = {}
        empty = "{}"
        for tid, created in enumerate(created_all, start=1):
            org_id, contact_id, tier = orgs[rng.randrange(ORGANIZATIONS)]
            channel = weighted(rng, CHANNEL_MIX)
            by_agent = rng.random() < 0.05
            h = history(rng, created, tier, by_agent=by_agent)
            agent = None if rng.random() < 0.08 else agents[rng.randrange(AGENTS)].pk
            group = None if rng.random() < 0.1 else groups[rng.randrange(3)].pk
            follow_up_of = None
            earlier = closed_by_org.get(org_id)
            if earlier and rng.random() < 0.02 and earlier[-1][0] < created:
                follow_up_of = earlier[-1][1]
            solved, closed = h["solved"], h["closed"]
            priority = weighted(rng, PRIORITY_MIX)
            status = "closed" if closed else "solved" if solved else "open"
            replies = [at for kind, who, at in h["msgs"] if kind == "public" and who == "agent"]
            if status == "open" and not replies:
                status = "new"
            last = max([at for _, _, at in h["msgs"]] + [solved or 0, closed or 0])
            tickets.add(
                (
                    tid,
                    f"Ticket {tid}",
                    contact_id,
                    org_id,
                    tiers[tier],
                    channel,
                    status,
                    priority,
                    group,
                    agent,
                    by_agent,
                    follow_up_of,
                    ts(created),
                    ts(last),
                    ts(solved),
                    ts(closed),
                    ts(min(replies)) if replies else None,
                    len(replies),
                    len(h["reopens"]),
                )
            )
            if closed:
                closed_by_org.setdefault(org_id, []).append((closed, tid))
            # CSAT after a solve of a customer's ticket, CES on the same email for some.
            if solved is not None and not by_agent and rng.random() < 0.6:
                survey("csat", contact_id, tid, solved)
                if rng.random() < 0.5:
                    survey("ces", contact_id, tid, solved)
            for kind, who, at in h["msgs"]:
                author = (agent or agents[0].pk) if who == "agent" else None
                messages.add(
                    (
                        tid,
                        kind,
                        who,
                        author,
                        contact_id if who == "customer" else None,
                        "…",
                        ts(at),
                        channel,
                        "",
                    )
                )
            events.add((tid, "created", ts(created), empty))
            for at in h["reopens"]:
                events.add((tid, "reopened", ts(at), empty))
            for metric, cycle, state, started, achieved, elapsed, breached in h["clocks"]:
                target = TARGETS[tier][1 if metric == "resolution" else 0]
                stopped = achieved if achieved is not None else None
                cancelled = solved if state == "cancelled" else None
                clocks.add(
                    (
                        tid,
                        metric,
                        cycle,
                        state,
                        target,
                        False,
                        75,
                        ts(started),
                        elapsed,
                        ts(breached),
                        ts(achieved),
                        ts(stopped or cancelled),
                        ts(cancelled),
                        0,
                        # The ticket's slices, as the SLA services copy them.
                        tiers[tier],
                        org_id,
                        channel,
                        priority,
                        group,
                        agent,
                    )
                )
        # NPS waves: every contact asked once a quarter, about the relationship (no ticket).
        for wave in range(NOW_S - 360 * DAY_S, NOW_S, 90 * DAY_S):
            for _, contact_id, _ in orgs:
                survey("nps", contact_id, None, wave + rng.randrange(DAY_S))
        writers = (tickets, messages, events, clocks, surveys)
        for w in writers:
            w.flush()
        in_db = sum(w.flush_s for w in writers)
        log(f"rows written, {in_db:.1f}s of it in the database")
        if postgres:
            raw.execute(
                "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), %s)", [n_tickets]
            )
    connection.enable_constraint_checking()
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "tickets": tickets.count,
        "messages": messages.count,
        "events": events.count,
        "clocks": clocks.count,
        "surveys": surveys.count,
    }


# --------------------------------------------------------------------------- dashboard

RANGE = timedelta(days=30)
Query = tuple[str, tuple[str, ...], str | None, datetime, datetime, dict[str, str]]


def run_dashboard() -> tuple[list[Query], list[list[dict]], dict[str, float]]:
    """One page load of the managers' dashboard (board() with its defaults: the 30 days
    before NOW against the 30 before, broken down by agent, no filter) and one agent's own
    numbers; every KPI query they ask is recorded with its rows for the pandas check."""
    from tierdesk.accounts.models import User
    from tierdesk.kpis import board as dashboard

    manager = User.objects.get(username="manager")
    agent = User.objects.get(username="agent00")
    queries: list[Query] = []
    tables: list[list[dict]] = []
    per_kpi: dict[str, float] = {}
    asked = dashboard.kpi_tables

    def recorded(batch: Any) -> Any:
        started = time.perf_counter()
        found = asked(batch)
        # Timed per call: a batch of several KPIs is named by its first ones.
        name = ",".join(sorted({q.kpi for q in batch}))
        name = name if len(name) <= 40 else f"{name[:37]}..."
        per_kpi[name] = per_kpi.get(name, 0.0) + time.perf_counter() - started
        for query, table in zip(batch, found, strict=True):
            if table is not None:
                queries.append(
                    (query.kpi, query.by, query.period, query.start, query.end, dict(query.filters))
                )
                tables.append(table.rows)
        return found

    dashboard.kpi_tables = recorded  # type: ignore[assignment]
    try:
        dashboard.board(actor=manager, start=NOW - RANGE, end=NOW)
        dashboard.agent_numbers(actor=agent, now=NOW)
    finally:
        dashboard.kpi_tables = asked  # type: ignore[assignment]
    return queries, tables, per_kpi


def time_dashboard() -> tuple[float, list[Query], list[list[dict]], dict[str, float]]:
    """One warm-up, then the median of 3 page loads (each board() + agent_numbers())."""
    run_dashboard()
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        queries, tables, per_kpi = run_dashboard()
        runs.append((time.perf_counter() - started, per_kpi))
    per_kpi = {k: statistics.median(r[1][k] for r in runs) for k in runs[0][1]}
    return statistics.median(r[0] for r in runs), queries, tables, per_kpi


def kpi_rows(kpi: str, by: tuple[str, ...], start: datetime, end: datetime) -> list[dict]:
    from tierdesk.kpis.selectors import KpiQuery, kpi_table

    query = KpiQuery(kpi=kpi, by=by, period=None, start=start, end=end, filters={})
    return kpi_table(query).rows


def first_response_before(start: datetime, end: datetime) -> list[dict]:
    """first_response_time by tier as the catalogue computed it before: the first public
    agent reply as a correlated subquery per ticket."""
    from django.db.models import (
        Avg,
        Count,
        DateTimeField,
        DurationField,
        ExpressionWrapper,
        F,
        OuterRef,
        Subquery,
    )

    from tierdesk.domain.kpi.summary import nearest_rank
    from tierdesk.tickets.models import Message, Ticket

    replies = Message.objects.filter(
        ticket=OuterRef("pk"), author_kind="agent", kind="public"
    ).order_by("created_at", "id")
    rows = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end, opened_by_agent=False)
        .annotate(
            first_reply_at=Subquery(replies.values("created_at")[:1], output_field=DateTimeField())
        )
        .filter(first_reply_at__isnull=False)
        .annotate(
            v=ExpressionWrapper(F("first_reply_at") - F("created_at"), output_field=DurationField())
        )
    )
    means = {
        r["tier__name"]: (r["n"], r["mean"])
        for r in rows.order_by().values("tier__name").annotate(n=Count("pk"), mean=Avg("v"))
    }
    columns: dict[str, list[float]] = {}
    for tier, v in rows.order_by("tier__name", "v").values_list("tier__name", "v"):
        columns.setdefault(tier, []).append(v.total_seconds())
    return [
        {
            "tier": t,
            "count": means[t][0],
            "mean": round(means[t][1].total_seconds(), 3),
            "median": nearest_rank(columns[t], 50),
            "p90": nearest_rank(columns[t], 90),
        }
        for t in sorted(columns)
    ]


# --------------------------------------------------------------------------- pandas


def export() -> dict[str, Any]:
    import warnings

    import pandas as pd
    from django.db import connection

    warnings.filterwarnings("ignore", message=".*SQLAlchemy.*")
    conn = connection.connection
    sql = {
        "tickets": """SELECT t.id, tr.name AS tier, t.channel, g.name AS "group",
                u.username AS agent, o.name AS organization, t.priority, t.created_at,
                t.solved_at, t.closed_at, t.opened_by_agent, t.follow_up_of_id
            FROM tickets_ticket t JOIN tiers_tier tr ON tr.id = t.tier_id
            JOIN customers_organization o ON o.id = t.organization_id
            LEFT JOIN accounts_agentgroup g ON g.id = t.group_id
            LEFT JOIN accounts_user u ON u.id = t.assignee_id""",
        "messages": "SELECT ticket_id, kind, author_kind, created_at FROM tickets_message",
        "reopens": "SELECT ticket_id FROM tickets_ticketevent WHERE kind = 'reopened'",
        "clocks": """SELECT ticket_id, metric, state, started_at, achieved_at, elapsed_seconds
            FROM sla_slaclock""",
        # NPS is placed by the contact's organization and that organization's tier.
        "surveys": """SELECT s.kind, s.ticket_id, s.answered_at, s.score,
                o.name AS contact_organization, tr.name AS contact_tier
            FROM surveys_survey s JOIN customers_contact c ON c.id = s.contact_id
            JOIN customers_organization o ON o.id = c.organization_id
            JOIN tiers_tier tr ON tr.id = o.tier_id""",
        "live": "SELECT id FROM live_livecontact",
    }
    frames = {name: pd.read_sql(q, conn) for name, q in sql.items()}
    for name, cols in (
        ("tickets", ("created_at", "solved_at", "closed_at")),
        ("messages", ("created_at",)),
        ("clocks", ("started_at", "achieved_at")),
        ("surveys", ("answered_at",)),
    ):
        for c in cols:
            # Whole seconds since the epoch, as int64 (NaN-free: -1 for none).
            s = pd.to_datetime(frames[name][c], utc=True)
            seconds = (s - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
            frames[name][c] = seconds.where(s.notna(), -1).astype("int64")
    frames["tickets"]["opened_by_agent"] = frames["tickets"]["opened_by_agent"].astype(bool)
    return frames


SLICE_COLUMNS = ("tier", "channel", "group", "agent", "organization", "priority")


def pandas_dashboard(frames: dict[str, Any], queries: list[Query]) -> list[list[dict]]:
    """Every table again, from the definitions in docs/kpis.md over the exported rows."""
    import numpy as np
    import pandas as pd

    t = frames["tickets"].set_index("id")
    m = frames["messages"]
    replies = m[(m.author_kind == "agent") & (m.kind == "public")].groupby("ticket_id")[
        "created_at"
    ]
    first = replies.min()
    n_replies = replies.size()
    reopened = set(frames["reopens"].ticket_id)
    followed = set(t.follow_up_of_id.dropna().astype("int64"))
    t = t.assign(
        first_reply=first.reindex(t.index).fillna(-1).astype("int64"),
        replies=n_replies.reindex(t.index).fillna(0).astype("int64"),
        reopened=t.index.isin(list(reopened)),
        followed_up=t.index.isin(list(followed)),
    )
    c = frames["clocks"].join(t[list(SLICE_COLUMNS)], on="ticket_id")
    answers = frames["surveys"][frames["surveys"].answered_at >= 0]
    on_tickets = answers.join(t[list(SLICE_COLUMNS)], on="ticket_id")
    nps = answers[answers.kind == "nps"].rename(
        columns={"contact_tier": "tier", "contact_organization": "organization"}
    )

    def base(kpi: str, end_s: int) -> tuple[pd.DataFrame, str]:
        """(rows with anchor, value or num; kind)"""
        if kpi == "first_response_time":
            r = t[(~t.opened_by_agent) & (t.first_reply >= 0)]
            return r.assign(anchor=r.created_at, value=r.first_reply - r.created_at), "duration"
        if kpi in ("resolution_time", "first_contact_resolution", "reopen_rate"):
            r = t[t.solved_at >= 0].assign(anchor=lambda d: d.solved_at)
            if kpi == "resolution_time":
                return r.assign(value=r.solved_at - r.created_at), "duration"
            if kpi == "reopen_rate":
                return r.assign(num=r.reopened), "ratio"
            return r.assign(num=(r.replies == 1) & ~r.reopened & ~r.followed_up), "ratio"
        if kpi == "resolution_rate":
            return t.assign(
                anchor=t.created_at, num=(t.solved_at >= 0) | (t.closed_at >= 0)
            ), "ratio"
        if kpi == "csat":
            r = on_tickets[on_tickets.kind == "csat"]
            return r.assign(anchor=r.answered_at, num=r.score >= 4), "ratio"
        if kpi == "ces":
            r = on_tickets[on_tickets.kind == "ces"]
            return r.assign(anchor=r.answered_at), "mean_score"
        if kpi == "nps":
            return nps.assign(anchor=nps.answered_at), "nps"
        if kpi == "abandonment":
            # No calls nor chats are generated: the database must find none either.
            assert frames["live"].empty
            return t.iloc[:0].assign(anchor=0, num=False), "ratio"
        if kpi in ("backlog", "backlog_age"):
            open_ = (
                (t.created_at <= end_s)
                & ((t.solved_at < 0) | (t.solved_at > end_s))
                & ((t.closed_at < 0) | (t.closed_at > end_s))
            )
            r = t[open_].assign(anchor=end_s - 1)
            if kpi == "backlog":
                return r, "count"
            return r.assign(value=end_s - r.created_at), "duration"
        metric = {
            "first_response_business_time": "first_response",
            "next_response_time": "next_response",
            "next_response_business_time": "next_response",
            "resolution_business_time": "resolution",
        }.get(kpi) or kpi.removeprefix("sla_")
        r = c[c.metric == metric].assign(anchor=lambda d: d.started_at)
        if kpi.startswith("sla_"):
            r = r[r.state.isin(("achieved", "breached"))]
            return r.assign(num=r.state == "achieved"), "ratio"
        r = r[r.achieved_at >= 0]
        if kpi == "next_response_time":
            return r.assign(value=r.achieved_at - r.started_at), "duration"
        return r.assign(value=r.elapsed_seconds), "duration"

    def rank(values: np.ndarray, p: int) -> float:
        return float(values[(p * len(values) + 99) // 100 - 1])

    def groups(rows: pd.DataFrame, key: list[str]) -> Any:
        if key:
            return rows.groupby(key, dropna=False, sort=False)
        # No slice: the one total, if anything counted.
        return [((), rows)] if len(rows) else []

    out = []
    for kpi, by, period, start, end, filters in queries:
        s, e = int(start.timestamp()), int(end.timestamp())
        rows, kind = base(kpi, e)
        if kpi not in ("backlog", "backlog_age"):
            rows = rows[(rows.anchor >= s) & (rows.anchor < e)]
        for name, value in filters.items():
            rows = rows[rows[name] == value]
        if period == "day":
            rows = rows.assign(period=pd.to_datetime(rows.anchor, unit="s").dt.date)
        key = list(by)
        table = []
        for k, g in groups(rows, key):
            k = k if isinstance(k, tuple) else (k,)
            slice_ = {
                n: (None if isinstance(v, float) and math.isnan(v) else v)
                for n, v in zip(key, k, strict=True)
            }
            if kind == "duration":
                values = np.sort(g.value.to_numpy())
                table.append(
                    {
                        **slice_,
                        "count": len(values),
                        "mean": int(values.sum()) / len(values),
                        "median": rank(values, 50),
                        "p90": rank(values, 90),
                    }
                )
            elif kind == "ratio":
                n, d = int(g.num.sum()), len(g)
                table.append({**slice_, "numerator": n, "denominator": d, "value": n / d})
            elif kind == "nps":
                n = len(g)
                promoters, detractors = int((g.score >= 9).sum()), int((g.score <= 6).sum())
                table.append(
                    {
                        **slice_,
                        "answers": n,
                        "promoters": promoters,
                        "detractors": detractors,
                        "value": 100 * (promoters - detractors) / n,
                    }
                )
            elif kind == "mean_score":
                n, total = len(g), int(g.score.sum())
                table.append({**slice_, "answers": n, "total": total, "value": total / n})
            else:
                table.append({**slice_, "value": len(g)})
        out.append(sorted(table, key=lambda r: [str(r[n]) for n in by]))
    return out


def agree(db: list[dict], pd_: list[dict]) -> str | None:
    """None when equal; else the first difference."""
    if len(db) != len(pd_):
        return f"{len(db)} rows vs {len(pd_)}"
    for a, b in zip(db, pd_, strict=True):
        for k, v in b.items():
            w = a.get(k)
            if k == "mean":
                if w is None or abs(w - v) > 0.0005 + 1e-9:
                    return f"{k}: {w} vs {v} in {a}"
            elif k == "value" and isinstance(v, float):
                if w is None or abs(w - v) > 1e-12:
                    return f"{k}: {w} vs {v} in {a}"
            elif w != v and str(w) != str(v):
                return f"{k}: {w!r} vs {v!r} in {a}"
    return None


# --------------------------------------------------------------------------- roles


def role_run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tierdesk.tickets.models import Ticket

    postgres = connection.vendor == "postgresql"
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"{connection.vendor}: migrated in {time.perf_counter() - started:.1f}s")
    if args.reuse and Ticket.objects.exists():
        counts, generate_s = {"tickets": Ticket.objects.count()}, float("nan")
        args.tickets = counts["tickets"]
        log(f"{connection.vendor}: reusing {counts}")
    else:
        started = time.perf_counter()
        counts = generate(args.tickets, postgres=postgres)
        generate_s = time.perf_counter() - started
        log(f"{connection.vendor}: generated {counts} in {generate_s:.1f}s")

    dashboard_s, queries, tables, per_kpi = time_dashboard()
    log(f"{connection.vendor}: dashboard, {len(queries)} KPI tables, in {dashboard_s * 1e3:.0f} ms")

    # first_response_time by tier over the 30 days: as before (correlated subquery), now.
    cur = (NOW - RANGE, NOW)
    after_runs, before_runs = [], []
    for _ in range(3):
        started = time.perf_counter()
        fast_tier = kpi_rows("first_response_time", ("tier",), *cur)
        after_runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        before = first_response_before(*cur)
        before_runs.append(time.perf_counter() - started)
    before_agrees = before == fast_tier
    before_s, after_s = statistics.median(before_runs), statistics.median(after_runs)

    started = time.perf_counter()
    frames = export()
    export_s = time.perf_counter() - started
    log(f"{connection.vendor}: exported in {export_s:.1f}s")
    pandas_runs = []
    for _ in range(3):
        started = time.perf_counter()
        expected = pandas_dashboard(frames, queries)
        pandas_runs.append(time.perf_counter() - started)
    pandas_s = min(pandas_runs)
    differences = []
    for q, db, pd_ in zip(queries, tables, expected, strict=True):
        diff = agree(db, pd_)
        if diff:
            filters = "".join(f" {k}={v}" for k, v in q[5].items())
            differences.append(f"{q[0]} by {','.join(q[1])} {q[3]:%m-%d}{filters}: {diff}")
    return {
        "vendor": connection.vendor,
        "tickets": args.tickets,
        "counts": counts,
        "generate_s": generate_s,
        "queries": len(queries),
        "dashboard_s": dashboard_s,
        "per_kpi_ms": {k: v * 1e3 for k, v in per_kpi.items()},
        "before_first_response_ms": before_s * 1e3,
        "after_first_response_ms": after_s * 1e3,
        "before_agrees": before_agrees,
        "export_s": export_s,
        "pandas_s": pandas_s,
        "differences": differences,
        "rows": sum(len(t) for t in tables),
    }


def run_child(url: str, tickets: int, workdir: Path, *, reuse: bool = False) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tierdesk.settings",
        "TIERDESK_VAR_DIR": str(workdir),
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--role",
            "run",
            "--tickets",
            str(tickets),
            *(["--reuse"] if reuse else []),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{url} run failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def size_name(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 tickets")
    parser.add_argument("--tickets", type=int)
    parser.add_argument("--sqlite-tickets", type=int, help="SQLite size (default: as PostgreSQL)")
    parser.add_argument("--postgres-url", default=f"{PG_SERVER}/{PG_DB}")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the tickets already in the PostgreSQL database (no generate_s)",
    )
    parser.add_argument("--role", choices=("run",))
    args = parser.parse_args()
    if args.role == "run":
        print(json.dumps(role_run(args)))
        return 0
    n = args.tickets or (50_000 if args.quick else 1_000_000)
    n_sqlite = args.sqlite_tickets or n
    import psycopg

    server, _, name = args.postgres_url.rpartition("/")
    if not args.skip_postgres:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            if not args.reuse:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            exists = "SELECT 1 FROM pg_database WHERE datname = %s"
            if not admin.execute(exists, [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
    results = []
    with tempfile.TemporaryDirectory(prefix="kpibench-") as tmp:
        if not args.skip_postgres:
            results.append(run_child(args.postgres_url, n, Path(tmp), reuse=args.reuse))
        if not args.skip_sqlite:
            db = Path(tmp) / "kpibench.sqlite3"
            results.append(run_child(f"sqlite:///{db}", n_sqlite, Path(tmp)))
    report(results)
    return 0 if all(not r["differences"] and r["before_agrees"] for r in results) else 1


def report(results: list[dict[str, Any]]) -> None:
    first = results[0]
    print(
        f"\nOne dashboard page load: board() (30 days against the 30 before, by agent) and"
        f" agent_numbers(), {first['queries']} KPI tables; median of 3 warm runs\n"
    )
    print(f"{'implementation':<34}{'tickets':>10}{'generate s':>12}{'dashboard ms':>14}  agrees")
    for r in results:
        agrees = not r["differences"]
        print(
            f"{'tierdesk on ' + r['vendor']:<34}{r['tickets']:>10,}{r['generate_s']:>12.1f}"
            f"{r['dashboard_s'] * 1e3:>14.0f}  {'yes' if agrees else 'no'}"
        )
        print(
            f"{'pandas from ' + r['vendor'] + ' export':<34}{r['tickets']:>10,}{'':>12}"
            f"{r['pandas_s'] * 1e3:>14.0f}  (export {r['export_s']:.1f} s)"
        )
        for d in r["differences"][:10]:
            print(f"    differs: {d}")
    print("\nper call of the KPI tables, ms: " + ", ".join(r["vendor"] for r in results))
    for kpi in first["per_kpi_ms"]:
        print(f"  {kpi:<42}" + "".join(f"{r['per_kpi_ms'][kpi]:>12.1f}" for r in results))
    for r in results:
        print(
            f"first_response_time by tier, correlated subquery as before ({r['vendor']}):"
            f" {r['before_first_response_ms']:.0f} ms, now {r['after_first_response_ms']:.0f} ms,"
            f" agrees: {'yes' if r['before_agrees'] else 'no'}"
        )
    print()
    for r in results:
        size, db = size_name(r["tickets"]), r["vendor"].replace("postgresql", "postgres")
        print(f"dashboard_ms_{size}_tickets_{db}: {r['dashboard_s'] * 1e3:.0f}")
    pg = next((r for r in results if r["vendor"] == "postgresql"), first)
    print(f"pandas_ms: {pg['pandas_s'] * 1e3:.0f}")
    if not pg["differences"]:
        print(f"speedup_vs_pandas: {pg['pandas_s'] / pg['dashboard_s']:.1f}")
    for r in results:
        if not math.isnan(r["generate_s"]):
            suffix = "" if r is pg else "_sqlite"
            print(f"generate_s{suffix}: {r['generate_s']:.1f}")
    print(f"first_response_ms_before: {pg['before_first_response_ms']:.0f}")
    print(f"first_response_ms_after: {pg['after_first_response_ms']:.1f}")


if __name__ == "__main__":
    sys.exit(main())
