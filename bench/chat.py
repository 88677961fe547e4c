"""Live chat over WebSockets: 1,000 chats held open, message round trips, 1 and 2 servers.

    .venv/bin/python bench/chat.py [--quick] [--chats N] [--every S] [--seconds T]

On a fresh PostgreSQL database (postgresql://postgres@127.0.0.1:5432, dropped at the end;
named by TIERDESK_BENCH_DB, servers on ports from TIERDESK_BENCH_PORT_BASE if set) this
script migrates, creates a VIP organization (chat open 24/7), N customers with widget
identity tokens and N/4 senior agents with sessions (an agent holds four chats, the
concurrency chat desks plan for), then for each layout:

- 1 process: one `uvicorn tierdesk.asgi:application` on loopback, in-memory channel layer;
- 2 processes: two uvicorn processes sharing the Redis channel layer (redis://127.0.0.1:6379/0,
  a unique prefix); every customer is on the other process than their agent.

Each run opens N customer sockets (connect + start: a chat ticket waiting in the queue),
the agents accept every chat, and all N stay open while both sides talk. The load is open
loop: messages arrive as a Poisson process, each side of each chat writing once every S
seconds on average (30 s: a ten-minute chat of ~20 messages a side, about twice the pace
contact centres report, so bursts are covered), whatever the server's answers do; a slow
server therefore meets the same arrivals and its queue shows in the tail. One message in
50 is sent twice (a widget resending after a reconnect) and must come back as the same
stored message.

- round trip (headline): a customer's message frame sent until the customer receives it
  back stored (its id and time, through the service, the database and the channel layer);
- delivered: the same message until the agent's socket has it;
- agent round trip: an agent's message until the agent has it back stored (and the
  customer has it too, checked).

Held = chats started, accepted and still open at the end. Every message must be stored
exactly once (checked against the database: distinct ids acknowledged = rows written).

Peers: none can be installed locally for the same job (hosted chat products), so the rows
compared are the two layouts, and their answers must agree (all chats held, all messages
stored once). Goal: 1,000 concurrent chats, p99 < 50 ms on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_SERVER = os.environ.get("TIERDESK_BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TIERDESK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
# A machine shared with other jobs gives the bench its own database name and port range.
BENCH_DB = os.environ.get("TIERDESK_BENCH_DB", "")
PORT_BASE = int(os.environ.get("TIERDESK_BENCH_PORT_BASE", "0"))
CHATS_PER_AGENT = 4
RESEND_EVERY = 50  # one message in 50 is sent twice
ACK_TIMEOUT_S = 30
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
from django.db.models import Q
from tierdesk.live.models import LiveContact
from tierdesk.tickets.models import Message
talk = Q(external_id__contains=":c:") | Q(external_id__contains=":a:")
print(json.dumps({"messages": Message.objects.filter(talk, channel="chat").count(),
                  "answered": LiveContact.objects.filter(outcome="answered").count()}))
"""


def log(msg: str) -> None:
    sys.stderr.write(f"[chat-bench] {msg}\n")


