"""The portal lists a customer's open surveys; agents read answers on the ticket page."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from tierdesk.surveys import services
from tierdesk.surveys.models import Survey
from tierdesk.tickets import services as tickets

from .conftest import drain

SOLVED = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
LATER = SOLVED + timedelta(hours=2)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def csat(ticket, alice, mailbox):
    with time_machine.travel(SOLVED, tick=False):
        tickets.change_status(actor=alice, ticket=ticket, status="solved", at=SOLVED)
        drain()
    return Survey.objects.get(ticket=ticket, kind="csat")


def test_a_customer_answers_an_open_survey_from_the_portal(csat, carol):
    client = signed_in(carol)
    with time_machine.travel(LATER, tick=False):
        listed = client.get("/")
        assert "Your opinion, please" in listed.text
        assert f'href="/surveys/{csat.pk}/"' in listed.text
        assert client.get(f"/surveys/{csat.pk}/").status_code == 200
        done = client.post(f"/surveys/{csat.pk}/", {f"score_{csat.pk}": "2", "comment": "Slow"})
    assert "Thank you!" in done.text
    csat.refresh_from_db()
    assert (csat.score, csat.comment, csat.answered_at) == (2, "Slow", LATER)
    with time_machine.travel(LATER, tick=False):
        assert "answered 2, change until 10 Mar" in client.get("/").text


def test_another_organization_sees_no_survey_of_ours(csat, bob):
    client = signed_in(bob)
    with time_machine.travel(LATER, tick=False):
        assert "Your opinion, please" not in client.get("/").text
        assert client.get(f"/surveys/{csat.pk}/").status_code == 404
        posted = client.post(f"/surveys/{csat.pk}/", {f"score_{csat.pk}": "1"})
    assert posted.status_code == 404
    csat.refresh_from_db()
    assert csat.score is None


def test_agents_see_the_score_and_comment_on_the_ticket(csat, alice, ticket):
    services.answer_surveys(
        surveys=[csat], scores={csat.pk: 4}, comment="Fast <i>and</i>\nfriendly", at=LATER
    )
    page = signed_in(alice).get(f"/tickets/{ticket.pk}/").text
    assert "Survey answers" in page
    assert "CSAT 4/5" in page
    assert "Fast and<br>friendly" in page
    assert "Your opinion, please" not in page


def test_a_closed_survey_leaves_the_portal(csat, carol):
    with time_machine.travel(SOLVED + timedelta(days=7), tick=False):
        page = signed_in(carol).get("/").text
    assert "Your opinion, please" not in page
