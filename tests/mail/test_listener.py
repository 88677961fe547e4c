"""tierdesk's SMTP listener on loopback: it answers 250 only once the email is recorded."""

import smtplib

import pytest

from tests.mail.conftest import corpus, crlf
from tierdesk.mail import services
from tierdesk.mail.models import InboundEmail, Outcome
from tierdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def send(listener, raw, to="support@desk.example"):
    with smtplib.SMTP(listener.hostname, listener.port, timeout=10) as smtp:
        return smtp.sendmail("dana.fischer@gmail.com", [to], crlf(raw))


def test_an_email_over_smtp_opens_a_ticket(tiers, our_listener):
    assert send(our_listener, corpus("gmail_new.eml")) == {}
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.channel) == ("Cannot sign in after password reset", "email")
    assert InboundEmail.objects.get().outcome == Outcome.CREATED


def test_an_8bit_shift_jis_email_arrives_over_smtp(tiers, our_listener):
    send(our_listener, corpus("shift_jis.eml"))
    assert Ticket.objects.get().subject == "請求書の宛先について"


def test_recipients_outside_our_domain_are_refused(tiers, our_listener):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(our_listener, corpus("gmail_new.eml"), to="someone@elsewhere.example")
    assert refused.value.recipients["someone@elsewhere.example"][0] == 550
    assert not InboundEmail.objects.exists()


def test_a_failure_to_record_answers_try_later(tiers, our_listener, monkeypatch):
    def database_down(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr("tierdesk.mail.listener.receive", database_down)
    with pytest.raises(smtplib.SMTPDataError) as later:
        send(our_listener, corpus("gmail_new.eml"))
    assert later.value.smtp_code == 451
    assert not Ticket.objects.exists()


def test_the_listener_and_receive_are_one_path(tiers, our_listener, monkeypatch):
    seen = []
    real = services.receive

    def spy(raw, **kwargs):
        seen.append(kwargs["recipients"])
        return real(raw, **kwargs)

    monkeypatch.setattr("tierdesk.mail.listener.receive", spy)
    send(our_listener, corpus("gmail_new.eml"), to="Support+t9@desk.example")
    assert seen == [["Support+t9@desk.example"]]
