"""SLA breach sweep throughput: one worker process and two at once, on PostgreSQL (or SQLite).

    .venv/bin/python bench/sla_sweep.py [--quick] [--database-url URL] [--batch N]

Set-up (not timed): a fresh database (by default ``tierdesk_bench_sweep`` on
postgresql://postgres@127.0.0.1:5432, created and dropped by this script; a
``sqlite:///path`` URL runs the same on SQLite), migrated, with the default tiers, 300
organizations and their contacts, escalation rules on Premium and VIP (warning and breach
notify the account manager), and 100,000 open tickets (``--quick``: 10,000) opened by
customers with the tier, priority and channel mix below. The first tickets are opened
through ``tickets.services.open_ticket``; the rest are built in bulk by the same code the
service runs (``sla.services.Change`` and the pure machine), so every row is what the
service writes: ticket, message, CREATED event, timeline entry, two clocks (first response
and resolution) with their calendar and policy versions and due and warning seconds, a
STARTED ledger row and a CLOCK_STARTED event each. The bench checks that claim: the bulk
builder's rows for the service-opened tickets must equal the service's, ids aside.

At the sweep instant (Wednesday 2026-12-09 14:00 UTC, London business hours) exactly
10,000 clocks (``--quick``: 1,000) have passed their warning or due second; the others
have not. Their expected warnings and breaches come from the pure machine.

Each run clones the set-up database (PostgreSQL ``CREATE DATABASE ... TEMPLATE``, SQLite a
file copy), starts the worker processes (``monitor.sweep(now=...)`` in a loop until a pass
records nothing), releases them at once and times from release to the last one's end.
Then a checker counts SlaAlert, TicketEvent, ledger and notification rows, looks for
duplicates and for clocks still due, replays a sample of clocks with ``ledger.verify`` and
fingerprints everything the sweep wrote. "agrees" means: the warnings and breaches are
exactly the machine's, each recorded once (alert, event, ledger row), nothing left due,
no ledger mismatch, and the fingerprint equals the first one-worker run's.

Peers: no other help desk's breach sweep runs locally, so the rows compared are worker
counts (and databases, with ``--database-url sqlite:///...``). Rules: ../shared/BENCH.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_ADMIN_DB = "postgres"
BASE_DB = "tierdesk_bench_sweep"
NOW = datetime(2026, 12, 9, 14, 0, tzinfo=UTC)  # a Wednesday, London 14:00 (GMT)
SEED = 20_261_209
DEADLINE_S = 270.0
SERVICE_OPENED = 40  # tickets opened through the service, to check the bulk builder

TIER_MIX = {"Basic": 50, "Standard": 30, "Premium": 15, "VIP": 5}
PRIORITY_MIX = {"low": 20, "normal": 55, "high": 18, "urgent": 7}
CHANNEL_MIX = {"email": 50, "web": 25, "phone": 15, "chat": 10}
LIVE_CHANNELS = {"phone", "chat"}
ORGANIZATIONS = 300

T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- databases


@dataclass
class Database:
    """Where the set-up lives and how runs get their own copy of it."""

    url: str
    workdir: Path
    created: list[str] = field(default_factory=list)

    @property
    def postgres(self) -> bool:
        return self.url.startswith(("postgres://", "postgresql://"))

    @property
    def label(self) -> str:
        return "PostgreSQL" if self.postgres else "SQLite"

    def _server_and_name(self) -> tuple[str, str]:
        server, _, name = self.url.rpartition("/")
        return server, name

    def _admin(self) -> Any:
        import psycopg

        server, _ = self._server_and_name()
        return psycopg.connect(f"{server}/{PG_ADMIN_DB}", autocommit=True, connect_timeout=5)

    def create_base(self) -> None:
        if not self.postgres:
            path = Path(self.url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self.created.append(str(path))
            return
        from psycopg import sql

        _, name = self._server_and_name()
        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)

    def version(self) -> str:
        if not self.postgres:
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version}"
        with self._admin() as conn:
            return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]

    def clone(self, tag: str) -> str:
        """A copy of the set-up database for one run; returns its URL."""
        if not self.postgres:
            src = Path(self.url.removeprefix("sqlite:///"))
            dst = self.workdir / f"run-{tag}.sqlite3"
            for suffix in ("", "-wal"):
                if Path(f"{src}{suffix}").exists():
                    shutil.copyfile(f"{src}{suffix}", f"{dst}{suffix}")
            self.created.append(str(dst))
            return f"sqlite:///{dst}"
        from psycopg import sql

        server, base = self._server_and_name()
        name = f"{base}_{tag}"
        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(base)
                )
            )
        self.created.append(name)
        return f"{server}/{name}"

    def drop(self, url: str) -> None:
        if not self.postgres:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
            return
        from psycopg import sql

        name = url.rpartition("/")[2]
        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def drop_all(self) -> None:
        for name in reversed(self.created):
            try:
                self.drop(name if not self.postgres else f"{self._server_and_name()[0]}/{name}")
            except Exception as exc:  # noqa: BLE001 - report, keep cleaning
                log(f"could not drop {name}: {exc}")


def child_env(url: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env |= {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tierdesk.settings",
        "TIERDESK_VAR_DIR": str(workdir),
        "PYTHONPATH": str(ROOT),
    }
    return env


def run_role(role: str, url: str, workdir: Path, *extra: str, timeout: float = 600) -> dict:
    """Run this script in ``role`` against ``url``; its last stdout line is JSON."""
    proc = subprocess.run(
        [sys.executable, __file__, "--role", role, "--workdir", str(workdir), *extra],
        env=child_env(url, workdir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        tail = "\n    ".join(proc.stderr.strip().splitlines()[-20:])
        raise RuntimeError(f"{role} failed (exit {proc.returncode}):\n    {tail}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- set-up role


def weighted(rng: random.Random, mix: dict[str, int], allowed: set[str] | None = None) -> str:
    names = [n for n in mix if allowed is None or n in allowed]
    return rng.choices(names, weights=[mix[n] for n in names])[0]


def role_setup(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Max

    from tierdesk.accounts.models import Role
    from tierdesk.accounts.services import create_user
    from tierdesk.customers.models import Interaction, InteractionKind
    from tierdesk.customers.services import create_contact, create_organization
    from tierdesk.domain.sla import machine
    from tierdesk.sla import monitor
    from tierdesk.sla.models import (
        AlertKind,
        EscalationAction,
        EscalationRule,
        SlaClock,
        SlaLedgerEntry,
    )
    from tierdesk.sla.services import Change, _pauses, second
    from tierdesk.tickets import services as tickets
    from tierdesk.tickets.models import (
        AuthorKind,
        EventKind,
        Message,
        MessageKind,
        Status,
        Ticket,
        TicketEvent,
    )
    from tierdesk.tiers.models import Metric, Tier
    from tierdesk.tiers.selectors import allowed_channels
    from tierdesk.tiers.terms import calendar_of_version, terms_in_force

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    log(f"setup: migrated in {migrate_s:.1f}s")
    rng = random.Random(SEED)
    n_tickets, n_due = args.tickets, args.due
    now_s = second(NOW)

    # People: account managers, organizations by tier, two customer logins each.
    tiers = {t.name: t for t in Tier.objects.all()}
    with transaction.atomic():  # one commit for all of them, not one per service call
        managers = [
            create_user(
                username=f"am{i}", email=f"am{i}@desk.example", password=None, role=Role.AGENT
            )
            for i in range(10)
        ]
        orgs = []
        for i in range(ORGANIZATIONS):
            tier = tiers[weighted(rng, TIER_MIX)]
            org = create_organization(
                actor=None,
                name=f"Org {i}",
                tier=tier,
                account_manager=managers[i % 10] if tier.account_manager_required else None,
                at=NOW - timedelta(days=400),
            )
            people = []
            for j in range(2):
                user = create_user(
                    username=f"c{i}-{j}",
                    email=f"c{i}-{j}@org{i}.example",
                    password=None,
                    role=Role.CUSTOMER,
                )
                people.append(
                    (
                        user,
                        create_contact(
                            actor=None,
                            organization=org,
                            name=f"Contact {i}-{j}",
                            email=f"c{i}-{j}@org{i}.example",
                            user=user,
                            at=NOW - timedelta(days=400),
                        ),
                    )
                )
            orgs.append((org, people, sorted(set(allowed_channels(tier)) & set(CHANNEL_MIX))))
        for name in ("Premium", "VIP"):
            for on in (AlertKind.WARNING, AlertKind.BREACH):
                # No service writes escalation rules yet (the admin does); the bench is the admin.
                EscalationRule.objects.create(
                    tier=tiers[name], on=on, action=EscalationAction.NOTIFY_ACCOUNT_MANAGER
                )

    by_tier: dict[int, list[int]] = {}
    for index, (org, _, _) in enumerate(orgs):
        by_tier.setdefault(org.tier_id, []).append(index)
    terms_cache: dict[tuple[int, str, str], dict] = {}

    def terms(tier_id: int, priority: str, channel: str) -> dict:
        key = (tier_id, priority, channel)
        if key not in terms_cache:
            terms_cache[key] = terms_in_force(
                tier_id=tier_id, priority=priority, channel=channel, at=NOW - timedelta(days=60)
            )
        return terms_cache[key]

    metrics = [Metric.RESOLUTION, Metric.FIRST_RESPONSE]  # start_clocks' order

    def passed_clocks(tier_id: int, priority: str, channel: str, opened: int) -> list[list]:
        """Each clock's terms, pure start and what a sweep at NOW records."""
        out = []
        for metric in metrics:
            t = terms(tier_id, priority, channel).get(metric)
            if t is None:
                continue
            cal = calendar_of_version(t.calendar_version_id)
            step = machine.start(
                at=opened, target=t.target_seconds, warn_percent=t.warn_percent, calendar=cal
            )
            out.append([metric, t, step, machine.advance(step.clock, now_s, cal).events])
        return out

    # Draw the tickets: customer, priority, channel, opening second. "Late" ones are drawn
    # until exactly n_due clocks have passed a threshold at NOW; the rest pass none.
    plan = []
    late_slots = set(rng.sample(range(n_tickets), k=min(n_tickets, n_due)))
    due_left = n_due
    for i in range(n_tickets):
        tier = tiers[weighted(rng, TIER_MIX)]
        org, people, channels = orgs[rng.choice(by_tier[tier.pk])]
        user, contact = rng.choice(people)
        priority = tier.customer_priority(weighted(rng, PRIORITY_MIX))
        channel = weighted(rng, CHANNEL_MIX, set(channels))
        late = i in late_slots and due_left > 0
        if late:
            while True:
                opened = now_s - rng.randint(3600, 21 * 86400)
                clocks = passed_clocks(org.tier_id, priority, channel, opened)
                n = sum(1 for c in clocks if c[3])
                if 1 <= n <= due_left:
                    due_left -= n
                    break
        else:
            age = rng.randint(60, 3 * 86400)
            while True:
                opened = now_s - age
                clocks = passed_clocks(org.tier_id, priority, channel, opened)
                if not any(c[3] for c in clocks):
                    break
                age //= 3
        plan.append((org, user, contact, priority, channel, opened, clocks))
    if due_left:
        raise RuntimeError(f"could not place {due_left} due clocks among {n_tickets} tickets")
    plan.sort(key=lambda p: p[5])  # tickets arrive in time order, as ids do
    for index in range(min(SERVICE_OPENED, n_tickets)):
        # The service refuses phone and chat outside their hours (tier gating); email runs
        # on the same calendar in the default tiers, so the clocks drawn stay the same.
        if plan[index][4] in LIVE_CHANNELS:
            plan[index] = (*plan[index][:4], "email", *plan[index][5:])
    draw_s = time.perf_counter() - started - migrate_s
    log(f"setup: people and {n_tickets:,} tickets drawn in {draw_s:.1f}s")

    # The first tickets go through the service; the bulk builder must agree with it.
    def build(index: int, ticket_id: int, created_id: int, clock_id: int) -> dict[str, list]:
        org, user, contact, priority, channel, opened, clocks = plan[index]
        at = datetime.fromtimestamp(opened, UTC)
        subject = f"Bench ticket {index}"
        ticket = Ticket(
            pk=ticket_id,
            subject=subject,
            requester=contact,
            organization_id=org.pk,
            tier_id=org.tier_id,
            channel=channel,
            priority=priority,
            status=Status.NEW,
            opened_by_agent=False,
            created_at=at,
            updated_at=at,
        )
        message = Message(
            ticket=ticket,
            kind=MessageKind.PUBLIC,
            author_kind=AuthorKind.CUSTOMER,
            author=user,
            contact=contact,
            body="It stopped working.",
            channel=channel,
            created_at=at,
        )
        created = TicketEvent(
            pk=created_id,
            ticket=ticket,
            kind=EventKind.CREATED,
            actor=user,
            at=at,
            after={
                "subject": subject,
                "status": Status.NEW,
                "priority": priority,
                "channel": channel,
                "tags": [],
            },
            data={"follow_up_of": None, "author_kind": AuthorKind.CUSTOMER},
        )
        interaction = Interaction(
            organization_id=org.pk,
            contact_id=contact.pk,
            kind=InteractionKind.TICKET_OPENED,
            summary=f"#{ticket_id} {subject}"[:300],
            occurred_at=at,
            channel=channel,
            ticket_id=ticket_id,
        )
        change = Change(ticket, at, actor=None, cause=created)
        rows = []
        for offset, (metric, t, step, _) in enumerate(clocks):
            assert not _pauses(t.policy_version_id, metric, Status.NEW)
            row = SlaClock(
                pk=clock_id + offset,
                ticket=ticket,
                metric=metric,
                cycle=1,
                business_time=t.business_time,
                calendar_version_id=t.calendar_version_id,
                policy_version_id=t.policy_version_id,
                started_at=at,
                target_seconds=t.target_seconds,
                warn_percent=t.warn_percent,
                state=step.clock.state.value,
            )
            change.apply(row, step)
            rows.append(row)
        ticket.sla_due_at = min((r.due_at for r in rows if r.due_at is not None), default=None)
        return {
            "tickets": [ticket],
            "messages": [message],
            "created": [created],
            "interactions": [interaction],
            "clocks": rows,
            "ledger": change.batch.ledger,
            "events": change.batch.events,
        }

    expected = []
    for index in range(min(SERVICE_OPENED, n_tickets)):
        org, user, contact, priority, channel, opened, clocks = plan[index]
        opened_ticket = tickets.open_ticket(
            actor=user,
            subject=f"Bench ticket {index}",
            body="It stopped working.",
            channel=channel,
            priority=priority,
            at=datetime.fromtimestamp(opened, UTC),
        )
        rows = SlaClock.objects.filter(ticket=opened_ticket).order_by("pk")
        for row, (_, _, _, events) in zip(rows, clocks, strict=True):
            expected.extend([row.pk, e.fact.value, e.at] for e in events)
    same = service_rows_match(build, min(SERVICE_OPENED, n_tickets))
    log(f"setup: {SERVICE_OPENED} tickets through the service, compared")

    # Bulk: every id given here, in the order the service takes them (the ledger and the
    # events name clocks and the CREATED event); sequences are moved past them afterwards.
    ids = {
        model: (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        for model in (Ticket, TicketEvent, SlaClock, Message, Interaction, SlaLedgerEntry)
    }
    chunk = 5000
    for lo in range(SERVICE_OPENED, n_tickets, chunk):
        parts: dict[str, list] = {}
        for index in range(lo, min(lo + chunk, n_tickets)):
            built = build(index, ids[Ticket], ids[TicketEvent], ids[SlaClock])
            for offset, (_, _, _, events) in enumerate(plan[index][6]):
                expected.extend([ids[SlaClock] + offset, e.fact.value, e.at] for e in events)
            ids[Ticket] += 1
            ids[TicketEvent] += 1
            ids[SlaClock] += len(built["clocks"])
            for name, model in (
                ("events", TicketEvent),
                ("messages", Message),
                ("interactions", Interaction),
                ("ledger", SlaLedgerEntry),
            ):
                for obj in built[name]:
                    obj.pk = ids[model]
                    ids[model] += 1
            for name, objs in built.items():
                parts.setdefault(name, []).extend(objs)
        with transaction.atomic():
            for name, model in (
                ("tickets", Ticket),
                ("created", TicketEvent),
                ("messages", Message),
                ("interactions", Interaction),
                ("clocks", SlaClock),
                ("events", TicketEvent),
                ("ledger", SlaLedgerEntry),
            ):
                insert(model, parts[name])
    log("setup: bulk rows written")
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [Ticket, TicketEvent, SlaClock, Message, Interaction, SlaLedgerEntry]
            ):
                cursor.execute(statement)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    expected.sort()
    (Path(args.workdir) / "expected.json").write_text(json.dumps(expected))
    swept = {c for c, _, _ in expected}
    if len(swept) != n_due:
        raise RuntimeError(f"expected {n_due} due clocks, placed {len(swept)}")
    return {
        "tickets": Ticket.objects.count(),
        "clocks": SlaClock.objects.count(),
        "ledger": SlaLedgerEntry.objects.count(),
        "due_clocks": len(swept),
        "warnings": sum(1 for e in expected if e[1] == "warned"),
        "breaches": sum(1 for e in expected if e[1] == "breached"),
        "by_tier": {name: Ticket.objects.filter(tier=tier).count() for name, tier in tiers.items()},
        "same_as_service": same,
        "migrate_s": migrate_s,
        "draw_s": draw_s,
        "setup_s": time.perf_counter() - started,
        "batch": monitor.BATCH,
    }


