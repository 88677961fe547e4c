"""Email ingestion: messages per second through the real SMTP listener into tickets with clocks.

    .venv/bin/python bench/email_ingest.py [--quick] [--messages N] [--connections C]

For each database in turn (a fresh SQLite file in a temporary directory, then a fresh
PostgreSQL database on postgresql://postgres@127.0.0.1:5432) this script migrates, starts
`tierdesk mail serve` on a free loopback port and sends it N emails over C concurrent SMTP
connections from this process (smtplib, one session per connection, many transactions per
session, as a relaying MTA does). The listener answers 250 only after the email is a
committed ticket or reply with its SLA clocks, so the time from the first MAIL FROM to the
last 250 is the ingestion time. The mix: 70% new tickets from new senders (a contact and an
organization each), 10% new tickets from senders of a known organization's domain, 20%
replies threading by In-Reply-To onto earlier tickets.

Rows: tierdesk on each database, and the transport floor: the same emails into an aiosmtpd
server that discards them (the ceiling any listener built on aiosmtpd can reach here).
Peers: the help desks with email ingestion one would compare with (Zammad, osTicket,
Request Tracker) are not Python packages and need their own servers; none is installable
here without network, so none is measured and no ratio to them is printed. The databases
are checked to agree: the same counts of tickets, messages, threaded replies and clocks.
Three rounds each (fresh database per round); the best round counts (BENCH.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIERDESK = ROOT / ".venv" / "bin" / "tierdesk"
PG_SERVER = os.environ.get("TIERDESK_BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
SUPPORT = "support@bench.example"
# One listener process per core, as docs/email.md advises.
PROCESSES = os.cpu_count() or 1


@dataclass
class Result:
    name: str
    seconds: float | None
    messages: int
    counts: dict[str, int] | None
    note: str = ""

    @property
    def per_s(self) -> float | None:
        return self.messages / self.seconds if self.seconds else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def corpus(n: int) -> list[tuple[str, bytes]]:
    """(sender, raw) in sending order; a reply always comes after the email it answers."""
    mails: list[tuple[str, bytes]] = []
    opened: list[tuple[str, str, str]] = []
    for i in range(n):
        msg = EmailMessage()
        kind = i % 10
        if kind < 2 and len(opened) > 40:
            # An email of the first half so far: far enough back that it has been received.
            sender, mid, subject = opened[(i * 7) % (len(opened) // 2)]
            msg["In-Reply-To"] = mid
            msg["References"] = mid
            msg["Subject"] = f"Re: {subject}"
            body = f"Still happening, see above.\n\nOn Tue, support wrote:\n> Try again {i}\n"
        else:
            domain = "known-org.example" if kind == 2 else f"org{i}.example"
            sender = f"person{i}@{domain}"
            msg["Subject"] = subject = f"Order {i} did not arrive"
            body = f"Hello,\n\nmy order {i} has not arrived yet. Could you check?\n\nThanks\n"
        mid = f"<bench-{i}@{sender.split('@')[1]}>"
        msg["From"] = f"Person {i} <{sender}>"
        msg["To"] = SUPPORT
        msg["Message-ID"] = mid
        msg.set_content(body)
        if "In-Reply-To" not in msg:
            opened.append((sender, mid, subject))
        mails.append((sender, msg.as_bytes().replace(b"\n", b"\r\n")))
    return mails


def send_all(port: int, mails: list[tuple[str, bytes]], connections: int) -> float:
    """Send every email, in order per connection; returns seconds from first to last 250."""
    errors: list[BaseException] = []
    # Connection k sends emails k, k+C, k+2C, ...; a reply answers an email at least
    # half its index back, long received (the counts would show a reply that overtook).
    lanes = [mails[k::connections] for k in range(connections)]

    def lane(batch: list[tuple[str, bytes]]) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
                for sender, raw in batch:
                    smtp.sendmail(sender, [SUPPORT], raw)
        except BaseException as exc:  # noqa: BLE001 - reported after the run
            errors.append(exc)

    threads = [threading.Thread(target=lane, args=(b,)) for b in lanes]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} SMTP connection(s) failed: {errors[0]!r}")
    return took


def wait_for_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the listener exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the listener did not start")


COUNT_SQL = {
    "tickets": "SELECT count(*) FROM tickets_ticket",
    "messages": "SELECT count(*) FROM tickets_message",
    "threaded": "SELECT count(*) FROM mail_inboundemail WHERE outcome = 'threaded'",
    "clocks": "SELECT count(*) FROM sla_slaclock",
    "organizations": "SELECT count(*) FROM customers_organization",
}


def run_tierdesk(
    env: dict[str, str],
    mails: list[tuple[str, bytes]],
    connections: int,
    count: Callable[[], dict[str, int]],
) -> tuple[float, dict[str, int]]:
    subprocess.run([str(TIERDESK), "migrate"], env=env, check=True, capture_output=True)
    # Known organization for the 10% of senders whose domain matches one.
    setup = (
        "import django; django.setup()\n"
        "from tierdesk.customers.services import create_organization\n"
        "from tierdesk.tiers.models import Tier\n"
        "create_organization(actor=None, name='Known', domain='known-org.example',"
        " tier=Tier.objects.get(name='Premium'))\n"
    )
    subprocess.run([sys.executable, "-c", setup], env=env, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(
        [str(TIERDESK), "mail", "serve", "--port", str(port), "--processes", str(PROCESSES)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, proc)
        took = send_all(port, mails, connections)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return took, count()


def base_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tierdesk.settings",
        TIERDESK_VAR_DIR=str(var_dir),
        TIERDESK_MAIL_FROM=f"Bench Support <{SUPPORT}>",
        LOG_LEVEL="ERROR",
    )
    return env


def sqlite_round(mails: list[tuple[str, bytes]], connections: int) -> tuple[float, dict[str, int]]:
    tmp = Path(tempfile.mkdtemp(prefix="tierdesk-mail-bench-"))
    try:
        env = base_env(tmp)
        env["DATABASE_URL"] = ""

        def count() -> dict[str, int]:
            with sqlite3.connect(tmp / "tierdesk.sqlite3") as db:
                return {k: db.execute(q).fetchone()[0] for k, q in COUNT_SQL.items()}

        return run_tierdesk(env, mails, connections, count)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def postgres_round(
    mails: list[tuple[str, bytes]], connections: int
) -> tuple[float, dict[str, int]]:
    import psycopg

    name = f"bench_email_{os.getpid()}"
    admin = f"{PG_SERVER}/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name}")
        db.execute(f"CREATE DATABASE {name}")
    tmp = Path(tempfile.mkdtemp(prefix="tierdesk-mail-bench-"))
    try:
        env = base_env(tmp)
        env["DATABASE_URL"] = f"{PG_SERVER}/{name}"

        def count() -> dict[str, int]:
            with psycopg.connect(env["DATABASE_URL"]) as db:
                return {k: db.execute(q).fetchone()[0] for k, q in COUNT_SQL.items()}  # type: ignore[index]

        return run_tierdesk(env, mails, connections, count)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def floor_round(mails: list[tuple[str, bytes]], connections: int) -> tuple[float, dict[str, int]]:
    from aiosmtpd.controller import Controller

    class Discard:
        received = 0

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
            Discard.received += 1
            return "250 OK"

    port = free_port()
    smtp = Controller(Discard(), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        took = send_all(port, mails, connections)
    finally:
        smtp.stop()
    return took, {"messages": Discard.received}


def best(
    name: str,
    fn: Callable[..., tuple[float, dict[str, int]]],
    mails: list[tuple[str, bytes]],
    connections: int,
    rounds: int,
) -> Result:
    times, counts = [], None
    try:
        for _ in range(rounds):
            took, counts = fn(mails, connections)
            times.append(took)
    except Exception as exc:  # noqa: BLE001 - a row that fails stays in the table with why
        return Result(name, None, len(mails), None, note=f"failed: {exc!r}"[:120])
    return Result(name, min(times), len(mails), counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 emails, 2 rounds")
    parser.add_argument("--messages", type=int)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    n = args.messages or (200 if args.quick else 1000)
    rounds = 2 if args.quick else 3
    mails = corpus(n)
    print(f"# {n} emails over {args.connections} SMTP connections, best of {rounds} rounds")
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    rows = [
        best("aiosmtpd discard (transport floor)", floor_round, mails, args.connections, rounds),
        best("tierdesk, SQLite", sqlite_round, mails, args.connections, rounds),
        best("tierdesk, PostgreSQL", postgres_round, mails, args.connections, rounds),
    ]
    stored = [r.counts for r in rows[1:] if r.counts is not None]
    agree = len(stored) == 2 and stored[0] == stored[1]
    print(f"\n{'implementation':<36} {'seconds':>8} {'msgs/s':>8}  agrees  counts / note")
    for r in rows:
        seconds = f"{r.seconds:.2f}" if r.seconds else "-"
        rate = f"{r.per_s:.0f}" if r.per_s else "-"
        verdict = "n/a" if r is rows[0] else ("yes" if agree else "no")
        print(f"{r.name:<36} {seconds:>8} {rate:>8}  {verdict:<6}  {r.counts or r.note}")
    print()
    by_name = {r.name: r for r in rows}
    for key, name in (("postgres", "tierdesk, PostgreSQL"), ("sqlite", "tierdesk, SQLite")):
        rate = by_name[name].per_s
        if rate is not None:
            print(f"messages_per_s_{key}: {rate:.1f}")


if __name__ == "__main__":
    main()
