"""Who is asked: rules by tier and channel, days between surveys, opt-out, chats, NPS waves."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from tierdesk.surveys import services
from tierdesk.surveys.models import Survey, SurveyRule
from tierdesk.surveys.tasks import nps_wave, schedule_nps_wave
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import EventKind

from .conftest import drain

SOLVED = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)


def solve(ticket, agent, at):
    with time_machine.travel(at, tick=False):
        tickets.change_status(actor=agent, ticket=ticket, status="solved", at=at)
        drain()


def kinds(ticket):
    return sorted(Survey.objects.filter(ticket=ticket).values_list("kind", flat=True))


def rule(kind, **scope):
    return SurveyRule.objects.create(kind=kind, **scope)


def test_the_default_rules_ask_csat_and_ces_after_a_solve(ticket, alice):
    solve(ticket, alice, SOLVED)
    assert kinds(ticket) == ["ces", "csat"]


def test_a_disabled_tier_rule_beats_the_rule_for_all_tiers(ticket, alice, tiers):
    rule("csat", tier=tiers["Premium"], enabled=False)
    solve(ticket, alice, SOLVED)
    assert kinds(ticket) == ["ces"]


def test_a_channel_rule_applies_to_that_channel_only(carol, alice, tiers):
    rule("ces", channel="email", enabled=False)
    by_mail = tickets.open_ticket(actor=carol, subject="A", body="x", channel="email", at=SOLVED)
    by_web = tickets.open_ticket(actor=carol, subject="B", body="x", channel="web", at=SOLVED)
    solve(by_mail, alice, SOLVED)
    solve(by_web, alice, SOLVED + timedelta(minutes=1))
    assert kinds(by_mail) == ["csat"]
    assert kinds(by_web) == ["ces", "csat"]


def test_tier_and_channel_together_is_the_most_specific(carol, alice, tiers):
    rule("csat", tier=tiers["Premium"], enabled=False)
    rule("csat", tier=tiers["Premium"], channel="web", enabled=True)
    web = tickets.open_ticket(actor=carol, subject="B", body="x", channel="web", at=SOLVED)
    mail = tickets.open_ticket(actor=carol, subject="A", body="x", channel="email", at=SOLVED)
    solve(web, alice, SOLVED)
    solve(mail, alice, SOLVED)
    assert kinds(web) == ["ces", "csat"]
    assert kinds(mail) == ["ces"]


def test_days_between_surveys_decide_a_reopened_ticket_solved_again(ticket, alice):
    SurveyRule.objects.filter(kind="csat", tier=None, channel=None).update(min_days_between=7)
    solve(ticket, alice, SOLVED)
    tickets.change_status(actor=alice, ticket=ticket, status="open", at=SOLVED + timedelta(days=1))
    solve(ticket, alice, SOLVED + timedelta(days=2))
    # CSAT once within 7 days; CES has no limit: one per solve.
    assert kinds(ticket) == ["ces", "ces", "csat"]
    tickets.change_status(actor=alice, ticket=ticket, status="open", at=SOLVED + timedelta(days=8))
    solve(ticket, alice, SOLVED + timedelta(days=8))
    assert kinds(ticket) == ["ces", "ces", "ces", "csat", "csat"]


def test_one_survey_of_a_kind_per_solve_even_if_the_event_is_delivered_twice(ticket, alice):
    solve(ticket, alice, SOLVED)
    solved = ticket.events.get(kind=EventKind.STATUS_CHANGED, after="solved")
    services.create_ticket_surveys(event=solved, kinds=("csat", "ces"), at=SOLVED)
    assert kinds(ticket) == ["ces", "csat"]


def test_a_delay_holds_the_email_and_the_survey_stays_open_from_the_send(ticket, alice, mailbox):
    SurveyRule.objects.filter(kind__in=["csat", "ces"]).update(delay_minutes=60, open_days=3)
    solve(ticket, alice, SOLVED)
    assert mailbox.received == []
    with time_machine.travel(SOLVED + timedelta(minutes=90), tick=False):
        drain()
    assert len(mailbox.received) == 1
    csat = Survey.objects.get(ticket=ticket, kind="csat")
    assert csat.sent_at == SOLVED + timedelta(minutes=90)
    assert csat.closes_at == SOLVED + timedelta(days=3, minutes=90)


def test_a_contact_who_opts_out_before_the_send_gets_nothing(ticket, alice, carol, mailbox):
    SurveyRule.objects.filter(kind__in=["csat", "ces"]).update(delay_minutes=60)
    solve(ticket, alice, SOLVED)
    services.set_opt_out(actor=carol, contact=carol.contact, opted_out=True, at=SOLVED)
    with time_machine.travel(SOLVED + timedelta(minutes=90), tick=False):
        drain()
    assert mailbox.received == []
    assert not Survey.objects.filter(sent_at__isnull=False).exists()


def test_a_finished_chat_asks_for_ces_only(carol, alice, mailbox):
    chat = tickets.open_ticket(actor=carol, subject="Chat", body="Hi", channel="chat", at=SOLVED)
    with time_machine.travel(SOLVED, tick=False):
        tickets.record_event(ticket=chat, kind=EventKind.CHAT_ENDED, actor=alice, at=SOLVED)
        drain()
    assert kinds(chat) == ["ces"]
    [(_, _, msg)] = mailbox.received
    assert "How easy was it" in msg.get_body(("plain",)).get_content()
    assert "How satisfied" not in msg.get_body(("plain",)).get_content()


WAVE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def nps_contacts():
    return sorted(Survey.objects.filter(kind="nps").values_list("contact__email", flat=True))


def test_the_nps_wave_asks_each_contact_once_per_period(carol, bob, mailbox):
    with time_machine.travel(WAVE, tick=False):
        assert len(services.start_nps_wave(at=WAVE)) == 2
        drain()
    assert sorted(r for _, rcpt, _ in mailbox.received for r in rcpt) == [
        "bob@globex.example",
        "carol@acme.example",
    ]
    assert mailbox.received[0][2]["Subject"] == "Would you recommend us? One question"
    assert services.start_nps_wave(at=WAVE + timedelta(days=89)) == []
    assert len(services.start_nps_wave(at=WAVE + timedelta(days=90, seconds=1))) == 2
    assert nps_contacts() == ["bob@globex.example"] * 2 + ["carol@acme.example"] * 2


def test_the_nps_wave_respects_opt_out_and_tier_rules(carol, bob, tiers):
    services.set_opt_out(actor=carol, contact=carol.contact, opted_out=True, at=WAVE)
    assert len(services.start_nps_wave(at=WAVE)) == 1
    assert nps_contacts() == ["bob@globex.example"]
    rule("nps", tier=tiers["Basic"], enabled=False)
    services.set_opt_out(actor=carol, contact=carol.contact, opted_out=False, at=WAVE)
    later = WAVE + timedelta(days=200)
    services.start_nps_wave(at=later)
    assert nps_contacts() == ["bob@globex.example", "carol@acme.example"]


def test_the_nps_wave_is_queued_at_most_once_a_day(carol):
    with time_machine.travel(WAVE, tick=False):
        assert schedule_nps_wave() is True
        assert schedule_nps_wave() is False
    with time_machine.travel(WAVE + timedelta(days=1, seconds=1), tick=False):
        assert schedule_nps_wave() is True
    assert DBTaskResult.objects.filter(task_path=nps_wave.module_path).count() == 2


@pytest.mark.parametrize(
    ("actor", "opted_out", "status", "refusal"),
    [
        ("bob", True, 404, "No contact"),
        ("alice", False, 403, "Only the contact can ask to receive surveys again."),
    ],
)
def test_opt_out_refusals(api, carol, bob, alice, actor, opted_out, status, refusal):
    who = {"bob": bob, "alice": alice}[actor]
    response = api(who).post(
        f"/contacts/{carol.contact.pk}/survey-opt-out", {"opted_out": opted_out}
    )
    assert response.status_code == status
    assert refusal in response.body["error"]["message"]
    carol.contact.refresh_from_db()
    assert carol.contact.survey_opt_out_at is None
