"""HTTP API throughput and latency for tickets: create, list and reply, on SQLite and PostgreSQL.

    .venv/bin/python bench/api_tickets.py [--quick]

For each database in turn (a fresh SQLite file in a temporary directory, then a fresh
PostgreSQL database on postgresql://postgres@127.0.0.1:5432) this script migrates, creates a
customer and an agent with API tokens, starts `tierdesk serve` (uvicorn, ASGI, one worker) on
a free loopback port and drives it with httpx from this process at a concurrency of 8:

- create: POST /api/v1/tickets as the customer (expect 201)
- list:   GET  /api/v1/tickets?limit=50&status=new&status=open as the agent (expect 200)
- reply:  POST /api/v1/tickets/{id}/reply as the agent, on the tickets just created (201)

Each operation runs in three equal rounds; requests/s is the best round (BENCH.md: best of
several repetitions), p50/p99 are over every request of the operation. Non-2xx responses are
errors and must be 0. The server, the temporary directory and the PostgreSQL database are
removed even when something fails.

Peers: BENCH.md asks for named peers in the same run. The help desks one would compare an
HTTP ticket API with (Zendesk, Freshdesk, ...) are hosted SaaS; there is no local peer to
install and the bench needs no network, so none is measured and no ratio line is printed.
Instead the two databases are the rows compared, and their answers are checked to agree
(same list count, same number of tickets and replies).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
TIERDESK = VENV_BIN / "tierdesk"
# TIERDESK_BENCH_PG_SERVER overrides the server (no database name), e.g. to test a skip.
PG_SERVER = os.environ.get("TIERDESK_BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_ADMIN_DB = "test"
CONCURRENCY = 8
ROUNDS = 3
REQUEST_TIMEOUT_S = 30.0
# The whole run must end in under five minutes on 2 cores: besides the request counts, each
# operation stops after OP_BUDGET_S (split evenly over its rounds), and no new round starts
# after DEADLINE_S. A capped operation reports the requests it actually made.
OP_BUDGET_S = {"full": 20.0, "quick": 8.0}
DEADLINE_S = 250.0
CURRENT_BUDGET_S = OP_BUDGET_S["full"]  # set in main()
OPS = ("create", "list", "reply")

SETUP_SNIPPET = r"""
import json
import django

django.setup()
from tierdesk.accounts.services import create_user, issue_token
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.tiers.models import Tier