def free_port() -> int:
    if PORT_BASE:
        for port in range(PORT_BASE, PORT_BASE + 100):
            if port not in _taken and _bindable(port):
                _taken.add(port)
                return port
        raise RuntimeError(f"no free port in {PORT_BASE}-{PORT_BASE + 99}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_taken: set[int] = set()


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


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

    def cpu_s(self) -> float:
        """CPU seconds the server processes have used (user + system), from /proc."""
        total = 0
        for proc in self.procs:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

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
    """Frames of one socket, routed to waiters by type and key (a message's client id)."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.waiters: dict[tuple[str, str], list[asyncio.Future]] = {}
        self.task = asyncio.create_task(self.pump())

    def wait(self, kind: str, key: str = "") -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiters.setdefault((kind, key), []).append(future)
        return future

    async def pump(self) -> None:
        try:
            async for raw in self.ws:
                self.route(json.loads(raw))
        except ConnectionClosed:
            return  # counted: the chat is not held, its unanswered messages are missed

    def route(self, frame: dict) -> None:
        frame["_t"] = time.perf_counter()
        kind = frame["type"]
        if kind == "error":
            log(f"error frame: {frame}")
        key = ""
        if kind == "message":
            key = frame.get("client_id") or ""
        elif kind == "accepted":
            key = frame["chat"]
        waiting = self.waiters.get((kind, key), [])
        while waiting:  # one waiter per frame: a resent message's second copy has its own
            future = waiting.pop(0)
            if not future.done():  # a waiter that timed out was cancelled
                future.set_result(frame)
                break


class Talk:
    """The open-loop conversation: what was sent, what came back, and how fast."""

    def __init__(self) -> None:
        self.roundtrip: list[float] = []  # customer message until stored and back
        self.delivered: list[float] = []  # customer message until the agent has it
        self.agent_roundtrip: list[float] = []
        self.acked: set[int] = set()  # stored message ids the senders got back
        self.sent = self.resent = self.missed = self.disagreed = 0
        self.tasks: list[asyncio.Task[None]] = []

    async def say(self, sender: Reader, other: Reader, frame: dict, *, customer: bool) -> None:
        client_id = frame["id"]
        back, seen = sender.wait("message", client_id), other.wait("message", client_id)
        again = sender.wait("message", client_id) if self.sent % RESEND_EVERY == 0 else None
        self.sent += 1
        t = time.perf_counter()
        try:
            await sender.ws.send(json.dumps(frame))
            if again is not None:
                self.resent += 1
                await sender.ws.send(json.dumps(frame))
            async with asyncio.timeout(ACK_TIMEOUT_S):
                stored, got = await back, await seen
                if again is not None and (await again)["id"] != stored["id"]:
                    self.disagreed += 1
        except (TimeoutError, ConnectionClosed):
            self.missed += 1
            return
        if got["id"] != stored["id"]:
            self.disagreed += 1
        self.acked.add(stored["id"])
        if customer:
            self.roundtrip.append((stored["_t"] - t) * 1000)
            self.delivered.append((got["_t"] - t) * 1000)
        else:
            self.agent_roundtrip.append((stored["_t"] - t) * 1000)


async def run_layout(
    servers: Servers,
    setup: dict,
    chats: int,
    every_s: float,
    seconds: float,
    run: int,
) -> dict:
    agents: list[Reader] = []
    for i, session in enumerate(setup["sessions"]):
        ws = await connect(
            f"{servers.url(i + 1)}/ws/chat/agent/",
            origin=ORIGIN,
            additional_headers={"Cookie": f"sessionid={session}"},
            max_queue=None,
            ping_interval=None,  # browsers never ping; the server's own pings still run
        )
        agents.append(Reader(ws))
    customers: list[tuple[Reader, str] | None] = [None] * chats
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def open_chat(i: int) -> None:
        async with gate:
            ws = await connect(
                f"{servers.url(i)}/ws/chat/", origin=ORIGIN, max_queue=None, ping_interval=None
            )
            reader = Reader(ws)
            started = reader.wait("started")
            start = {
                "type": "start",
                "id": f"r{run}s{i}",
                "body": f"Chat {i}",
                "identity": setup["tokens"][i],
            }
            try:
                await ws.send(json.dumps(start))
                frame = await asyncio.wait_for(started, 60)
            except (TimeoutError, ConnectionClosed) as failed:
                log(f"chat {i} did not start: {failed!r}")
                return
            customers[i] = (reader, frame["chat"])

    t0 = time.perf_counter()
    await asyncio.gather(*(open_chat(i) for i in range(chats)))
    started_s = time.perf_counter() - t0
    opened = [c for c in customers if c is not None]

    def agent_of(i: int) -> Reader:
        return agents[i % len(agents)]

    taken: set[int] = set()

    async def accept(i: int, chat: str) -> None:
        async with gate:
            agent = agent_of(i)
            accepted = agent.wait("accepted", chat)
            try:
                await agent.ws.send(json.dumps({"type": "accept", "chat": chat}))
                await asyncio.wait_for(accepted, 60)
            except (TimeoutError, ConnectionClosed) as failed:
                log(f"chat {chat} was not accepted: {failed!r}")
                return
            taken.add(i)

    t0 = time.perf_counter()
    await asyncio.gather(*(accept(i, chat) for i, (_, chat) in enumerate(opened)))
    accepted_s = time.perf_counter() - t0

    # Open loop: arrivals of both sides of every chat merged into one Poisson process.
    talking = [(*opened[i], agent_of(i)) for i in sorted(taken)]
    talk = Talk()
    rate = 2 * len(talking) / every_s
    arrivals = random.Random(run)
    log(f"talking in {len(talking)} chats for {seconds:g} s")
    cpu0 = servers.cpu_s()
    t0 = time.perf_counter()
    next_at, n = 0.0, 0
    while True:
        next_at += arrivals.expovariate(rate)
        if next_at >= seconds:
            break
        delay = t0 + next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        customer, chat, agent = talking[arrivals.randrange(len(talking))]
        n += 1
        if arrivals.random() < 0.5:
            frame = {"type": "message", "id": f"r{run}c{n}", "body": f"hello {n}"}
            say = talk.say(customer, agent, frame, customer=True)
        else:
            frame = {"type": "message", "chat": chat, "id": f"r{run}a{n}", "body": f"answer {n}"}
            say = talk.say(agent, customer, frame, customer=False)
        talk.tasks.append(asyncio.create_task(say))
    offered_s = time.perf_counter() - t0
    await asyncio.gather(*talk.tasks)
    talk_s = time.perf_counter() - t0
    cpu_s = servers.cpu_s() - cpu0
    held = sum(1 for i, (r, _) in enumerate(opened) if i in taken and r.ws.state.name == "OPEN")
    await asyncio.gather(
        *(r.ws.close() for r, _ in opened), *(a.ws.close() for a in agents), return_exceptions=True
    )
    done = len(talk.roundtrip) + len(talk.agent_roundtrip)
    return {
        "held": held,
        "started_s": started_s,
        "accepted_s": accepted_s,
        "offered_s": offered_s,
        "talk_s": talk_s,
        "sent": talk.sent,
        "resent": talk.resent,
        "acked": len(talk.acked),
        "missed": talk.missed,
        "disagreed": talk.disagreed,
        "offered_per_s": talk.sent / offered_s,
        "msg_per_s": done / talk_s,
        "cpu_ms_per_msg": cpu_s * 1000 / max(1, done),
        "p50": statistics.median(talk.roundtrip) if talk.roundtrip else float("nan"),
        "p99": pct(talk.roundtrip, 0.99) if talk.roundtrip else float("nan"),
        "delivered_p99": pct(talk.delivered, 0.99) if talk.delivered else float("nan"),
        "agent_p50": statistics.median(talk.agent_roundtrip) if talk.agent_roundtrip else 0.0,
        "agent_p99": pct(talk.agent_roundtrip, 0.99) if talk.agent_roundtrip else float("nan"),
    }


def raise_open_files(wanted: int) -> int:
    """Each chat is a socket at both ends: lift the soft limit toward the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="200 chats, 20 s of talk")
    parser.add_argument("--chats", type=int, help="chats held open (1,000)")
    parser.add_argument(
        "--every", type=float, default=30.0, help="mean seconds between messages of one side"
    )
    parser.add_argument("--seconds", type=float, help="seconds of talk per layout (60)")
    parser.add_argument(
        "--layouts",
        default="1,2",
        help="server processes per layout, comma-separated (1,2); headlines need both",
    )
    args = parser.parse_args()
    chats = args.chats or (200 if args.quick else 1000)
    seconds = args.seconds or (20.0 if args.quick else 60.0)
    agents = max(2, -(-chats // CHATS_PER_AGENT))
    agents += agents % 2  # even: each chat's agent is then on the other process
    files = raise_open_files(4 * chats + 1000)
    if files < 2 * chats + 200:
        sys.exit(f"{chats} chats need about {2 * chats + 200} open files; the limit is {files}")

    import psycopg

    name = BENCH_DB or f"chatbench_{os.getpid()}"
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
        setup = json.loads(django_run(SETUP, env, str(chats), str(agents)))
        stored_before = 0
        layouts = [int(n) for n in args.layouts.split(",")]
        for count in layouts:
            log(
                f"{count} process(es): {chats} chats, {agents} agents, each side writing every "
                f"{args.every:g} s on average for {seconds:g} s"
            )
            servers = Servers(count, env, var)
            try:
                # Each layout starts chats of its own (start ids are per run).
                result = asyncio.run(run_layout(servers, setup, chats, args.every, seconds, count))
            finally:
                servers.stop()
            counts = json.loads(django_run(COUNT, env))
            result["stored"] = counts["messages"] - stored_before
            stored_before = counts["messages"]
            rows[count] = result
        print(
            f"{'layout':<28}{'held':>6}{'start s':>9}{'accept s':>10}{'msg/s':>7}{'cpu ms':>8}"
            f"{'p50 ms':>8}{'p99 ms':>8}{'deliv p99':>10}{'agent p99':>10}  agrees"
        )
        for count, r in rows.items():
            facts = {k: r[k] for k in ("held", "missed", "disagreed", "acked", "stored", "sent")}
            agrees = (
                r["held"] == chats
                and r["missed"] == 0
                and r["disagreed"] == 0
                and r["stored"] == r["acked"] == r["sent"]
            )
            label = "1 process, in-memory layer" if count == 1 else "2 processes, Redis layer"
            print(
                f"{label:<28}{r['held']:>6}{r['started_s']:>9.1f}{r['accepted_s']:>10.1f}"
                f"{r['msg_per_s']:>7.0f}{r['cpu_ms_per_msg']:>8.1f}{r['p50']:>8.1f}{r['p99']:>8.1f}{r['delivered_p99']:>10.1f}"
                f"{r['agent_p99']:>10.1f}  {'yes' if agrees else f'no: {facts}'}"
            )
        if sorted(rows) != [1, 2]:
            return  # a partial run prints its table only
        r1 = rows[1]
        print(
            f"database: postgresql (one machine, loopback); {chats} chats, {agents} agents; "
            f"open-loop Poisson load, each side every {args.every:g} s on average "
            f"({r1['offered_per_s']:.1f} messages/s offered, {r1['sent']} sent, "
            f"{r1['resent']} of them twice); round trip = a customer's message until its stored "
            "frame is back; cpu ms = server processes' CPU per message (talk phase)"
        )
        print(f"concurrent_chats: {rows[1]['held']}")
        print(f"concurrent_chats_2_processes: {rows[2]['held']}")
        print(f"messages_per_s: {rows[1]['msg_per_s']:.1f}")
        print(f"server_cpu_ms_per_message: {rows[1]['cpu_ms_per_msg']:.1f}")
        print(f"roundtrip_p50_ms: {rows[1]['p50']:.1f}")
        print(f"roundtrip_p99_ms: {rows[1]['p99']:.1f}")
        print(f"delivered_p99_ms: {rows[1]['delivered_p99']:.1f}")
        print(f"agent_roundtrip_p99_ms: {rows[1]['agent_p99']:.1f}")
        print(f"roundtrip_p50_ms_2_processes: {rows[2]['p50']:.1f}")
        print(f"roundtrip_p99_ms_2_processes: {rows[2]['p99']:.1f}")
        print(f"delivered_p99_ms_2_processes: {rows[2]['delivered_p99']:.1f}")
        print(f"agent_roundtrip_p99_ms_2_processes: {rows[2]['agent_p99']:.1f}")
    finally:
        import shutil

        shutil.rmtree(var, ignore_errors=True)
        with psycopg.connect(f"{PG_SERVER}/test", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