def insert(model: Any, objs: list) -> None:
    """Write model instances as they are (ids included): COPY on PostgreSQL, else executemany.

    The values go through each field's own ``get_db_prep_save``, as ``save()`` does; only
    the statement is faster than ``bulk_create``'s, which the set-up would otherwise wait on.
    """
    from django.db import connection

    fields = list(model._meta.concrete_fields)
    if connection.vendor == "postgresql":
        # psycopg adapts aware datetimes, numbers, text and None as Django would; only JSON
        # needs the field's own wrapper.
        prepared = [f for f in fields if f.get_internal_type() == "JSONField"]
        rows = [[getattr(o, f.attname) for f in fields] for o in objs]
        for i, f in enumerate(fields):
            if f in prepared:
                for row in rows:
                    row[i] = f.get_db_prep_save(row[i], connection)
    else:
        rows = [
            [f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] for o in objs
        ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def service_rows_match(build: Any, count: int) -> str:
    """Compare the builder's rows with those open_ticket wrote for the first tickets."""
    from tierdesk.customers.models import Interaction
    from tierdesk.sla.models import SlaClock, SlaLedgerEntry
    from tierdesk.tickets.models import Message, Ticket, TicketEvent

    skip = {"id", "_state"}

    def fields(obj: Any, *ignore: str) -> dict:
        return {
            k: v
            for k, v in vars(obj).items()
            if k not in skip and k not in ignore and not k.startswith("_")
        }

    differ = 0
    for index, ticket in enumerate(Ticket.objects.order_by("pk")[:count]):
        created = TicketEvent.objects.get(ticket=ticket, kind="created")
        clocks = list(SlaClock.objects.filter(ticket=ticket).order_by("pk"))
        built = build(index, ticket.pk, created.pk, clocks[0].pk if clocks else 0)
        pairs = [
            (built["tickets"], [ticket], ()),
            (built["created"], [created], ()),
            (built["messages"], list(Message.objects.filter(ticket=ticket)), ()),
            (built["interactions"], list(Interaction.objects.filter(ticket_id=ticket.pk)), ()),
            (built["clocks"], clocks, ()),
            (
                built["ledger"],
                list(SlaLedgerEntry.objects.filter(clock__ticket=ticket).order_by("pk")),
                (),
            ),
            (
                built["events"],
                list(
                    # The opening message's own event matters to subscribers, not to the
                    # sweep: the builder leaves it out.
                    TicketEvent.objects.filter(ticket=ticket)
                    .exclude(kind__in=["created", "message_added"])
                    .order_by("pk")
                ),
                (),
            ),
        ]
        for ours, theirs, ignore in pairs:
            if [fields(o, *ignore) for o in ours] != [fields(o, *ignore) for o in theirs]:
                differ += 1
                break
    return "yes" if differ == 0 else f"NO: {differ} of {count} tickets differ"


# --------------------------------------------------------------------------- worker role


def role_worker(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.db import connection

    from tierdesk.sla import monitor

    connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()  # released by the bench together with the other workers
    began = time.time()
    cpu = time.process_time()
    total = {"warnings": 0, "breaches": 0, "failed": 0, "passes": 0}
    while True:
        found = monitor.sweep(now=NOW, batch=args.batch)
        total["passes"] += 1
        for key in ("warnings", "breaches", "failed"):
            total[key] += found[key]
        if found["warnings"] + found["breaches"] + found["failed"] == 0:
            break
        if total["passes"] > 10:
            break
    return total | {"began": began, "ended": time.time(), "cpu_s": time.process_time() - cpu}


# --------------------------------------------------------------------------- checker role


def role_check(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from collections import Counter

    from tierdesk.sla import ledger, monitor
    from tierdesk.sla.models import Notification, SlaAlert, SlaClock, SlaLedgerEntry
    from tierdesk.sla.recorder import epoch
    from tierdesk.tickets.models import EventKind, TicketEvent

    expected = [tuple(e) for e in json.loads((Path(args.workdir) / "expected.json").read_text())]
    digest = hashlib.sha256()

    def feed(name: str, rows: list) -> None:
        digest.update(name.encode())
        for row in sorted(rows):
            digest.update(repr(row).encode())

    fact = {"warning": "warned", "breach": "breached"}
    alerts = [
        (c, fact[k], epoch(at))
        for c, k, at in SlaAlert.objects.values_list("clock_id", "kind", "at")
    ]
    feed("alerts", alerts)
    alert_counts = Counter(k for _, k, _ in alerts)
    kinds = [EventKind.SLA_WARNING, EventKind.SLA_BREACHED, EventKind.ESCALATED]
    events = list(
        TicketEvent.objects.filter(kind__in=kinds).values_list("ticket_id", "kind", "at", "data")
    )
    feed("events", [(t, k, at, json.dumps(d, sort_keys=True)) for t, k, at, d in events])
    event_counts = Counter(k for _, k, _, _ in events)
    per_clock_event = Counter(
        (d["clock_id"], k) for _, k, _, d in events if k != EventKind.ESCALATED
    )
    entries = list(
        SlaLedgerEntry.objects.filter(transition__in=["warned", "breached"]).values_list(
            "clock_id", "seq", "transition", "at", "observed_at", "elapsed_seconds", "due_after"
        )
    )
    feed("ledger", entries)
    ledger_counts = Counter(e[2] for e in entries)
    per_clock_ledger = Counter((e[0], e[2]) for e in entries)
    notes = list(Notification.objects.values_list("user_id", "ticket_id", "created_at", "text"))
    feed("notifications", notes)
    feed(
        "clocks",
        list(
            SlaClock.objects.values_list(
                "pk", "state", "warn_at", "due_at", "warned_at", "breached_at", "ledger_seq"
            )
        ),
    )
    rng = random.Random(SEED)
    swept = sorted({c for c, _, _ in expected})
    others = list(SlaClock.objects.exclude(pk__in=swept).values_list("pk", flat=True)[:20_000])
    sample = rng.sample(swept, min(1000, len(swept))) + rng.sample(others, min(1000, len(others)))
    mismatches = list(ledger.verify(SlaClock.objects.filter(pk__in=sample)))
    return {
        "alerts_match_machine": sorted(alerts) == expected,
        "alerts": dict(alert_counts),
        "events": {str(k): v for k, v in event_counts.items()},
        "ledger": dict(ledger_counts),
        "notifications": len(notes),
        "duplicate_events": sum(v - 1 for v in per_clock_event.values() if v > 1),
        "duplicate_ledger": sum(v - 1 for v in per_clock_ledger.values() if v > 1),
        "still_due": SlaClock.objects.filter(monitor.due_for_sweep(NOW)).count(),
        "verified": len(sample),
        "mismatches": len(mismatches),
        "fingerprint": digest.hexdigest(),
    }


# --------------------------------------------------------------------------- orchestration


@dataclass
class Run:
    workers: int
    seconds: float = float("nan")
    found: dict[str, int] = field(default_factory=dict)
    check: dict[str, Any] = field(default_factory=dict)
    cpu_s: float = 0.0
    failed: str = ""
    agrees: str = ""


def sweep_run(db: Database, workers: int, tag: str, batch: int) -> Run:
    run = Run(workers)
    url = db.clone(tag)
    procs: list[subprocess.Popen] = []
    try:
        for _ in range(workers):
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        __file__,
                        "--role",
                        "worker",
                        "--workdir",
                        str(db.workdir),
                        "--batch",
                        str(batch),
                    ],
                    env=child_env(url, db.workdir),
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"worker did not start: {line!r} {proc.stderr.read()[-2000:]}")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            if proc.returncode != 0:
                raise RuntimeError(f"worker exit {proc.returncode}: {err[-2000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
        run.seconds = max(r["ended"] for r in results) - min(r["began"] for r in results)
        run.cpu_s = sum(r["cpu_s"] for r in results)
        run.found = {k: sum(r[k] for r in results) for k in ("warnings", "breaches", "failed")}
        run.found["passes"] = max(r["passes"] for r in results)
        run.check = run_role("check", url, db.workdir)
    except Exception as exc:  # noqa: BLE001 - the table says what broke
        run.failed = " ".join(str(exc).split())[:300]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        db.drop(url)
    return run


def judge(run: Run, setup: dict, reference: Run | None) -> str:
    if run.failed:
        return f"NO: {run.failed}"
    c, why = run.check, []
    if not c["alerts_match_machine"]:
        why.append("alerts differ from the machine's")
    want = {"warned": setup["warnings"], "breached": setup["breaches"]}
    if c["ledger"] != {k: v for k, v in want.items() if v}:
        why.append(f"ledger rows {c['ledger']}")
    got_events = {
        "warned": c["events"].get("sla_warning", 0),
        "breached": c["events"].get("sla_breached", 0),
    }
    if got_events != want:
        why.append(f"events {got_events}")
    if c["duplicate_events"] or c["duplicate_ledger"]:
        why.append("duplicates")
    if c["still_due"]:
        why.append(f"{c['still_due']} clocks still due")
    if c["mismatches"]:
        why.append(f"{c['mismatches']} ledger mismatches")
    if (run.found["warnings"], run.found["breaches"]) != (setup["warnings"], setup["breaches"]):
        why.append(f"workers reported {run.found}")
    if run.found["failed"]:
        why.append(f"{run.found['failed']} failed")
    if reference is not None and c["fingerprint"] != reference.check.get("fingerprint"):
        why.append("rows differ from the one-worker run")
    return "yes" if not why else "NO: " + "; ".join(why)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 tickets, 1,000 due clocks")
    parser.add_argument("--database-url", help=f"default {PG_SERVER}/{BASE_DB} (created, dropped)")
    parser.add_argument(
        "--batch", type=int, default=0, help="sweep batch size (default: monitor's)"
    )
    parser.add_argument("--reps", type=int, default=2, help="repetitions per worker count")
    parser.add_argument("--role", default="bench", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--tickets", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--due", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role != "bench":
        sys.path.insert(0, str(ROOT))
        role = {"setup": role_setup, "worker": role_worker, "check": role_check}[args.role]
        print(json.dumps(role(args)))
        return 0

    tickets, due = (10_000, 1_000) if args.quick else (100_000, 10_000)
    workdir = Path(tempfile.mkdtemp(prefix="tierdesk-bench-sweep-"))
    url = args.database_url or f"{PG_SERVER}/{BASE_DB}"
    if url == "sqlite":  # a SQLite file of its own in the temporary directory
        url = f"sqlite:///{workdir / 'base.sqlite3'}"
    db = Database(url, workdir)

    def on_signal(signum: int, frame: object) -> None:  # noqa: ARG001
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    runs: list[Run] = []
    batch = args.batch
    try:
        db.create_base()
        version = db.version()
        log(f"{db.label}: set-up of {tickets:,} tickets, {due:,} due clocks")
        setup = run_role("setup", db.url, workdir, "--tickets", str(tickets), "--due", str(due))
        log(f"set-up done in {setup['setup_s']:.0f}s (migrate {setup['migrate_s']:.0f}s)")
        batch = batch or setup["batch"]
        for rep in range(args.reps):
            for workers in (1, 2):
                if rep and time.monotonic() - T0 > DEADLINE_S - 40:
                    log("time budget: no more repetitions")
                    break
                log(f"sweep: {workers} worker(s), repetition {rep + 1}")
                run = sweep_run(db, workers, f"r{rep}w{workers}", batch)
                runs.append(run)
                log(f"  {run.seconds:.2f}s {run.failed}")
    except KeyboardInterrupt as exc:
        log(f"interrupted ({exc or 'SIGINT'}); cleaning up")
        return 130
    finally:
        db.drop_all()
        shutil.rmtree(workdir, ignore_errors=True)

    reference = next((r for r in runs if r.workers == 1 and not r.failed), None)
    for run in runs:
        run.agrees = judge(run, setup, reference)
    report(db, version, setup, runs, tickets, batch, quick=args.quick)
    return 0 if runs and all(r.agrees == "yes" for r in runs) else 1


def report(
    db: Database,
    version: str,
    setup: dict,
    runs: list[Run],
    tickets: int,
    batch: int,
    *,
    quick: bool,
) -> None:
    print()
    print(
        f"sla_sweep: {setup['tickets']:,} open tickets, {setup['clocks']:,} clocks, "
        f"{setup['due_clocks']:,} past their warning or due second at {NOW:%Y-%m-%d %H:%M} UTC "
        f"({setup['warnings']:,} warnings, {setup['breaches']:,} breaches to record)"
        f"{' (--quick)' if quick else ''}"
    )
    print(
        f"{version}, Python {platform.python_version()}, {os.cpu_count()} CPUs, batch "
        f"{batch}, seed {SEED}; tiers {setup['by_tier']}"
    )
    print(
        f"set-up (not timed): {setup['setup_s']:.0f}s; bulk rows equal open_ticket's for the "
        f"first {SERVICE_OPENED} tickets: {setup['same_as_service']}"
    )
    for run in runs:
        if run.check:
            c = run.check
            print(
                f"  {run.workers} worker(s): alerts {c['alerts']}, events {c['events']}, "
                f"ledger {c['ledger']}, notifications {c['notifications']}, still due "
                f"{c['still_due']}, verify {c['verified']} clocks: {c['mismatches']} mismatches"
            )
    print(
        "seconds: from releasing the workers to the last one's end; worker cpu s: their CPU "
        "time together (a shared machine stretches the first, less the second)\n"
    )
    header = (
        f"{'implementation':<22} {'workers':>7} {'seconds':>8} {'clocks/s':>9} "
        f"{'worker cpu s':>12}  agrees"
    )
    print(header)
    print("-" * len(header))
    best: dict[int, float] = {}
    for run in runs:
        rate = setup["due_clocks"] / run.seconds if run.seconds == run.seconds else float("nan")
        if run.agrees == "yes":
            best[run.workers] = max(best.get(run.workers, 0.0), rate)
        print(
            f"{'tierdesk ' + db.label:<22} {run.workers:>7} {run.seconds:>8.2f} "
            f"{rate:>9,.0f} {run.cpu_s:>12.2f}  {run.agrees}"
        )
    print()
    if 1 in best and db.postgres:
        print(f"sweep_clocks_per_s: {best[1]:.0f}")
    if 2 in best and db.postgres:
        print(f"sweep_clocks_per_s_2_workers: {best[2]:.0f}")
    if not db.postgres:
        for workers, rate in sorted(best.items()):
            print(f"sqlite_sweep_clocks_per_s_{workers}_workers: {rate:.0f}")


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