agent = create_user(
    username="bench-agent", email="agent@bench.example", password=None, role="agent"
)
_, agent_raw = issue_token(user=agent, name="bench")
customer = create_user(
    username="bench-customer", email="bench@x.example", password=None, role="customer"
)
org = create_organization(actor=None, name="Bench Org", tier=Tier.objects.get(name="Premium"))
create_contact(actor=None, organization=org, name="Bench", email="bench@x.example", user=customer)
_, customer_raw = issue_token(user=customer, name="bench")
print("BENCH_TOKENS " + json.dumps({"agent": agent_raw, "customer": customer_raw}))
"""

T0 = time.monotonic()


class BenchAbort(Exception):
    """A setup step failed; the message says which and why."""


@dataclass
class OpResult:
    op: str
    planned: int = 0
    requests: int = 0
    seconds: float = 0.0
    best_rps: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    server_errors: int = 0  # 5xx among the errors
    check: str = ""  # "yes" / "no: why"

    def pct(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


@dataclass
class DbResult:
    name: str
    skipped: str = ""  # reason, when the database could not be benchmarked
    failed: str = ""  # reason, when a run started but broke
    ops: dict[str, OpResult] = field(default_factory=dict)
    list_count: int | None = None
    tickets: int = 0
    replies: int = 0
    server_log_tail: str = ""
    version: str = ""
    load_wall_s: float = 0.0
    client_cpu_s: float = 0.0
    server_cpu_s: float = float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    # nearest-rank percentile
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def log(msg: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def _die_with_parent() -> None:
    """In the server child (Linux): get SIGTERM if the bench process dies, even by SIGKILL."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_checked(cmd: list[str], *, env: dict[str, str], what: str, timeout: float) -> str:
    try:
        proc = subprocess.run(
            cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchAbort(f"{what} timed out after {timeout:.0f}s") from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        raise BenchAbort(f"{what} failed (exit {proc.returncode}):\n    " + "\n    ".join(tail))
    return proc.stdout


# --------------------------------------------------------------------------- load driving


async def drive(
    client: httpx.AsyncClient,
    n: int,
    make_request,  # (i) -> (method, url, json|None, headers, expected_status)
    result: OpResult,
    on_ok=None,  # (i, response) -> None
    budget_s: float = float("inf"),
) -> tuple[int, float]:
    """Send up to n requests with CONCURRENCY workers, starting none after budget_s.

    Returns (requests sent, wall time in seconds)."""
    next_i = 0
    stop_at = time.perf_counter() + budget_s

    async def worker() -> None:
        nonlocal next_i
        while True:
            i = next_i
            if i >= n or time.perf_counter() >= stop_at:
                return
            next_i += 1
            method, url, body, headers, expected = make_request(i)
            t = time.perf_counter()
            try:
                resp = await client.request(method, url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                result.latencies_ms.append((time.perf_counter() - t) * 1000)
                result.errors += 1
                if not result.first_error:
                    result.first_error = f"{method} {url}: {type(exc).__name__}: {exc}"
                continue
            result.latencies_ms.append((time.perf_counter() - t) * 1000)
            if resp.status_code != expected:
                result.errors += 1
                if resp.status_code >= 500:
                    result.server_errors += 1
                if not result.first_error:
                    result.first_error = (
                        f"{method} {url} -> {resp.status_code} (expected {expected}): "
                        f"{resp.text[:800]}"
                    )
            elif on_ok is not None:
                on_ok(i, resp)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return next_i, time.perf_counter() - start


async def run_op(client, op: str, n: int, make_request, on_ok=None) -> OpResult:
    budget_s = CURRENT_BUDGET_S
    result = OpResult(op=op, planned=n)
    per_round = [n // ROUNDS + (1 if r < n % ROUNDS else 0) for r in range(ROUNDS)]
    offset = 0
    for count in per_round:
        if time.monotonic() - T0 > DEADLINE_S:
            raise BenchAbort(f"time budget of {DEADLINE_S:.0f}s used up during {op}")
        base = offset

        def shifted(i: int, base: int = base):
            return make_request(base + i)

        def shifted_ok(i: int, resp, base: int = base):
            if on_ok is not None:
                on_ok(base + i, resp)

        sent, secs = await drive(
            client, count, shifted, result, shifted_ok, budget_s=budget_s / ROUNDS
        )
        result.requests += sent
        result.seconds += secs
        if secs > 0 and sent:
            result.best_rps = max(result.best_rps, sent / secs)
        offset += sent
    return result


async def load(base_url: str, tokens: dict[str, str], n: int, db: DbResult) -> None:
    cust = {"Authorization": f"Bearer {tokens['customer']}"}
    agent = {"Authorization": f"Bearer {tokens['agent']}"}
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=REQUEST_TIMEOUT_S
    ) as client:
        # Warm up, not counted: connections, imports, first-query caches. A failure here is
        # only logged; the same request fails again in the measured run and is reported there.
        warm_ids: list[int] = []
        for _ in range(CONCURRENCY):
            r = await client.post(
                "/api/v1/tickets",
                json={
                    "subject": "warm-up",
                    "body": "warm-up",
                    "channel": "email",
                    "priority": "normal",
                },
                headers=cust,
            )
            if r.status_code == 201:
                warm_ids.append(r.json()["id"])
            else:
                log(f"{db.name}: warm-up create -> {r.status_code}: {r.text[:300]}")
                break
        r = await client.get(
            "/api/v1/tickets",
            params=[("limit", 50), ("status", "new"), ("status", "open")],
            headers=agent,
        )
        if r.status_code != 200:
            log(f"{db.name}: warm-up list -> {r.status_code}: {r.text[:300]}")
        if warm_ids:
            r = await client.post(
                f"/api/v1/tickets/{warm_ids[0]}/reply", json={"body": "warm-up"}, headers=agent
            )
            if r.status_code != 201:
                log(f"{db.name}: warm-up reply -> {r.status_code}: {r.text[:300].strip()}")

        # create
        ids: list[int | None] = [None] * n
        create_bad: list[str] = []

        def create_req(i: int):
            body = {
                "subject": f"Bench ticket {i}: printer on fire",
                "body": f"Request {i}. The printer in room 4 shows error E{i % 97} again.",
                "channel": "email",
                "priority": "normal",
            }
            return "POST", "/api/v1/tickets", body, cust, 201

        def create_ok(i: int, resp) -> None:
            data = resp.json()
            ids[i] = data.get("id")
            if data.get("status") != "new" and len(create_bad) < 3:
                create_bad.append(f"ticket {data.get('id')} status {data.get('status')!r}")

        res = await run_op(client, "create", n, create_req, create_ok)
        made = [i for i in ids if i is not None]
        if len(set(made)) != len(made):
            create_bad.append("duplicate ticket ids")
        res.check = (
            "yes"
            if not create_bad and not res.errors
            else "no: " + "; ".join(create_bad or [f"{res.errors} errors"])
        )
        db.ops["create"] = res
        db.tickets = len(made) + len(warm_ids)

        # list: every ticket is still new, so the count must equal the tickets created.
        counts: set[int] = set()
        list_bad: list[str] = []

        def list_req(i: int):
            return (
                "GET",
                "/api/v1/tickets?limit=50&status=new&status=open",
                None,
                agent,
                200,
            )

        def list_ok(i: int, resp) -> None:
            data = resp.json()
            counts.add(data.get("count"))
            if len(data.get("items", [])) != min(50, db.tickets) and len(list_bad) < 3:
                list_bad.append(f"{len(data.get('items', []))} items on the page")

        res = await run_op(client, "list", n, list_req, list_ok)
        if counts != {db.tickets}:
            list_bad.append(
                f"count {sorted(c for c in counts if c is not None)} != "
                f"{db.tickets} tickets created"
            )
        db.list_count = next(iter(counts)) if len(counts) == 1 else None
        res.check = (
            "yes"
            if not list_bad and not res.errors
            else "no: " + "; ".join(list_bad or [f"{res.errors} errors"])
        )
        db.ops["list"] = res

        # reply: one agent reply on each created ticket (cycled if some creates failed).
        targets = made or warm_ids
        if not targets:
            raise BenchAbort(f"{db.name}: no ticket was created, nothing to reply to")
        reply_bad: list[str] = []
        reply_ok_count = 0

        def reply_req(i: int):
            tid = targets[i % len(targets)]
            return (
                "POST",
                f"/api/v1/tickets/{tid}/reply",
                {"body": f"Hello, we are on it ({i}). Please try turning it off and on."},
                agent,
                201,
            )

        def reply_ok(i: int, resp) -> None:
            nonlocal reply_ok_count
            reply_ok_count += 1
            data = resp.json()
            if "on it (" not in str(data.get("body", "")) and len(reply_bad) < 3:
                reply_bad.append(f"reply body not echoed: {str(data)[:120]}")

        res = await run_op(client, "reply", n, reply_req, reply_ok)
        db.replies = reply_ok_count
        res.check = (
            "yes"
            if not reply_bad and not res.errors
            else "no: " + "; ".join(reply_bad or [f"{res.errors} errors"])
        )
        db.ops["reply"] = res


# --------------------------------------------------------------------------- one database


def bench_database(name: str, database_url: str, var_dir: Path, n: int, db: DbResult) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=database_url,
        TIERDESK_VAR_DIR=str(var_dir),
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    log(f"{name}: migrate")
    run_checked([str(TIERDESK), "migrate"], env=env, what=f"{name}: tierdesk migrate", timeout=180)
    log(f"{name}: create users and tokens")
    out = run_checked(
        [str(PYTHON), "-c", SETUP_SNIPPET],
        env={**env, "DJANGO_SETTINGS_MODULE": "tierdesk.settings"},
        what=f"{name}: user/token setup",
        timeout=120,
    )
    lines = [ln for ln in out.splitlines() if ln.startswith("BENCH_TOKENS ")]
    if not lines:
        raise BenchAbort(f"{name}: setup printed no tokens:\n{out[-800:]}")
    tokens = json.loads(lines[-1].removeprefix("BENCH_TOKENS "))

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = var_dir / f"server-{name}.log"
    server = None
    with open(log_path, "w") as server_log:
        try:
            log(f"{name}: serve on {base_url}")
            server = subprocess.Popen(
                [
                    str(TIERDESK),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    str(SERVER_WORKERS),
                ],
                env=env,
                cwd=ROOT,
                stdout=server_log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
            wait_ready(server, base_url, log_path)
            log(f"{name}: load, {n} requests per operation, concurrency {CONCURRENCY}")
            wall, cpu, server_cpu = time.perf_counter(), time.process_time(), proc_cpu(server.pid)
            try:
                asyncio.run(load(base_url, tokens, n, db))
            finally:
                db.load_wall_s = time.perf_counter() - wall
                db.client_cpu_s = time.process_time() - cpu
                db.server_cpu_s = proc_cpu(server.pid) - server_cpu
        finally:
            if server is not None:
                stop_server(server)
            server_log.flush()
            db.server_log_tail = server_log_tail(log_path)


def wait_ready(server: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 90
    last = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchAbort(
                f"server exited with {server.returncode} before answering:\n"
                + server_log_tail(log_path)
            )
        try:
            r = httpx.get(base_url + "/api/openapi.json", timeout=2)
            if r.status_code == 200:
                return
            last = f"{r.status_code}: {r.text[:300]}"
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}"
        time.sleep(0.2)
    raise BenchAbort(f"server not ready after 90s (last: {last}):\n" + server_log_tail(log_path))


def proc_cpu(pid: int) -> float:
    """User+system CPU seconds of a live process and its live children (uvicorn's worker
    processes), from Linux /proc; NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, ValueError, IndexError):
        return float("nan")
    return own + sum(proc_cpu(int(child)) for child in children)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def server_log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


def pg_admin():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True, connect_timeout=5)


def run_sqlite(n: int) -> DbResult:
    import sqlite3

    db = DbResult("sqlite", version=f"SQLite {sqlite3.sqlite_version}")
    tmp = Path(tempfile.mkdtemp(prefix="tierdesk-bench-api-sqlite-"))
    try:
        # Empty DATABASE_URL: tierdesk uses $TIERDESK_VAR_DIR/tierdesk.sqlite3.
        bench_database("sqlite", "", tmp, n, db)
        if not (tmp / "tierdesk.sqlite3").exists():
            db.failed = f"expected SQLite file {tmp / 'tierdesk.sqlite3'} was not created"
    except BenchAbort as exc:
        db.failed = str(exc)
    except Exception as exc:  # noqa: BLE001 - report, then clean up
        db.failed = f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return db


def run_postgres(n: int) -> DbResult:
    from psycopg import sql

    db = DbResult("postgres")
    if time.monotonic() - T0 > DEADLINE_S - 90:
        db.skipped = f"time budget: {time.monotonic() - T0:.0f}s used before PostgreSQL started"
        return db
    # A fixed name (own to this script, so other benches' databases are left alone): the
    # DROP ... IF EXISTS below also removes what a run killed by SIGKILL left behind.
    dbname = "tierdesk_bench_api"
    try:
        conn = pg_admin()
    except Exception as exc:  # noqa: BLE001 - any failure to connect is a skip reason
        reason = " ".join(str(exc).split())[:160]
        db.skipped = f"PostgreSQL unreachable at {PG_SERVER}/{PG_ADMIN_DB}: {reason}"
        return db
    tmp = Path(tempfile.mkdtemp(prefix="tierdesk-bench-api-pg-"))
    created = False
    try:
        with conn:
            db.version = "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(dbname)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            created = True
        bench_database("postgres", f"{PG_SERVER}/{dbname}", tmp, n, db)
    except BenchAbort as exc:
        db.failed = str(exc)
    except Exception as exc:  # noqa: BLE001 - report, then clean up
        db.failed = f"{type(exc).__name__}: {exc}"
    finally:
        if created:
            try:
                with pg_admin() as conn:
                    conn.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(dbname)
                        )
                    )
            except Exception as exc:  # noqa: BLE001
                log(f"postgres: could not drop database {dbname}: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)
    return db


# --------------------------------------------------------------------------- report


def fmt(x: float, digits: int = 1) -> str:
    return "-" if x != x else f"{x:,.{digits}f}"  # NaN -> "-"


def print_report(results: list[DbResult], n: int, *, quick: bool) -> None:
    print()
    print(
        f"tierdesk HTTP API, tickets: {n} requests per operation, concurrency {CONCURRENCY}, "
        f"{ROUNDS} rounds{' (--quick)' if quick else ''}"
    )
    print(
        f"host: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{SERVER_WORKERS} uvicorn worker process(es), "
        "client and server on the same machine over loopback"
    )
    header = (
        "database",
        "operation",
        "requests",
        "seconds",
        "requests/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "agrees",
    )
    rows: list[tuple[str, ...]] = []
    for db in results:
        label = f"{db.name} ({db.version})" if db.version else db.name
        if db.skipped:
            rows.append((label, "-", "-", "-", "-", "-", "-", "-", f"skipped: {db.skipped}"))
            continue
        for op in OPS:
            r = db.ops.get(op)
            if r is None:
                rows.append(
                    (
                        label,
                        op,
                        "-",
                        "-",
                        "-",
                        "-",
                        "-",
                        "-",
                        "not run" + (f": {db.failed.splitlines()[0]}" if db.failed else ""),
                    )
                )
                continue
            reqs = f"{r.requests:,}" if r.requests == r.planned else f"{r.requests:,}/{r.planned:,}"
            rows.append(
                (
                    label,
                    op,
                    reqs,
                    fmt(r.seconds, 2),
                    fmt(r.best_rps),
                    fmt(r.pct(50), 2),
                    fmt(r.pct(99), 2),
                    str(r.errors),
                    r.check,
                )
            )
    # The last column (agrees / reasons) is free text: not padded, not counted in the rule.
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
        for i, h in enumerate(header)
    ]
    widths[-1] = len(header[-1])
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i in (0, 1) else c if i == 8 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    print()
    print(
        "requests/s: best of the rounds; p50/p99: nearest rank over all requests of the operation;"
    )
    print("agrees: the answers check out (201/200, new tickets, list count = tickets created,")
    print("reply echoed) and, across databases, list counts / tickets / replies are equal.")
    print("peers: none. Ticket APIs to compare with (Zendesk, Freshdesk, ...) are hosted SaaS with")
    print("no local install, and this bench runs without network; so no peer rows or ratio lines.")

    def op_ok(db: DbResult, op: str) -> bool:
        r = db.ops.get(op)
        return r is not None and r.requests > 0 and r.errors == 0

    def complete(db: DbResult) -> bool:
        return not db.skipped and not db.failed and all(op_ok(db, op) for op in OPS)

    if any(r.requests < r.planned for db in results for r in db.ops.values()):
        print(
            f"a/b in requests: the operation hit its {CURRENT_BUDGET_S:.0f}s time cap after a "
            "of b planned requests."
        )
    for db in results:
        if db.load_wall_s:
            print(
                f"{db.name}: load phase {db.load_wall_s:.1f}s wall; CPU used by the server "
                f"{fmt(db.server_cpu_s)}s, by the load client {fmt(db.client_cpu_s)}s "
                f"(of {os.cpu_count()} cores)."
            )
    done = [db for db in results if complete(db)]
    if len(done) == 2:
        a, b = done
        if all(a.ops[op].requests == b.ops[op].requests for op in OPS):
            same = (a.list_count, a.tickets, a.replies) == (b.list_count, b.tickets, b.replies)
            print(
                f"databases agree: {'yes' if same else 'no'} (list count {a.list_count} vs "
                f"{b.list_count}, tickets {a.tickets} vs {b.tickets}, replies {a.replies} vs "
                f"{b.replies})"
            )
        else:
            print(
                "databases agree: not compared (different request counts after the time cap); "
                "each database's own checks are in the agrees column."
            )
    for db in results:
        if db.failed:
            print(f"\n{db.name} FAILED: {db.failed}")
        for op in OPS:
            r = db.ops.get(op)
            if r is not None and r.errors:
                print(
                    f"\n{db.name} {op}: {r.errors} errors ({r.server_errors} 5xx); first: "
                    f"{r.first_error.strip()}"
                )
        if db.server_log_tail:
            # log_level is "warning": anything here is a warning, an error or a traceback.
            print(f"--- {db.name} server log (last lines) ---\n{db.server_log_tail}\n---")
    print()

    by_name = {db.name: db for db in results}
    headline_db = next(
        (by_name[k] for k in ("postgres", "sqlite") if k in by_name and complete(by_name[k])),
        None,
    )
    pg = by_name.get("postgres")
    if headline_db is not None and headline_db.name != "postgres" and pg and not pg.skipped:
        print(
            "note: PostgreSQL ran but did not complete cleanly; create_rps, list_rps, "
            "reply_rps and p99_ms below are from SQLite."
        )
    if headline_db is not None:
        print(
            f"# headline figures measured on {headline_db.name}; "
            "per-database lines only for operations without errors"
        )
        for op in OPS:
            print(f"{op}_rps: {headline_db.ops[op].best_rps:.1f}")
        every = [x for op in OPS for x in headline_db.ops[op].latencies_ms]
        print(f"p99_ms: {percentile(every, 99):.2f}")
    for op in OPS:
        for name in ("postgres", "sqlite"):
            db = by_name.get(name)
            if db is not None and not db.skipped and op_ok(db, op):
                print(f"{op}_rps_{name}: {db.ops[op].best_rps:.1f}")


SERVER_WORKERS = 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the requests")
    parser.add_argument("--workers", type=int, default=1, help="ASGI server processes")
    args = parser.parse_args()
    global SERVER_WORKERS
    SERVER_WORKERS = args.workers
    n = 200 if args.quick else 2000
    global CURRENT_BUDGET_S
    CURRENT_BUDGET_S = OP_BUDGET_S["quick" if args.quick else "full"]

    # SIGTERM/SIGHUP become an exception so that every finally block (server, temp dir,
    # PostgreSQL database) runs.
    def on_signal(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    if not TIERDESK.exists():
        print(f"missing {TIERDESK}; set up the virtual environment first", file=sys.stderr)
        return 2
    try:
        results = [run_sqlite(n), run_postgres(n)]
    except KeyboardInterrupt as exc:
        log(f"interrupted ({exc or 'SIGINT'}); server stopped, temp files and database removed")
        return 130
    print_report(results, n, quick=args.quick)
    log("done")
    bad = any(db.failed or any(r.errors for r in db.ops.values()) for db in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
