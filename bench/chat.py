"""Live chat over WebSockets: concurrent chats held and message round trips, 1 and 2 servers.

    .venv/bin/python bench/chat.py [--quick] [--chats N] [--messages N]

On a fresh PostgreSQL database (postgresql://postgres@127.0.0.1:5432, dropped at the end)
this script migrates, creates a VIP organization (chat open 24/7), N customers with widget
identity tokens and a few senior agents with sessions, then for each layout:

- 1 process: one `uvicorn tierdesk.asgi:application` on loopback, in-memory channel layer;
- 2 processes: two uvicorn processes sharing the Redis channel layer (redis://127.0.0.1:6379/0,
  a unique prefix); customers connect to one, their agent to the other.

Each run opens N customer sockets (connect + start: a chat ticket waiting in the queue),
the agents accept every chat, and all N stay open while customers send messages, C at a
time. A round trip is a customer's message frame sent until the customer receives it
back stored (id and time, through the service, the database and the channel layer); the
agent must receive the same frame too (checked). Held = chats started, accepted and still
open at the end. Every message must be stored exactly once (checked against the database).

Peers: none can be installed locally for the same job (hosted chat products), so the rows
compared are the two layouts, and their answers must agree (all chats held, all messages
stored once). Goal: 1,000 concurrent chats, p99 < 50 ms on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_SERVER = os.environ.get("TIERDESK_BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TIERDESK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
AGENTS = 4
CONNECT_AT_ONCE = 50
ORIGIN = "http://127.0.0.1"

SETUP = r"""
import json, sys, time
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from tierdesk.accounts.services import create_user
from tierdesk.chat.identity import sign_identity, widget_secret
from tierdesk.customers.services import create_organization
from tierdesk.tiers.models import Tier

chats, agents = int(sys.argv[1]), int(sys.argv[2])
org = create_organization(actor=None, name="Bench VIP", tier=Tier.objects.get(name="VIP"))
secret = widget_secret(org)
tokens = [
    sign_identity(secret=secret, organization_id=org.pk, email=f"v{i}@bench.example",
                  name=f"Visitor {i}", exp=int(time.time()) + 86400)
    for i in range(chats)
]
sessions = []
for i in range(agents):
    user = create_user(username=f"agent{i}", email=f"agent{i}@desk.example", password=None,
                       role="agent", seniority=3)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    sessions.append(s.session_key)
print(json.dumps({"tokens": tokens, "sessions": sessions}))
"""

COUNT = r"""
import json, sys
import django
django.setup()
from tierdesk.live.models import LiveContact
from tierdesk.tickets.models import Message
print(json.dumps({"messages": Message.objects.filter(external_id__contains=":c:").count(),
                  "answered": LiveContact.objects.filter(outcome="answered").count()}))
"""


def log(msg: str) -> None:
    sys.stderr.write(f"[chat-bench] {msg}\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def django_run(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(PYTHON), "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout


class Servers:
    def __init__(self, count: int, env: dict[str, str], var: Path) -> None:
        self.ports = [free_port() for _ in range(count)]
        prefix = f"bench{uuid.uuid4().hex[:10]}"
        extra = {"REDIS_URL": REDIS_URL, "TIERDESK_CHANNEL_PREFIX": prefix} if count > 1 else {}
        self.logs = [open(var / f"server-{count}-{p}.log", "w") for p in self.ports]  # noqa: SIM115
        self.procs = [
            subprocess.Popen(
                [
                    str(PYTHON),
                    "-m",
                    "uvicorn",
                    "tierdesk.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--lifespan",
                    "off",
                    "--log-level",
                    "warning",
                ],
                env={**env, **extra},
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
            for port, log_file in zip(self.ports, self.logs, strict=True)
        ]
        for port, proc in zip(self.ports, self.procs, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"server on {port} did not start") from None
                    time.sleep(0.2)

    def url(self, i: int) -> str:
        return f"ws://127.0.0.1:{self.ports[i % len(self.ports)]}"

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        for f in self.logs:
            f.close()
            tail = Path(f.name).read_text()[-2000:]
            if tail.strip():
                log(f"server log {Path(f.name).name}:\n{tail}")


class Reader:
    """Frames of one socket, routed to waiters by type and client id."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.waiters: dict[tuple[str, str], asyncio.Future] = {}
        self.task = asyncio.create_task(self.pump())

    def wait(self, kind: str, key: str = "") -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiters[(kind, key)] = future
        return future

    async def pump(self) -> None:
        async for raw in self.ws:
            frame = json.loads(raw)
            kind = frame["type"]
            if kind == "error":
                log(f"error frame: {frame}")
            key = ""
            if kind == "message":
                key = frame.get("client_id") or ""
            elif kind == "accepted":
                key = frame["chat"]
            future = self.waiters.pop((kind, key), None)
            if future is not None and not future.done():
                future.set_result(frame)


