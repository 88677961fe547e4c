"""The `tierdesk` command: serve, worker, mail, migrate, demo, createuser, sla-verify, manage."""

import argparse
import os
import sys
import threading
import time
from pathlib import Path


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tierdesk.settings")
    import django

    django.setup()


def serve(args: argparse.Namespace) -> None:
    """HTTP and WebSockets on one port (ASGI, uvicorn), one worker process per core.

    In each process the event loop takes connections and WebSockets (Channels); plain
    HTTP runs through Django's WSGI handler on ``TIERDESK_HTTP_THREADS`` threads, one hop
    a request (tierdesk/http_bridge.py): the authenticated floor takes 2.3 times less CPU
    than through Django's ASGIHandler, with WebSockets on the same port (docs/deploy.md,
    "How HTTP is served").
    bench/api_tickets.py measures the other servers in the same run: ``--server granian``
    (the same application, WebSockets kept) and ``--server granian-wsgi`` (no WebSockets:
    for nodes that only serve the API and pages while another node serves live chat).
    """
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    workers = args.workers or os.cpu_count() or 1
    print(  # noqa: T201
        f"tierdesk on http://{args.host}:{args.port}, {workers} workers  (Ctrl-C stops it)",
        flush=True,
    )
    if args.server == "uvicorn":
        import uvicorn

        uvicorn.run(
            "tierdesk.asgi:application",
            host=args.host,
            port=args.port,
            workers=workers,
            log_level="warning",
            lifespan="off",
        )
        return
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    wsgi = args.server == "granian-wsgi"
    Granian(
        "tierdesk.wsgi:application" if wsgi else "tierdesk.asgi:application",
        address=args.host,
        port=args.port,
        workers=workers,
        # ASGI without lifespan: Channels' router has none.
        interface=Interfaces.WSGI if wsgi else Interfaces.ASGINL,
        websockets=not wsgi,
        log_level=LogLevels.warning,
    ).serve()


def worker(args: argparse.Namespace) -> None:
    _django()
    from django.core.management import call_command
    from django.utils import timezone

    from tierdesk.idempotency.middleware import prune as forget_old_idempotency_keys
    from tierdesk.mail.outbox import requeue as requeue_stalled_mail
    from tierdesk.reports.tasks import schedule_reviews
    from tierdesk.sla.tasks import schedule_sweep
    from tierdesk.stale_tasks import take_over_stale_claims
    from tierdesk.surveys.tasks import schedule_nps_wave
    from tierdesk.tickets.upload_limits import purge_orphaned_uploads

    def tick_forever() -> None:
        # Each worker's ticker queues the SLA sweep; whichever worker is free runs it.
        while True:
            try:
                schedule_sweep()
                requeue_stalled_mail(at=timezone.now())
                take_over_stale_claims(now=timezone.now())
                forget_old_idempotency_keys(now=timezone.now())
                purge_orphaned_uploads(now=timezone.now())
                schedule_nps_wave()  # at most one a day
                schedule_reviews()
            except Exception as exc:  # noqa: BLE001 - the next tick tries again
                print(f"could not queue the SLA sweep, retrying: {exc!r}", file=sys.stderr)  # noqa: T201
            time.sleep(args.sweep_seconds)

    threading.Thread(target=tick_forever, daemon=True, name="sla-ticker").start()
    call_command("db_worker", interval=1.0)


def migrate(args: argparse.Namespace) -> None:
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False)


def demo(args: argparse.Namespace) -> None:
    _django()
    from tierdesk.demo import load_demo

    summary = load_demo(tickets=args.tickets, seed=args.seed)
    print(summary)  # noqa: T201


def sla_verify(args: argparse.Namespace) -> None:
    _django()
    from tierdesk.sla.ledger import verify
    from tierdesk.sla.models import SlaClock

    clocks = SlaClock.objects.all()
    if args.ticket:
        clocks = clocks.filter(ticket_id__in=args.ticket)
    checked = wrong = 0
    for start in range(0, clocks.count(), 5000):
        chunk = list(clocks.order_by("pk")[start : start + 5000])
        checked += len(chunk)
        for mismatch in verify(chunk):
            wrong += 1
            print(f"clock {mismatch.clock_id}: {mismatch.why}")  # noqa: T201
    print(f"{checked} clocks replayed from the SLA ledger, {wrong} differ")  # noqa: T201
    if wrong:
        sys.exit(1)


