"""A solve to a survey email through a real SMTP server, answered, changed, then closed."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client

from tierdesk.customers.models import Interaction
from tierdesk.mail.models import OutboundEmail
from tierdesk.surveys.models import Survey
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import EventKind

from .conftest import drain, token_in

SOLVED = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)


def solve(ticket, agent, at):
    with time_machine.travel(at, tick=False):
        tickets.change_status(actor=agent, ticket=ticket, status="solved", at=at)
        drain()


def test_a_solve_emails_csat_and_ces_on_one_page_answered_changed_and_closed(
    ticket, alice, mailbox
):
    solve(ticket, alice, SOLVED)

    [(_, rcpt, msg)] = mailbox.received
    assert rcpt == ["carol@acme.example"]
    assert msg["Subject"] == f"How did we do? Printer on fire [#{ticket.pk}]"
    assert msg["Auto-Submitted"] == "auto-generated"
    # A survey is its own kind of email: it must not count as a notice to the sender.
    assert list(OutboundEmail.objects.values_list("kind", flat=True)) == ["survey"]
    text = msg.get_body(("plain",)).get_content()
    assert "How satisfied are you" in text and "How easy was it" in text
    assert "until 10 March 2026 11:00 UTC" in text
    token = token_in(msg)
    assert f"http://desk.example/survey/{token}/opt-out" in text
    csat, ces = Survey.objects.filter(ticket=ticket).order_by("kind").reverse()
    assert (csat.kind, ces.kind) == ("csat", "ces")
    assert csat.sent_at == SOLVED and csat.closes_at == SOLVED + timedelta(days=7)
    assert token not in (csat.token_digest, ces.token_digest)  # only the digest is kept
    sent = ticket.events.filter(kind=EventKind.SURVEY_SENT)
    assert sorted(e.data["survey_kind"] for e in sent) == ["ces", "csat"]

    page = Client(enforce_csrf_checks=True)
    with time_machine.travel(SOLVED + timedelta(hours=1), tick=False):
        form = page.get(f"/survey/{token}/")
        assert form.status_code == 200
        assert f'name="score_{csat.pk}" value="5"' in form.text
        assert f'name="score_{ces.pk}" value="7"' in form.text
        assert "No more surveys" in form.text
        assert page.post(f"/survey/{token}/", {f"score_{csat.pk}": "4"}).status_code == 403
        csrf = page.cookies["csrftoken"].value
        answered = page.post(
            f"/survey/{token}/",
            {
                f"score_{csat.pk}": "4",
                f"score_{ces.pk}": "6",
                "comment": "<b>Quick</b> & kind<script>alert(1)</script>",
                "csrfmiddlewaretoken": csrf,
            },
        )
    assert answered.status_code == 200
    assert "Thank you!" in answered.text
    csat.refresh_from_db()
    ces.refresh_from_db()
    assert (csat.score, csat.comment, csat.answered_at) == (
        4,
        "Quick & kind",
        SOLVED + timedelta(hours=1),
    )
    assert (ces.score, ces.comment) == (6, "")

    with time_machine.travel(SOLVED + timedelta(days=2), tick=False):
        changed = page.post(
            f"/survey/{token}/",
            {f"score_{csat.pk}": "5", "comment": "Even better", "csrfmiddlewaretoken": csrf},
        )
    assert changed.status_code == 200
    csat.refresh_from_db()
    ces.refresh_from_db()
    assert (csat.score, csat.comment) == (5, "Even better")
    assert csat.answered_at == SOLVED + timedelta(hours=1)
    assert csat.updated_at == SOLVED + timedelta(days=2)
    assert ces.score == 6  # left blank the second time: kept
    answers = ticket.events.filter(kind=EventKind.SURVEY_ANSWERED).order_by("at", "id")
    assert [(e.data["survey_kind"], e.before, e.after) for e in answers] == [
        ("csat", None, 4),
        ("ces", None, 6),
        ("csat", 4, 5),
    ]
    timeline = Interaction.objects.filter(kind="survey_answered").order_by("occurred_at", "id")
    assert [i.summary for i in timeline] == [
        "Carol answered CSAT 4/5: Quick & kind",
        "Carol answered CES 6/7",
        "Carol changed the answer to CSAT 5/5: Even better",
    ]

    with time_machine.travel(SOLVED + timedelta(days=7), tick=False):
        closed = page.get(f"/survey/{token}/")
        late = page.post(
            f"/survey/{token}/", {f"score_{csat.pk}": "1", "csrfmiddlewaretoken": csrf}
        )
    assert closed.status_code == 410
    assert "This survey has closed" in closed.text
    assert late.status_code == 410
    csat.refresh_from_db()
    assert csat.score == 5


def test_an_unknown_token_is_404_and_a_bad_score_422_writes_nothing(ticket, alice, mailbox):
    solve(ticket, alice, SOLVED)
    token = token_in(mailbox.received[0][2])
    csat = Survey.objects.get(ticket=ticket, kind="csat")
    page = Client()
    with time_machine.travel(SOLVED + timedelta(hours=1), tick=False):
        assert page.get("/survey/not-a-token/").status_code == 404
        refused = page.post(f"/survey/{token}/", {f"score_{csat.pk}": "6", "comment": "x"})
        missing = page.post(f"/survey/{token}/", {"comment": "no score"})
        too_long = page.post(f"/survey/{token}/", {f"score_{csat.pk}": "3", "comment": "x" * 2001})
    assert refused.status_code == 422
    assert "Choose a score from 1 to 5." in refused.text
    assert missing.status_code == 422
    assert "Choose a score." in missing.text
    assert too_long.status_code == 422
    assert "the limit is 2000" in too_long.text
    csat.refresh_from_db()
    assert (csat.score, csat.answered_at, csat.comment) == (None, None, "")
    assert not ticket.events.filter(kind=EventKind.SURVEY_ANSWERED).exists()


def test_the_opt_out_link_stops_later_surveys(ticket, alice, carol, mailbox):
    solve(ticket, alice, SOLVED)
    token = token_in(mailbox.received[0][2])
    page = Client()
    with time_machine.travel(SOLVED + timedelta(hours=1), tick=False):
        assert "Stop our surveys?" in page.get(f"/survey/{token}/opt-out").text
        done = page.post(f"/survey/{token}/opt-out")
    assert "no more surveys" in done.text
    carol.contact.refresh_from_db()
    assert carol.contact.survey_opt_out_at == SOLVED + timedelta(hours=1)
    second = tickets.open_ticket(
        actor=carol, subject="Again", body="Hi", channel="email", at=SOLVED
    )
    solve(second, alice, SOLVED + timedelta(days=1))
    assert not Survey.objects.filter(ticket=second).exists()
    assert len(mailbox.received) == 1
