"""Survey test helpers: a real SMTP server that keeps what we send, and the survey link."""

import re

import pytest
from aiosmtpd.controller import Controller

from tests.mail.conftest import Mailbox, drain, free_port

LINK = re.compile(r"http://desk\.example/survey/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.TIERDESK_MAIL_FROM = "Acme Support <support@desk.example>"
    settings.TIERDESK_SMTP_HOST = "127.0.0.1"
    settings.TIERDESK_SMTP_PORT = free_port()
    settings.TIERDESK_PUBLIC_URL = "http://desk.example"


@pytest.fixture
def mailbox(settings):
    box = Mailbox()
    smtp = Controller(box, hostname="127.0.0.1", port=settings.TIERDESK_SMTP_PORT)
    smtp.start()
    yield box
    smtp.stop()


def token_in(msg) -> str:
    """The survey token in an email as received."""
    return LINK.search(msg.get_body(("plain",)).get_content()).group(1)


__all__ = ["drain", "token_in"]
