"""HTTP API throughput and latency for tickets under wrk, on PostgreSQL and SQLite.

    .venv/bin/python bench/api_tickets.py [--quick]

Set-up: wrk (installed with apt-get when missing and running as root, as test.sh does for
Chromium), loopback only. For each database a fresh one is migrated, an agent and a
customer get API tokens, one ticket is opened through the API, and it is copied in bulk
(INSERT ... SELECT, clocks included) to 10,000 tickets on PostgreSQL and on SQLite, then
to 1,000,000 on PostgreSQL (``--quick``: 100,000).

The server runs with 2 workers; wrk drives it with 16 connections on 2 threads, one run of
``DURATION_S`` per operation after a short warm-up:

- floor:  GET  /api/v1/me (the framework's authenticated floor, same server run)
- list:   GET  /api/v1/tickets?limit=25 (25 rows with their clocks), as the agent
- deep:   GET  /api/v1/tickets?limit=25&cursor=... (page 400, by keyset cursor)
- get:    GET  /api/v1/tickets/{id} on random tickets
- create: POST /api/v1/tickets as the customer
- reply:  POST /api/v1/tickets/{id}/reply as the agent, on random tickets

Every serving path in ``SERVERS`` is measured on PostgreSQL at 10,000 tickets (a table
each): uvicorn and granian serving ``tierdesk.asgi`` (HTTP through tierdesk/http_bridge.py,
WebSockets through Channels, one port), the same servers with HTTP through Django's
ASGIHandler as before the bridge (bench/asgi_handler.py), and granian's WSGI (no
WebSockets). The path ``tierdesk serve`` uses by default (uvicorn, ``tierdesk.asgi``) is
then measured on SQLite and at 1,000,000, and gives the headline lines. ``--servers``,
``--ops`` and ``--skip-large`` narrow a run; ``TIERDESK_BENCH_DB`` names its database.
A response other than 2xx counts as an error; a run with errors is reported as such.

Peer: django-helpdesk 2.6.1 (issue 23), in the same run, on PostgreSQL at 10,000 tickets.
bench/peers/helpdesk/ holds a minimal Django project serving its REST API (DRF, token
auth read from the same ``Authorization: Bearer`` header, DEBUG off), installed into
``.venv-peer-helpdesk`` from pinned versions on the first run. Its database is migrated
and loaded in bulk (a queue, a staff user with a token, 10,000 tickets with one follow-up
each, since its serializer nests them). It is served like tierdesk's default (uvicorn,
ASGI, 2 workers), then under granian's WSGI (2 workers), and driven by the same wrk
settings:

- floor:  GET  /api/ (its API root: authenticated, no query of tickets)
- list:   GET  /api/tickets/ (page 1 of 25, follow-ups nested), as the staff user
- get:    GET  /api/tickets/{id}/ on random tickets
- create: POST /api/tickets/ as the staff user (its API creates for staff only)
- reply:  POST /api/followups/ on random tickets, as the staff user

An operation whose single answer, queued behind 16 connections on 2 workers, would
exceed wrk's timeout cannot be measured by wrk in a few seconds: it is timed instead as
2 requests at once (one per worker), and the table says so. Ratio lines are tierdesk's
req/s (uvicorn, PostgreSQL, 10,000) divided by the peer's, for runs without errors.
``--skip-peer`` leaves the peer out; ``--peer-only`` runs the peer alone.
Ports: any free one, or the range in ``TIERDESK_BENCH_PORTS`` (e.g. ``18500-18599``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from peers.helpdesk import peer

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
TIERDESK = VENV_BIN / "tierdesk"
PG_SERVER = os.environ.get("TIERDESK_BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_ADMIN_DB = "test"
PG_DB = os.environ.get("TIERDESK_BENCH_DB", "tierdesk_bench_api")
CONNECTIONS = 16
THREADS = 2
WORKERS = 2
PAGE = 25
DEEP_PAGE = 400
SMALL = 10_000
LARGE = {"full": 1_000_000, "quick": 100_000}
DURATION_S = {"full": 8, "quick": 3}
WARMUP_S = 1
# A slow answer on a loaded machine is slow, not lost: it shows in p99, not as an error.
TIMEOUT_S = 10


def uvicorn(app: str) -> list[str]:
    return [
        str(VENV_BIN / "uvicorn"),
        app,
        "--workers",
        str(WORKERS),
        "--port",
        "{port}",
        "--log-level",
        "warning",
        "--lifespan",
        "off",
    ]


def granian(interface: str, app: str) -> list[str]:
    return [
        str(VENV_BIN / "granian"),
        "--interface",
        interface,
        "--workers",
        str(WORKERS),
        "--port",
        "{port}",
        "--log-level",
        "warning",
        app,
    ]


# name -> the command serving tierdesk on {port}; "tierdesk serve" is the project's default.
# "-django-asgi": HTTP through Django's ASGIHandler (bench/asgi_handler.py), as before
# tierdesk/http_bridge.py; the others serve tierdesk.asgi (HTTP through the bridge, both
# with WebSockets) or tierdesk.wsgi (no WebSockets).
SERVERS = {
    "uvicorn-asgi": uvicorn("tierdesk.asgi:application"),
    "uvicorn-django-asgi": uvicorn("bench.asgi_handler:application"),
    "granian-asgi": granian("asginl", "tierdesk.asgi:application"),
    "granian-django-asgi": granian("asginl", "bench.asgi_handler:application"),
    "granian-wsgi": granian("wsgi", "tierdesk.wsgi:application"),
}
DEFAULT_SERVER = "uvicorn-asgi"

SETUP_SNIPPET = r"""
import json
import django