def mail(args: argparse.Namespace) -> None:
    """Email in and out: `serve` the SMTP listener, `fetch` a Maildir, `retry` the outbox."""
    _django()
    from pathlib import Path

    from django.utils import timezone

    from tierdesk.mail import listener, maildir, outbox

    if args.action == "serve":
        # More processes share the port (SO_REUSEPORT): one per core, past the GIL.
        import subprocess

        again = [sys.executable, "-m", "tierdesk.cli", *sys.argv[1:], "--processes", "1"]
        helpers = [subprocess.Popen(again) for _ in range(args.processes - 1)]  # noqa: S603
        smtp = listener.controller(host=args.host, port=args.port)
        smtp.start()
        print(f"tierdesk mail on smtp://{smtp.hostname}:{smtp.port}  (Ctrl-C stops it)", flush=True)  # noqa: T201
        try:
            threading.Event().wait()
        finally:
            smtp.stop()
            for helper in helpers:
                helper.terminate()
    elif args.action == "fetch":
        while True:
            counts = maildir.fetch(Path(args.maildir))
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            print(summary or "no new email", flush=True)  # noqa: T201
            if not args.every:
                break
            time.sleep(args.every)
    else:
        print(f"{outbox.requeue(at=timezone.now(), failed=True)} email(s) queued again")  # noqa: T201


def createuser(args: argparse.Namespace) -> None:
    _django()
    from tierdesk.accounts.services import create_user, issue_token

    password = args.password
    if args.password_stdin:
        # Kept off the command line, where other users and the shell history can read it.
        password = sys.stdin.readline().rstrip("\r\n")
    user = create_user(username=args.username, email=args.email, password=password, role=args.role)
    print(f"created {user.username} ({user.role})")  # noqa: T201
    if args.token:
        _, raw = issue_token(user=user, name="cli")
        print(f"API token (shown once): {raw}")  # noqa: T201


def link_contact(args: argparse.Namespace) -> None:
    _django()
    from tierdesk.accounts.models import User
    from tierdesk.customers.models import Contact
    from tierdesk.customers.services import link_login
    from tierdesk.errors import NotFound

    contact = Contact.objects.filter(email=args.email.strip().lower()).first()
    if contact is None:
        raise NotFound(f"No contact with email {args.email}.")
    user = None
    if not args.unlink:
        user = User.objects.filter(username=args.username, is_active=True).first()
        if user is None:
            raise NotFound(f"No active user {args.username}.")
    contact = link_login(actor=None, contact=contact, user=user)
    login = contact.user.username if contact.user else "no login"
    print(f"{contact.email}: {login}")  # noqa: T201


def tokens(args: argparse.Namespace) -> None:
    _django()
    from tierdesk.accounts.models import ApiToken
    from tierdesk.accounts.selectors import operator_tokens
    from tierdesk.accounts.services import revoke_token
    from tierdesk.errors import NotFound

    if args.action == "revoke":
        token = ApiToken.objects.filter(pk=args.id).first()
        if token is None:
            raise NotFound(f"No token {args.id}.")
        token = revoke_token(token=token)
        print(f"token {token.pk} ({token.name}) revoked at {token.revoked_at:%Y-%m-%d %H:%M:%S}")  # noqa: T201
        return
    for token in operator_tokens(username=args.user):
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        print(f"{token.pk}\t{token.user.username}\t{token.name}\t{token.prefix}…\t{used}\t{state}")  # noqa: T201


def two_factor_reset(args: argparse.Namespace) -> None:
    _django()
    from tierdesk.accounts import two_factor
    from tierdesk.accounts.models import User
    from tierdesk.errors import NotFound

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise NotFound(f"No user {args.username}.")
    two_factor.reset(actor=None, user=user)
    print(f"two-factor sign-in reset for {user.username}: password alone until set up again")  # noqa: T201


def backup(args: argparse.Namespace) -> None:
    _django()
    from tierdesk.backup import backup as write_backup

    manifest = write_backup(archive=Path(args.archive))
    print(  # noqa: T201
        f"{args.archive}: {manifest['engine']} database and {manifest['media_files']} "
        f"file(s), {manifest['media_bytes']} bytes"
    )


