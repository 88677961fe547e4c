"""Survey test helpers: the mail tests' real SMTP server, and the survey link in an email."""

import re

import pytest

from tests.mail.conftest import _mail_settings, drain, mailbox

LINK = re.compile(r"http://desk\.example/survey/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.TIERDESK_PUBLIC_URL = "http://desk.example"


def token_in(msg) -> str:
    """The survey token in an email as received."""
    return LINK.search(msg.get_body(("plain",)).get_content()).group(1)


__all__ = ["_mail_settings", "drain", "mailbox", "token_in"]