django.setup()
from tierdesk.accounts.services import create_user, issue_token
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.tiers.models import Tier

agent = create_user(username="bench-agent", email="a@bench.example", password=None, role="agent")
_, agent_raw = issue_token(user=agent, name="bench")
customer = create_user(username="bench-customer", email="b@x.example", password=None,
                       role="customer")
org = create_organization(actor=None, name="Bench Org", tier=Tier.objects.get(name="Premium"))
create_contact(actor=None, organization=org, name="Bench", email="b@x.example", user=customer)
_, customer_raw = issue_token(user=customer, name="bench")
print("BENCH_TOKENS " + json.dumps({"agent": agent_raw, "customer": customer_raw}))
"""

T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


class BenchAbort(Exception):
    """A set-up step failed; the message says which and why."""


@dataclass
class Run:
    op: str
    rps: float = 0.0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    requests: int = 0
    errors: int = 0
    note: str = ""

    @property
    def usable(self) -> bool:
        """Answers came back and none was an error: a figure to report and divide."""
        return self.requests > 0 and not self.errors


@dataclass
class Table:
    title: str
    runs: dict[str, Run] = field(default_factory=dict)
    failed: str = ""
    checked: str = ""


# --------------------------------------------------------------------------- wrk


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk (apt-get)")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)
        found = shutil.which("wrk")
        if found:
            return found
    raise BenchAbort("wrk is not installed (apt-get install wrk) and could not be installed")


LUA_GET = """
wrk.headers["Authorization"] = "Bearer {token}"
"""
LUA_RANDOM = """
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
local lo, hi = {lo}, {hi}
local n = 0
request = function()
  n = n + 1
  local id = math.random(lo, hi)
  return wrk.format("{method}", string.format("{path}", id), nil, {body})