async def run_layout(
    servers: Servers, setup: dict, chats: int, messages: int, at_once: int, run: int
) -> dict:
    agents = []
    for i, session in enumerate(setup["sessions"]):
        ws = await connect(
            f"{servers.url(i + 1)}/ws/chat/agent/",
            origin=ORIGIN,
            additional_headers={"Cookie": f"sessionid={session}"},
            max_queue=None,
        )
        agents.append(Reader(ws))
    customers: list[tuple[Reader, str]] = []
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def open_chat(i: int) -> None:
        async with gate:
            ws = await connect(f"{servers.url(i)}/ws/chat/", origin=ORIGIN, max_queue=None)
            reader = Reader(ws)
            started = reader.wait("started")
            await ws.send(
                json.dumps(
                    {
                        "type": "start",
                        "id": f"r{run}s{i}",
                        "body": f"Chat {i}",
                        "identity": setup["tokens"][i],
                    }
                )
            )
            frame = await asyncio.wait_for(started, 60)
            customers.append((reader, frame["chat"]))

    t0 = time.perf_counter()
    await asyncio.gather(*(open_chat(i) for i in range(chats)))
    started_s = time.perf_counter() - t0

    async def accept(n: int, reader: Reader, chat: str) -> None:
        async with gate:
            agent = agents[n % len(agents)]
            accepted = agent.wait("accepted", chat)
            await agent.ws.send(json.dumps({"type": "accept", "chat": chat}))
            await asyncio.wait_for(accepted, 60)

    t0 = time.perf_counter()
    await asyncio.gather(*(accept(n, r, c) for n, (r, c) in enumerate(customers)))
    accepted_s = time.perf_counter() - t0

    latencies: list[float] = []
    missed = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(messages):
        queue.put_nowait(n)

    async def sender() -> None:
        nonlocal missed
        while not queue.empty():
            n = queue.get_nowait()
            reader, chat = customers[n % len(customers)]
            agent = agents[(n % len(customers)) % len(agents)]
            client_id = f"m{n}"
            back, seen = reader.wait("message", client_id), agent.wait("message", client_id)
            t = time.perf_counter()
            await reader.ws.send(
                json.dumps({"type": "message", "id": client_id, "body": f"hello {n}"})
            )
            try:
                await asyncio.wait_for(back, 30)
                latencies.append((time.perf_counter() - t) * 1000)
                await asyncio.wait_for(seen, 30)
            except TimeoutError:
                missed += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(at_once)))
    talk_s = time.perf_counter() - t0
    held = sum(1 for r, _ in customers if r.ws.state.name == "OPEN")
    for reader, _ in customers:
        await reader.ws.close()
    for agent in agents:
        await agent.ws.close()
    return {
        "held": held,
        "started_s": started_s,
        "accepted_s": accepted_s,
        "talk_s": talk_s,
        "sent": messages,
        "missed": missed,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": pct(latencies, 0.99) if latencies else float("nan"),
        "msg_per_s": len(latencies) / talk_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="200 chats, 400 messages")
    parser.add_argument("--chats", type=int)
    parser.add_argument("--messages", type=int)
    parser.add_argument("--at-once", type=int, default=20, help="messages in flight at a time")
    args = parser.parse_args()
    chats = args.chats or (200 if args.quick else 1000)
    messages = args.messages or (400 if args.quick else 2000)

    import psycopg

    name = f"chatbench_{os.getpid()}"
    with psycopg.connect(f"{PG_SERVER}/test", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    var = Path(tempfile.mkdtemp(prefix="chatbench-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=f"{PG_SERVER}/{name}",
        TIERDESK_VAR_DIR=str(var),
        REDIS_URL="",
        DJANGO_SETTINGS_MODULE="tierdesk.settings",
        LOG_LEVEL="WARNING",
        TIERDESK_CHAT_STARTS_PER_IP="1000000",
        PYTHONUNBUFFERED="1",
    )
    rows = {}
    try:
        log("migrate")
        subprocess.run([str(PYTHON), "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        setup = json.loads(django_run(SETUP, env, str(chats), str(AGENTS)))
        stored_before = 0
        for count in (1, 2):
            log(f"{count} process(es): {chats} chats, {messages} messages, {args.at_once} at once")
            servers = Servers(count, env, var)
            try:
                # Each layout starts chats of its own (start ids are per run).
                result = asyncio.run(
                    run_layout(servers, setup, chats, messages, args.at_once, count)
                )
            finally:
                servers.stop()
            counts = json.loads(django_run(COUNT, env))
            result["stored"] = counts["messages"] - stored_before
            stored_before = counts["messages"]
            rows[count] = result
        print(
            f"{'layout':<28}{'held':>6}{'start s':>9}{'accept s':>10}{'msg/s':>8}"
            f"{'p50 ms':>8}{'p99 ms':>8}  agrees"
        )
        for count, r in rows.items():
            facts = {k: r[k] for k in ("held", "missed", "stored", "sent")}
            agrees = r["held"] == chats and r["missed"] == 0 and r["stored"] == r["sent"]
            label = "1 process, in-memory layer" if count == 1 else "2 processes, Redis layer"
            print(
                f"{label:<28}{r['held']:>6}{r['started_s']:>9.1f}{r['accepted_s']:>10.1f}"
                f"{r['msg_per_s']:>8.0f}{r['p50']:>8.1f}{r['p99']:>8.1f}  "
                f"{'yes' if agrees else f'no: {facts}'}"
            )
        print(
            "database: postgresql (one machine, loopback); round trip = customer message "
            "until its stored frame is back"
        )
        print(f"concurrent_chats: {rows[1]['held']}")
        print(f"concurrent_chats_2_processes: {rows[2]['held']}")
        print(f"roundtrip_p50_ms: {rows[1]['p50']:.1f}")
        print(f"roundtrip_p99_ms: {rows[1]['p99']:.1f}")
        print(f"roundtrip_p50_ms_2_processes: {rows[2]['p50']:.1f}")
        print(f"roundtrip_p99_ms_2_processes: {rows[2]['p99']:.1f}")
    finally:
        import shutil

        shutil.rmtree(var, ignore_errors=True)
        with psycopg.connect(f"{PG_SERVER}/test", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