def restore(args: argparse.Namespace) -> None:
    _django()
    from tierdesk.backup import restore as read_backup

    if not args.yes:
        sys.exit(
            "tierdesk restore replaces the whole database and every attachment; "
            "stop the servers and workers, then run it again with --yes"
        )
    manifest = read_backup(archive=Path(args.archive))
    print(f"restored the backup of {manifest['created_at']}")  # noqa: T201


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tierdesk", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="migrate, then serve HTTP and WebSockets on one port")
    p.add_argument("--host", default=os.environ.get("TIERDESK_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("TIERDESK_PORT", "8000")))
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("TIERDESK_WORKERS", "0")),
        help="server processes (default: one per core)",
    )
    p.add_argument("--server", choices=["uvicorn", "granian", "granian-wsgi"], default="uvicorn")
    p.set_defaults(func=serve)
    p = sub.add_parser("worker", help="run background tasks, the SLA sweep and NPS waves")
    p.add_argument("--sweep-seconds", type=float, default=30.0)
    p.set_defaults(func=worker)
    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=migrate)
    p = sub.add_parser("demo", help="load realistic demo data (idempotent)")
    p.add_argument("--tickets", type=int, default=2500)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=demo)
    p = sub.add_parser(
        "sla-verify", help="replay every clock from the SLA ledger and report any that differ"
    )
    p.add_argument("--ticket", type=int, action="append", help="only this ticket (repeatable)")
    p.set_defaults(func=sla_verify)
    p = sub.add_parser("mail", help="email: serve (SMTP listener), fetch (Maildir), retry")
    p.add_argument("action", choices=["serve", "fetch", "retry"])
    p.add_argument("--host", help="listen address (TIERDESK_MAIL_LISTEN_HOST)")
    p.add_argument("--port", type=int, help="listen port (TIERDESK_MAIL_LISTEN_PORT)")
    p.add_argument("--maildir", default=os.environ.get("TIERDESK_MAILDIR", ""))
    p.add_argument("--every", type=float, default=0, help="fetch again every N seconds")
    p.add_argument("--processes", type=int, default=1, help="listener processes (one per core)")
    p.set_defaults(func=mail)
    p = sub.add_parser("createuser", help="create a user; --token also prints an API token")
    p.add_argument("username")
    p.add_argument("--email", default="")
    secret = p.add_mutually_exclusive_group()
    secret.add_argument("--password", help="better: --password-stdin")
    secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    p.add_argument("--role", default="agent", choices=["admin", "manager", "agent", "customer"])
    p.add_argument("--token", action="store_true")
    p.set_defaults(func=createuser)
    p = sub.add_parser("link-contact", help="give a customer contact its login (or --unlink)")
    p.add_argument("email", help="the contact's email")
    p.add_argument("username", nargs="?", help="the customer login to link")
    p.add_argument("--unlink", action="store_true", help="take the contact's login away")
    p.set_defaults(func=link_contact)
    p = sub.add_parser("tokens", help="list API tokens, or revoke one at once")
    p.add_argument("action", choices=["list", "revoke"])
    p.add_argument("id", nargs="?", type=int, help="the token to revoke")
    p.add_argument("--user", help="list only this user's tokens")
    p.set_defaults(func=tokens)
    p = sub.add_parser("two-factor-reset", help="clear a user's two-factor (a lost phone)")
    p.add_argument("username")
    p.set_defaults(func=two_factor_reset)
    p = sub.add_parser("backup", help="the database and attachments into one .tar.gz")
    p.add_argument("archive")
    p.set_defaults(func=backup)
    p = sub.add_parser("restore", help="replace the database and attachments from a backup")
    p.add_argument("archive")
    p.add_argument("--yes", action="store_true", help="yes, replace everything")
    p.set_defaults(func=restore)
    from tierdesk.workforce.commands import add_parser as add_wfm

    add_wfm(sub, setup=_django)
    p = sub.add_parser("manage", help="any Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=lambda a: _manage(a.rest))
    args = parser.parse_args(argv)
    if args.command == "link-contact" and not args.unlink and not args.username:
        parser.error("link-contact needs a USERNAME, or --unlink")
    if args.command == "tokens" and args.action == "revoke" and args.id is None:
        parser.error("tokens revoke needs the token's ID (see tokens list)")
    from tierdesk.errors import TierdeskError

    try:
        args.func(args)
    except TierdeskError as error:
        parser.exit(2, f"tierdesk {args.command}: {error.message}\n")


def _manage(rest: list[str]) -> None:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tierdesk manage", *rest])


if __name__ == "__main__":
    main()