end
"""
LUA_POST = """
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
wrk.body = {body}
"""
LUA_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %.3f %.3f\\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for this text


def wrk(binary: str, url: str, script: str, seconds: int, tmp: Path) -> Run:
    path = tmp / "script.lua"
    path.write_text(script + LUA_DONE)
    cmd = [
        binary,
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        f"--timeout={TIMEOUT_S}s",
        "-s",
        str(path),
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)$", out.stdout, re.M)
    if not match:
        return Run("?", note=f"wrk said: {(out.stderr or out.stdout).strip()[-200:]}")
    requests, status_errors, socket_errors, duration_us = (int(x) for x in match.groups()[:4])
    return Run(
        "?",
        rps=requests / (duration_us / 1e6),
        p50_ms=float(match.group(5)),
        p99_ms=float(match.group(6)),
        requests=requests,
        errors=status_errors + socket_errors,
        # A server that answers nothing within the run is stalled, not infinitely slow.
        note="" if requests else f"no answer within the {seconds} s run",
    )


# --------------------------------------------------------------------------- data


def env_for(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(
        DATABASE_URL=database_url,
        TIERDESK_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="tierdesk.settings",
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_checked(cmd: list[str], env: dict[str, str], what: str, timeout: float = 300) -> str:
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-12:]
        raise BenchAbort(f"{what} failed (exit {proc.returncode}):\n    " + "\n    ".join(tail))
    return proc.stdout


def prepare(env: dict[str, str]) -> dict[str, str]:
    run_checked([str(TIERDESK), "migrate"], env, "tierdesk migrate")
    out = run_checked([str(PYTHON), "-c", SETUP_SNIPPET], env, "users and tokens")
    line = next(ln for ln in out.splitlines() if ln.startswith("BENCH_TOKENS "))
    tokens: dict[str, str] = json.loads(line.removeprefix("BENCH_TOKENS "))
    return tokens


class Copier:
    """Copies the seed ticket (opened through the API) and its clocks N times in bulk."""

    def __init__(self, execute, columns, series: str, minus_seconds: str) -> None:
        self.execute, self.columns = execute, columns
        self.series, self.minus_seconds = series, minus_seconds

    def grow_to(self, seed: int, total: int, have: int) -> None:
        if total <= have:
            return
        cols = [c for c in self.columns("tickets_ticket") if c != "id"]
        exprs = {
            "subject": "'Bench ticket ' || g.n",
            "created_at": self.minus_seconds.format(col="t.created_at", n="g.n"),
            "updated_at": self.minus_seconds.format(col="t.updated_at", n="g.n"),
        }
        select = ", ".join(exprs.get(c, f"t.{c}") for c in cols)
        first = self.execute("SELECT max(id) FROM tickets_ticket")[0][0]
        self.execute(
            f"INSERT INTO tickets_ticket ({', '.join(cols)}) SELECT {select} "
            f"FROM tickets_ticket t, {self.series.format(lo=have + 1, hi=total)} "
            f"WHERE t.id = {seed}"
        )
        clock_cols = [c for c in self.columns("sla_slaclock") if c not in {"id", "ticket_id"}]
        self.execute(
            f"INSERT INTO sla_slaclock (ticket_id, {', '.join(clock_cols)}) "
            f"SELECT n.id, {', '.join('c.' + c for c in clock_cols)} "
            f"FROM sla_slaclock c, tickets_ticket n WHERE c.ticket_id = {seed} AND n.id > {first}"
        )


def pg_copier(url: str):
    import psycopg

    conn = psycopg.connect(url, autocommit=True)

    def execute(sql: str):
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []

    def columns(table: str) -> list[str]:
        rows = execute(
            "SELECT column_name FROM information_schema.columns "
            f"WHERE table_name = '{table}' ORDER BY ordinal_position"
        )
        return [r[0] for r in rows]

    copier = Copier(
        execute,
        columns,
        "(SELECT generate_series({lo}, {hi}) AS n) g",
        "{col} - make_interval(secs => {n})",
    )
    return conn, copier


def sqlite_copier(path: Path):
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)

    def execute(sql: str):
        return conn.execute(sql).fetchall()

    def columns(table: str) -> list[str]:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]

    copier = Copier(
        execute,
        columns,
        "(WITH RECURSIVE s(n) AS (SELECT {lo} UNION ALL SELECT n + 1 FROM s WHERE n < {hi}) "
        "SELECT n FROM s) g",
        "strftime('%Y-%m-%d %H:%M:%f', {col}, '-' || {n} || ' seconds')",
    )
    return conn, copier


# --------------------------------------------------------------------------- serving


def free_port() -> int:
    low, _, high = os.environ.get("TIERDESK_BENCH_PORTS", "0-0").partition("-")
    for port in range(int(low), int(high) + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise BenchAbort(f"no free port in TIERDESK_BENCH_PORTS={low}-{high}")


class Server:
    def __init__(
        self,
        name: str,
        env: dict[str, str],
        log_path: Path,
        command: list[str] | None = None,
        cwd: Path = ROOT,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [part.replace("{port}", str(self.port)) for part in command or SERVERS[name]]
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        # A session of its own: stop() ends the server and every worker it started.
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=cwd,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180  # a loaded machine imports slowly
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchAbort(f"{name} exited: " + log_path.read_text()[-600:])
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise BenchAbort(f"{name} did not answer in 180 s: " + log_path.read_text()[-600:])

    def stop(self) -> None:
        group = os.getpgid(self.proc.pid)
        os.killpg(group, signal.SIGINT)  # granian and uvicorn both shut down on Ctrl-C
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(group, signal.SIGKILL)  # workers left behind, if any
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=15)
        self.log.close()


# --------------------------------------------------------------------------- operations


def deep_cursor(base: str, token: str) -> str:
    """The cursor of page DEEP_PAGE: the row before it reached by offset, then its cursor."""
    offset = (DEEP_PAGE - 1) * PAGE - 1
    body = httpx.get(
        f"{base}/api/v1/tickets",
        params={"limit": 1, "offset": offset},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    return str(body["next_cursor"])


def measure(
    binary: str,
    server: Server,
    tokens: dict[str, str],
    id_range: tuple[int, int],
    ops: tuple[str, ...],
    seconds: int,
    tmp: Path,
) -> dict[str, Run]:
    agent, customer = tokens["agent"], tokens["customer"]
    lo, hi = id_range
    create_body = lua_string(json.dumps({"subject": "Bench", "body": "Help", "channel": "email"}))
    reply_body = lua_string(json.dumps({"body": "On it."}))
    scripts = {
        "floor": ("/api/v1/me", LUA_GET.format(token=agent)),
        "list": (f"/api/v1/tickets?limit={PAGE}", LUA_GET.format(token=agent)),
        "get": (
            "/",
            LUA_RANDOM.format(
                token=agent, lo=lo, hi=hi, method="GET", path="/api/v1/tickets/%d", body="nil"
            ),
        ),
        "create": ("/api/v1/tickets", LUA_POST.format(token=customer, body=create_body)),
        "reply": (
            "/",
            LUA_RANDOM.format(
                token=agent,
                lo=lo,
                hi=hi,
                method="POST",
                path="/api/v1/tickets/%d/reply",
                body=reply_body,
            ),
        ),
    }
    if "deep" in ops:
        cursor = deep_cursor(server.base, agent)
        scripts["deep"] = (
            f"/api/v1/tickets?limit={PAGE}&cursor={cursor}",
            LUA_GET.format(token=agent),
        )
    return {op: drive(binary, server.base, op, scripts[op], seconds, tmp) for op in ops}


def drive(binary: str, base: str, op: str, script: tuple[str, str], seconds: int, tmp: Path) -> Run:
    path, lua = script
    wrk(binary, base + path, lua, WARMUP_S, tmp)
    run = wrk(binary, base + path, lua, seconds, tmp)
    run.op = op
    log(f"  {op}: {run.rps:,.1f} req/s, p99 {run.p99_ms:.1f} ms, errors {run.errors}")
    return run


def seed_ticket(base: str, tokens: dict[str, str]) -> int:
    response = httpx.post(
        f"{base}/api/v1/tickets",
        json={"subject": "Seed", "body": "The ticket the bench copies", "channel": "email"},
        headers={"Authorization": f"Bearer {tokens['customer']}"},
        timeout=30,
    )
    if response.status_code != 201:
        raise BenchAbort(f"seed ticket: {response.status_code} {response.text[:300]}")
    return int(response.json()["id"])


READ_OPS = ("floor", "list", "deep", "get")
ALL_OPS = (*READ_OPS, "create", "reply")


@dataclass(frozen=True)
class Plan:
    """What one run measures: ``--servers``, ``--ops`` and ``--skip-large`` narrow it."""

    servers: tuple[str, ...] = tuple(SERVERS)
    ops: tuple[str, ...] = ALL_OPS
    large: bool = True


def bench_postgres(binary: str, mode: str, tmp: Path, tables: list[Table], plan: Plan) -> None:
    import psycopg
    from psycopg import sql

    seconds = DURATION_S[mode]
    with psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_DB))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DB)))
    url = f"{PG_SERVER}/{PG_DB}"
    try:
        env = env_for(url, tmp / "pg")
        log("postgres: migrate, users, tokens")
        tokens = prepare(env)
        conn, copier = pg_copier(url)
        first = True
        for name in plan.servers:
            table = Table(f"PostgreSQL, {SMALL:,} tickets, {name}")
            tables.append(table)
            try:
                server = Server(name, env, tmp / f"pg-{name}.log")
            except BenchAbort as exc:
                table.failed = str(exc)
                continue
            try:
                if first:
                    seed = seed_ticket(server.base, tokens)
                    started = time.monotonic()
                    copier.grow_to(seed, SMALL, 1)
                    conn.execute("ANALYZE")
                    log(f"postgres: {SMALL:,} tickets in {time.monotonic() - started:.1f} s")
                    first = False
                log(f"postgres {SMALL:,}, {name}")
                table.runs = measure(binary, server, tokens, (2, SMALL), plan.ops, seconds, tmp)
            finally:
                server.stop()
        if not plan.large:
            return
        large = LARGE[mode]
        table = Table(f"PostgreSQL, {large:,} tickets, {DEFAULT_SERVER}")
        tables.append(table)
        started = time.monotonic()
        seed = conn.execute("SELECT min(id) FROM tickets_ticket").fetchone()[0]
        have = conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()[0]
        copier.grow_to(seed, large, have)
        conn.execute("VACUUM ANALYZE")
        log(f"postgres: {large:,} tickets in {time.monotonic() - started:.1f} s")
        server = Server(DEFAULT_SERVER, env, tmp / "pg-large.log")
        try:
            ops = tuple(op for op in plan.ops if op in READ_OPS)
            table.runs = measure(binary, server, tokens, (2, large), ops, seconds, tmp)
        finally:
            server.stop()
        conn.close()
    finally:
        with psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_DB))
            )


def bench_sqlite(binary: str, mode: str, tmp: Path, tables: list[Table], plan: Plan) -> None:
    var = tmp / "sqlite"
    env = env_for("", var)
    log("sqlite: migrate, users, tokens")
    tokens = prepare(env)
    table = Table(f"SQLite, {SMALL:,} tickets, {DEFAULT_SERVER}")
    tables.append(table)
    server = Server(DEFAULT_SERVER, env, tmp / "sqlite.log")
    try:
        seed = seed_ticket(server.base, tokens)
        conn, copier = sqlite_copier(var / "tierdesk.sqlite3")
        copier.grow_to(seed, SMALL, 1)
        conn.execute("ANALYZE")
        conn.close()
        table.runs = measure(binary, server, tokens, (2, SMALL), plan.ops, DURATION_S[mode], tmp)
    finally:
        server.stop()


# --------------------------------------------------------------------------- peer

PEER_DB = "peer_helpdesk"
# The default serving path gives the ratio lines; granian's WSGI shows what the server adds.
PEER_SERVERS = (DEFAULT_SERVER, "granian-wsgi")
PEER_TITLE = f"{peer.NAME}, PostgreSQL, {SMALL:,} tickets, {{server}}"
PEER_OPS = ("floor", "list", "get", "create", "reply")


@dataclass(frozen=True)
class PeerRequest:
    """One peer operation; ``%d`` in path or body is a random ticket id."""

    method: str
    path: str
    body: dict[str, object] | None = None

    def script(self, token: str, data: peer.PeerData) -> tuple[str, str]:
        """The URL path and Lua script wrk sends this request with."""
        body = "nil" if self.body is None else lua_string(json.dumps(self.body))
        if "%d" in self.path or "%d" in body:
            body = body if self.body is None else f"string.format({body}, id)"
            lua = LUA_RANDOM.format(
                token=token, lo=data.lo, hi=data.hi, method=self.method, path=self.path, body=body
            )
            return "/", lua
        if self.method == "GET":
            return self.path, LUA_GET.format(token=token)
        return self.path, LUA_POST.format(token=token, body=body)

    def send(self, base: str, token: str, ticket: int) -> httpx.Response:
        body = None if self.body is None else json.dumps(self.body).replace("%d", str(ticket))
        return httpx.request(
            self.method,
            base + self.path.replace("%d", str(ticket)),
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            timeout=900,
        )


def peer_requests(data: peer.PeerData) -> dict[str, PeerRequest]:
    return {
        "floor": PeerRequest("GET", "/api/"),
        "list": PeerRequest("GET", "/api/tickets/"),
        "get": PeerRequest("GET", "/api/tickets/%d/"),
        "create": PeerRequest(
            "POST",
            "/api/tickets/",
            {
                "queue": data.queue,
                "title": "Bench",
                "description": "Help",
                "priority": 3,
                "submitter_email": "b@x.example",
            },
        ),
        "reply": PeerRequest("POST", "/api/followups/", {"ticket": "%d", "comment": "On it."}),
    }


def at_once(base: str, token: str, request: PeerRequest, tickets: list[int]) -> Run:
    """One request per worker at the same time: req/s for answers too slow for wrk."""
    from concurrent.futures import ThreadPoolExecutor

    def timed(ticket: int) -> tuple[float, int]:
        started = time.monotonic()
        status = request.send(base, token, ticket).status_code
        return time.monotonic() - started, status

    started = time.monotonic()
    with ThreadPoolExecutor(len(tickets)) as pool:
        answers = list(pool.map(timed, tickets))
    elapsed = time.monotonic() - started
    latencies = sorted(latency for latency, _ in answers)
    return Run(
        "?",
        rps=len(answers) / elapsed,
        p50_ms=latencies[len(latencies) // 2] * 1000,
        p99_ms=latencies[-1] * 1000,
        requests=len(answers),
        errors=sum(1 for _, status in answers if not 200 <= status < 300),
    )


def measure_peer(
    binary: str, base: str, data: peer.PeerData, seconds: int, tmp: Path
) -> dict[str, Run]:
    runs = {}
    for op, request in peer_requests(data).items():
        started = time.monotonic()
        first = request.send(base, data.token, data.lo)
        alone = time.monotonic() - started
        # Queued behind 16 connections on 2 workers, an answer this slow outlives wrk's timeout.
        if first.is_success and alone * CONNECTIONS / WORKERS <= TIMEOUT_S:
            runs[op] = drive(binary, base, op, request.script(data.token, data), seconds, tmp)
            continue
        run = at_once(base, data.token, request, [data.lo + n for n in range(1, WORKERS + 1)])
        run.op = op
        run.note = f"{WORKERS} at once: one alone took {alone:.1f} s, too slow for wrk"
        if not first.is_success:
            run.note = f"first answer {first.status_code}: {first.text[:120]}"
        log(f"  {op}: {run.rps:,.2f} req/s ({run.note}), errors {run.errors}")
        runs[op] = run
    return runs


def check_peer(base: str, data: peer.PeerData) -> str:
    """The peer's answers hold what tierdesk's do: a page of 25 of 10,000, the ticket asked."""
    requests = peer_requests(data)
    answers = [requests["list"].send(base, data.token, data.lo)]
    answers.append(requests["get"].send(base, data.token, data.hi))
    if not all(answer.is_success for answer in answers):
        return "agrees: no, " + "; ".join(f"{a.status_code} {a.text[:120]}" for a in answers)
    page, one = (answer.json() for answer in answers)
    agrees = (
        page.get("count") == SMALL
        and len(page.get("results", [])) == PAGE
        and one.get("id") == data.hi
        and len(one.get("followup_set", [])) == 1
    )
    shown = len(page.get("results", []))
    return (
        f"list: {shown} of {page.get('count')} tickets, follow-ups nested; "
        f"get: ticket {one.get('id')} of {data.hi} asked; agrees: {'yes' if agrees else 'no'}"
    )


def bench_peer(binary: str, mode: str, tmp: Path, tables: list[Table]) -> None:
    import psycopg
    from psycopg import sql

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PEER_DB))
    try:
        log(f"peer: installing {peer.NAME} into {peer.VENV.name} (once)")
        peer.install()
        with psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True) as admin:
            admin.execute(drop)
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PEER_DB)))
        env = peer.env(f"{PG_SERVER}/{PEER_DB}", tmp / "peer-media")
        started = time.monotonic()
        data = peer.load(env, SMALL)
        log(f"peer: migrated, {SMALL:,} tickets in {time.monotonic() - started:.1f} s")
    except (peer.PeerUnavailable, BenchAbort) as exc:
        tables.append(Table(PEER_TITLE.format(server=DEFAULT_SERVER), failed=str(exc)))
        return
    try:
        for name in PEER_SERVERS:
            table = Table(PEER_TITLE.format(server=name))
            tables.append(table)
            try:
                command = peer.serve_command(name, WORKERS)
                server = Server(name, env, tmp / f"peer-{name}.log", command=command, cwd=peer.HERE)
            except BenchAbort as exc:
                table.failed = str(exc)
                continue
            try:
                if name == DEFAULT_SERVER:  # before any write: the 10,000 loaded
                    table.checked = check_peer(server.base, data)
                log(f"peer {SMALL:,}, {name}")
                table.runs = measure_peer(binary, server.base, data, DURATION_S[mode], tmp)
            finally:
                server.stop()
    finally:
        with psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True) as admin:
            admin.execute(drop)


# --------------------------------------------------------------------------- report


def print_tables(tables: list[Table]) -> None:
    for table in tables:
        print(f"\n{table.title}")
        if table.failed:
            print(f"  failed: {table.failed}")
            continue
        print(f"  {'operation':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} errors")
        for run in table.runs.values():
            print(
                f"  {run.op:<8} {run.rps:>9,.2f} {run.p50_ms:>8.1f} {run.p99_ms:>8.1f} "
                f"{run.requests:>9,} {run.errors}{'  ' + run.note if run.note else ''}"
            )
        if table.checked:
            print(f"  answers: {table.checked}")
    side_by_side(tables)


def peer_pair(tables: list[Table]) -> tuple[Table, Table] | None:
    """tierdesk's default serving path on PostgreSQL at 10,000 and the peer's table."""
    ours = next(
        (t for t in tables if t.title == f"PostgreSQL, {SMALL:,} tickets, {DEFAULT_SERVER}"), None
    )
    title = PEER_TITLE.format(server=DEFAULT_SERVER)
    theirs = next((t for t in tables if t.title == title and t.runs), None)
    return (ours, theirs) if ours and ours.runs and theirs else None


def side_by_side(tables: list[Table]) -> None:
    pair = peer_pair(tables)
    if pair is None:
        return
    ours, theirs = pair
    print(
        f"\ntierdesk and {peer.NAME} side by side (PostgreSQL, {SMALL:,} tickets, {DEFAULT_SERVER})"
    )
    print(f"  {'operation':<8} {'tierdesk req/s':>15} {'helpdesk req/s':>15} {'ratio':>9}")
    for op in PEER_OPS:
        mine, peers = ours.runs.get(op), theirs.runs.get(op)
        if mine is None or peers is None:
            continue
        ratio = comparable_ratio(mine, peers)
        shown = f"{ratio:>9,.1f}" if ratio is not None else f"{'n/a':>9}"
        print(f"  {op:<8} {mine.rps:>15,.1f} {peers.rps:>15,.2f} {shown}")


def comparable_ratio(mine: Run, peers: Run) -> float | None:
    """tierdesk's req/s over the peer's; none when either run had errors or no answers."""
    return mine.rps / peers.rps if mine.usable and peers.usable else None


def headlines(tables: list[Table], mode: str) -> None:
    def find(title_start: str) -> Table | None:
        return next((t for t in tables if t.title.startswith(title_start) and t.runs), None)

    pg = find(f"PostgreSQL, {SMALL:,} tickets, {DEFAULT_SERVER}")
    lite = find(f"SQLite, {SMALL:,} tickets")
    large = find(f"PostgreSQL, {LARGE[mode]:,} tickets")
    print()
    for suffix, table in (("postgres", pg), ("sqlite", lite)):
        if table is None:
            continue
        for op in ("create", "list", "reply", "get"):
            run = table.runs.get(op)
            if run and run.usable:
                print(f"{op}_rps_{suffix}: {run.rps:.0f}")
        worst = max((r.p99_ms for r in table.runs.values() if r.op != "floor"), default=None)
        if worst is not None:
            print(f"p99_ms_{suffix}: {worst:.1f}")
    if pg is not None:
        floor, listed, deep = (pg.runs.get(op) for op in ("floor", "list", "deep"))
        if floor is not None and floor.usable:
            print(f"floor_rps: {floor.rps:.0f}")
        if floor is not None and listed is not None and floor.usable and listed.usable:
            print(f"list_vs_floor: {listed.rps / floor.rps:.2f}")
        if deep is not None and listed is not None and deep.usable and listed.usable:
            print(f"deep_page_ratio: {deep.rps / listed.rps:.2f}")
    pair = peer_pair(tables)
    if pair is not None:
        ours, theirs = pair
        for op in PEER_OPS:
            mine, peers = ours.runs.get(op), theirs.runs.get(op)
            ratio = comparable_ratio(mine, peers) if mine and peers else None
            if ratio is not None:
                print(f"{op}_vs_helpdesk: {ratio:.1f}")
    if large is not None and large.runs.get("list"):
        label = "1m" if LARGE[mode] == 1_000_000 else f"{LARGE[mode] // 1000}k"
        print(f"list_rps_{label}_postgres: {large.runs['list'].rps:.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, 100,000 not 1M")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-peer", action="store_true", help=f"leave {peer.NAME} out")
    parser.add_argument("--peer-only", action="store_true", help=f"measure {peer.NAME} alone")
    parser.add_argument(
        "--servers",
        default=",".join(SERVERS),
        help=f"serving paths to measure on PostgreSQL, comma-separated (of {', '.join(SERVERS)})",
    )
    parser.add_argument(
        "--ops",
        default=",".join(ALL_OPS),
        help=f"operations, comma-separated (of {', '.join(ALL_OPS)})",
    )
    parser.add_argument("--skip-large", action="store_true", help="leave out the 1M (100,000) run")
    args = parser.parse_args()
    servers, ops = tuple(args.servers.split(",")), tuple(args.ops.split(","))
    if unknown := (set(servers) - set(SERVERS)) | (set(ops) - set(ALL_OPS)):
        parser.error(f"unknown server or operation: {', '.join(sorted(unknown))}")
    plan = Plan(servers=servers, ops=ops, large=not args.skip_large)
    mode = "quick" if args.quick else "full"
    try:
        binary = ensure_wrk()
    except BenchAbort as exc:
        print(f"api_tickets: {exc}")
        return 1
    print(f"wrk, {CONNECTIONS} connections, {THREADS} threads, {DURATION_S[mode]} s a run;")
    print(f"servers with {WORKERS} workers; {os.cpu_count()} cores (shared with other work)")
    tables: list[Table] = []
    tmp = Path(tempfile.mkdtemp(prefix="tierdesk-bench-api-"))
    try:
        if not args.peer_only:
            try:
                bench_postgres(binary, mode, tmp, tables, plan)
            except BenchAbort as exc:
                tables.append(Table("PostgreSQL", failed=str(exc)))
        if not args.skip_peer:
            bench_peer(binary, mode, tmp, tables)
        if not (args.skip_sqlite or args.peer_only):
            try:
                bench_sqlite(binary, mode, tmp, tables, plan)
            except BenchAbort as exc:
                tables.append(Table("SQLite", failed=str(exc)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_tables(tables)
    headlines(tables, mode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
