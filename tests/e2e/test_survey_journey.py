"""A customer answers the survey an email brings, changes the answer, and finds it in the portal."""

import importlib
import re

import pytest
from django.apps import apps as django_apps

from tests.e2e.test_agent_journey import sign_in
from tests.mail.conftest import _mail_settings, drain, mailbox
from tierdesk.surveys.models import Survey
from tierdesk.tickets import services as tickets

__all__ = ["_mail_settings", "mailbox"]


@pytest.fixture
def default_rules(tiers):
    """The migration's rules; a transactional test's flush removes them, so reinstall."""
    importlib.import_module("tierdesk.surveys.migrations.0002_default_rules").install(
        django_apps, None
    )


@pytest.mark.django_db(transaction=True)
def test_a_customer_answers_a_survey_from_the_email(
    page, live_server, settings, default_rules, mailbox, ticket, alice, carol
):
    settings.TIERDESK_PUBLIC_URL = live_server.url
    tickets.change_status(actor=alice, ticket=ticket, status="solved")
    drain()
    text = mailbox.received[0][2].get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(live_server.url)}/survey/[A-Za-z0-9_-]+/", text).group(0)
    csat = Survey.objects.get(ticket=ticket, kind="csat")
    ces = Survey.objects.get(ticket=ticket, kind="ces")

    page.goto(link)
    page.check(f"input[name=score_{csat.pk}][value='4']")
    page.check(f"input[name=score_{ces.pk}][value='6']")
    page.fill("textarea[name=comment]", "Quick and kind")
    page.click("text=Send")
    page.locator(".thanks").wait_for()
    assert page.locator(f"input[name=score_{csat.pk}][value='4']").is_checked()
    page.check(f"input[name=score_{csat.pk}][value='5']")
    page.click("text=Change my answer")
    page.locator(".thanks").wait_for()
    csat.refresh_from_db()
    ces.refresh_from_db()
    assert (csat.score, csat.comment, ces.score) == (5, "Quick and kind", 6)

    sign_in(page, live_server, "carol", "pw-carol-123")
    portal = page.locator(".open-surveys")
    assert "answered 5" in portal.inner_text()
    portal.locator("a").click()
    assert page.locator(f"input[name=score_{csat.pk}][value='5']").is_checked()
