"""Mail test helpers: the corpus, a loopback SMTP server that keeps what we send, our listener.

Both SMTP ends are real aiosmtpd servers on 127.0.0.1: nothing is mocked between smtplib
and the socket.
"""

import socket
import threading
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import run_queued_tasks
from tierdesk.mail import listener

CORPUS = Path(__file__).parent / "corpus"
OUR_FROM = "Acme Support <support@desk.example>"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def crlf(raw: bytes) -> bytes:
    """The corpus is stored with Unix line ends; on the wire SMTP lines end in CRLF."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An SMTP server's handler that keeps every email it accepts, or refuses them all."""

    def __init__(self):
        self.received = []
        self.refuse_with = None
        self.arrived = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        self.arrived.set()
        return "250 OK"


@pytest.fixture(autouse=True)
def _mail_settings(settings, tmp_path):
    settings.TIERDESK_MAIL_FROM = OUR_FROM
    settings.TIERDESK_MAIL_REPLY_TO = ""
    settings.TIERDESK_SMTP_HOST = "127.0.0.1"
    settings.TIERDESK_SMTP_PORT = free_port()  # nothing listens there unless `mailbox` runs
    settings.TIERDESK_MAX_ATTACHMENT_BYTES = 32_768
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mailbox(settings):
    """The customer's (and staff's) mail server: what tierdesk sends arrives here."""
    box = Mailbox()
    smtp = Controller(box, hostname="127.0.0.1", port=settings.TIERDESK_SMTP_PORT)
    smtp.start()
    yield box
    smtp.stop()


@pytest.fixture
def our_listener():
    """tierdesk's own SMTP listener, as `tierdesk mail serve` runs it."""
    smtp = listener.controller(host="127.0.0.1", port=free_port())
    smtp.start()
    yield smtp
    smtp.stop()


def drain() -> int:
    """Run queued tasks until none is ready (a task may queue another: the send after the
    event); returns how many ran."""
    total = 0
    while ran := run_queued_tasks():
        total += ran
    return total
