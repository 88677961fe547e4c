"""A bounded load test: the realistic mix against `tierdesk serve` on PostgreSQL, then a count.

    .venv/bin/python bench/load.py [--users 40] [--seconds 60] [--quick]

The script recreates the throwaway database ``trustfuzz`` (``TIERDESK_LOAD_DATABASE_URL`` to
use another), migrates it, seeds 5 agents, 1 manager, 20 customers in 10 organizations and
200 tickets, starts ``tierdesk serve`` (2 workers) on loopback and runs locust headless
(bench/load_locustfile.py) with a fixed user count for a fixed time: agents list their queue
and reply, customers open tickets, a manager's dashboard refreshes. Then it counts in the
database that every write answered 2xx is stored exactly once (lost and duplicated writes)
and prints p50/p99 per request type at the throughput reached.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DATABASE_URL = os.environ.get(
    "TIERDESK_LOAD_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/trustfuzz"
)
PORT = int(os.environ.get("TIERDESK_LOAD_PORT", "18420"))
GOAL_P99_MS = 500

SEED = r"""
import json, random
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from tierdesk.accounts.services import create_user, issue_token
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.tickets import services as tickets
from tierdesk.tiers.models import Tier

rng = random.Random(7)
agents = [create_user(username=f"load-agent-{i}", email=f"a{i}@desk.example", password=None,
                      role="agent", seniority=3) for i in range(5)]
manager = create_user(username="load-manager", email="m@desk.example", password=None,
                      role="manager")
tiers = list(Tier.objects.order_by("id"))
customers, opened = [], []
for o in range(10):
    org = create_organization(actor=None, name=f"Load Org {o}", tier=tiers[o % len(tiers)])
    for c in range(2):
        email = f"c{o}-{c}@org{o}.example"
        user = create_user(username=f"load-customer-{o}-{c}", email=email, password=None,
                           role="customer")
        create_contact(actor=None, organization=org, name=email, email=email, user=user)
        customers.append(user)
for n in range(200):
    opened.append(tickets.open_ticket(actor=rng.choice(customers), subject=f"Seed {n}",
                                      body="Seeded for the load test.", channel="email").pk)
session = SessionStore()
session[SESSION_KEY] = str(manager.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = manager.get_session_auth_hash()
session.create()
print("LOAD_SEED " + json.dumps({
    "agents": [issue_token(user=a, name="load")[1] for a in agents],
    "customers": [issue_token(user=c, name="load")[1] for c in customers],
    "manager_session": session.session_key,
    "tickets": opened,
}))
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def recreate_database() -> None:
    server, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"{cmd[:2]} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def start_server(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    out = open(log_path, "wb")  # noqa: SIM115 - the server's whole life
    proc = subprocess.Popen(
        [str(BIN / "tierdesk"), "serve", "--port", str(PORT), "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/healthz", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer in 180 s:\n" + log_path.read_text()[-2000:])


def count_writes(acks: Path) -> dict[str, dict[str, int]]:
    sent: dict[str, set[str]] = {"ticket": set(), "reply": set()}
    for line in acks.read_text().splitlines():
        kind, marker = line.split()
        sent[kind].add(marker)
    with psycopg.connect(DATABASE_URL) as conn:
        stored = {
            "ticket": Counter(
                r[0]
                for r in conn.execute(
                    "select subject from tickets_ticket where subject like 'load-ticket-%%'"
                )
            ),
            "reply": Counter(
                r[0]
                for r in conn.execute(
                    "select body from tickets_message where body like 'load-reply-%%'"
                )
            ),
        }
    return {
        kind: {
            "acknowledged": len(sent[kind]),
            "present": len(set(stored[kind]) & sent[kind]),
            "lost": len(sent[kind] - set(stored[kind])),
            "duplicated": sum(n - 1 for n in stored[kind].values()),
        }
        for kind in sent
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--quick", action="store_true", help="20 users for 20 s")
    args = parser.parse_args()
    users, seconds = (20, 20) if args.quick else (args.users, args.seconds)

    tmp = Path(tempfile.mkdtemp(prefix="tierdesk-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "TIERDESK_VAR_DIR": str(tmp / "var"),
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "tierdesk.settings",
        "REDIS_URL": "",
    }
    log(f"recreating {DATABASE_URL.rsplit('/', 1)[1]}, migrating, seeding")
    recreate_database()
    run([str(BIN / "tierdesk"), "migrate"], env)
    seed_line = next(
        line
        for line in run([str(BIN / "python"), "-c", SEED], env).splitlines()
        if line.startswith("LOAD_SEED ")
    )
    acks = tmp / "acks.txt"
    acks.touch()
    server = start_server(env, tmp / "server.log")
    try:
        log(f"locust: {users} users for {seconds} s against 127.0.0.1:{PORT}")
        locust_env = {
            **env,
            "TIERDESK_LOAD_SEED": seed_line.removeprefix("LOAD_SEED "),
            "TIERDESK_LOAD_ACKS": str(acks),
        }
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "load_locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(max(users // 5, 1)),
                "-t",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(tmp / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "10",
            ],
            env=locust_env,
            cwd=ROOT,
            check=False,
            timeout=seconds + 300,
            stdout=subprocess.DEVNULL,
        )
    finally:
        os.killpg(os.getpgid(server.pid), signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(os.getpgid(server.pid), signal.SIGKILL)
            server.wait()
    with open(tmp / "load_stats.csv") as f:
        stats = list(csv.DictReader(f))
    writes = count_writes(acks)

    print(f"\nLoad test: {users} users for {seconds} s, tierdesk serve (2 workers), PostgreSQL")
    print(f"{'request':<28} {'requests':>9} {'failures':>9} {'rps':>7} {'p50 ms':>7} {'p99 ms':>7}")
    for row in stats:
        print(
            f"{row['Name']:<28} {row['Request Count']:>9} {row['Failure Count']:>9} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['99%']:>7}"
        )
    print(f"\n{'write':<8} {'acknowledged':>13} {'present':>8} {'lost':>5} {'duplicated':>11}")
    for kind, c in writes.items():
        print(
            f"{kind:<8} {c['acknowledged']:>13} {c['present']:>8} {c['lost']:>5} "
            f"{c['duplicated']:>11}"
        )
    total = next(row for row in stats if row["Name"] == "Aggregated")
    p99 = {row["Name"]: float(row["99%"]) for row in stats if row["Name"] != "Aggregated"}
    print()
    print(f"load_users: {users}")
    print(f"load_rps: {float(total['Requests/s']):.1f}")
    for name, key in [
        ("agent: list queue", "list"),
        ("agent: reply", "reply"),
        ("customer: create ticket", "create"),
        ("manager: dashboard refresh", "dashboard"),
    ]:
        if name in p99:
            print(f"load_p99_ms_{key}: {p99[name]:.0f}")
    print(f"load_failures: {int(total['Failure Count'])}")
    print(f"lost_writes: {sum(c['lost'] for c in writes.values())}")
    print(f"duplicated_writes: {sum(c['duplicated'] for c in writes.values())}")
    print(f"p99_under_goal: {int(max(p99.values(), default=0) < GOAL_P99_MS)}")


if __name__ == "__main__":
    main()
