"""The SMTP listener (aiosmtpd): every accepted email goes through ``services.receive``.

It answers 250 only once the email is recorded (a ticket, a reply, or a logged refusal),
and 451 "try again later" when it could not be (the database is down): the sending server
keeps the email and retries, so nothing is lost. Recipients outside our reply domain are
refused at RCPT: the listener takes mail for tierdesk, it relays nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from tierdesk.mail import outbox
from tierdesk.mail.services import receive

log = logging.getLogger(__name__)
# Largest email accepted: above the attachment limit, so an oversized file still arrives
# and its sender is told, instead of a bare SMTP refusal.
MAX_EMAIL_BYTES = 64 * 1_048_576


def _receive_in_thread(raw: bytes, recipients: list[str]) -> str:
    close_old_connections()
    try:
        return receive(raw, at=timezone.now(), recipients=recipients).outcome
    finally:
        close_old_connections()


class TicketHandler:
    def __init__(self, *, threads: int = 4) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mail-in")

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        domain = outbox.reply_base().partition("@")[2]
        if address.lower().rpartition("@")[2] != domain:
            return f"550 5.7.1 We only take email for {domain}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(
                self.pool, _receive_in_thread, raw, list(envelope.rcpt_tos)
            )
        except Exception:
            log.exception("could not record an incoming email; the sender will retry")
            return "451 4.3.0 Could not record the message now; please try again later"
        return f"250 2.0.0 Message accepted ({outcome})"


class SharedPortController(Controller):
    """A controller whose socket shares its port (SO_REUSEPORT) with the other listener
    processes: the kernel spreads connections over them, one Python process per core."""

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self.loop.create_server(
            self._factory_invoker,
            host=self.hostname,
            port=self.port,
            ssl=self.ssl_context,
            reuse_port=True,
        )


def controller(*, host: str | None = None, port: int | None = None) -> Controller:
    return SharedPortController(
        TicketHandler(),
        hostname=host or settings.TIERDESK_MAIL_LISTEN_HOST,
        port=port if port is not None else settings.TIERDESK_MAIL_LISTEN_PORT,
        data_size_limit=MAX_EMAIL_BYTES,
        enable_SMTPUTF8=True,
        decode_data=False,
    )
