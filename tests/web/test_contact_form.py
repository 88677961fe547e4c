"""The public contact form: no login, CSRF, honeypot, rate limits, tier gating, files."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tierdesk.customers.models import Contact, Interaction, InteractionKind, Organization
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.tickets.models import Attachment, Message, Ticket
from tierdesk.tiers.models import Tier
from tierdesk.tiers.services import remove_coverage

WEDNESDAY_NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def form(**overrides):
    data = {
        "name": "Sam Stranger",
        "email": "sam@stranger.example",
        "subject": "Invoice question",
        "body": "Why was I charged twice?",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_form_needs_no_login_and_carries_a_csrf_token_and_a_hidden_honeypot(tiers):
    page = Client().get("/contact/")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.text
    assert re.search(r'<div class="hp" aria-hidden="true">.*name="website"', page.text, re.S)


def test_a_post_without_csrf_token_is_refused(tiers):
    response = Client(enforce_csrf_checks=True).post("/contact/", form())
    assert response.status_code == 403
    assert Ticket.objects.count() == 0 and Contact.objects.count() == 0


def test_a_stranger_gets_a_reference_and_is_told_to_expect_email(tiers):
    client = Client()
    response = client.post("/contact/", form(), follow=True)
    ticket = Ticket.objects.get()
    assert ticket.channel == "web" and ticket.tier.name == "Basic"
    assert ticket.requester.email == "sam@stranger.example" and ticket.requester.user is None
    assert f'Your reference is <strong class="reference">#{ticket.pk}</strong>' in response.text
    assert "You will hear back from us by email." in response.text
    assert "sign in" not in response.text
    # The reference is all an anonymous visitor gets: the ticket itself needs a login.
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 302
    assert "Why was I charged twice?" not in response.text


def test_a_forged_confirmation_reference_is_not_shown(tiers):
    response = Client().get("/contact/sent/?ref=eyJ0aWNrZXQiOjF9:forged")
    assert response.status_code == 302 and response.url == "/contact/"


def test_a_known_contacts_message_lands_in_their_organization(carol):
    Client().post("/contact/", form(email="Carol@Acme.example", name="Carol"))
    ticket = Ticket.objects.get()
    assert ticket.requester == carol.contact and ticket.tier.name == "Premium"
    assert ticket.messages.get().author_kind == "customer"


def test_the_honeypot_writes_nothing_and_looks_like_success(tiers):
    response = Client().post("/contact/", form(website="http://spam.example"))
    assert response.status_code == 200
    assert "Thank you" in response.text and "reference" not in response.text
    assert Ticket.objects.count() == 0 and Contact.objects.count() == 0


def test_missing_fields_are_named_and_nothing_is_written(tiers):
    response = Client().post("/contact/", form(subject="", email="not-an-address"))
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert "Enter a valid email address." in response.text
    assert Ticket.objects.count() == 0 and Contact.objects.count() == 0


def test_a_file_is_attached_to_the_first_message(tiers):
    upload = SimpleUploadedFile("invoice.pdf", b"%PDF-1.7", content_type="application/pdf")
    Client().post("/contact/", {**form(), "attachment": upload})
    attachment = Attachment.objects.get()
    assert attachment.message == Ticket.objects.get().messages.get()
    assert attachment.filename == "invoice.pdf" and attachment.uploaded_by is None


@override_settings(TIERDESK_MAX_ATTACHMENT_BYTES=10)
def test_an_oversized_file_is_refused_before_anything_is_written(tiers):
    upload = SimpleUploadedFile("big.bin", b"x" * 11)
    response = Client().post("/contact/", {**form(), "attachment": upload})
    assert response.status_code == 413
    assert "limited to 10 bytes" in response.text
    assert Ticket.objects.count() == 0 and Contact.objects.count() == 0
    assert Attachment.objects.count() == 0


@override_settings(TIERDESK_CONTACT_FORM_PER_IP=3)
def test_the_fourth_post_in_an_hour_from_one_network_gets_429(tiers):
    client = Client(REMOTE_ADDR="203.0.113.7")
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        for i in range(3):
            assert client.post("/contact/", form(email=f"s{i}@x.example")).status_code == 302
        response = client.post("/contact/", form(email="s9@x.example"))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert (
        "Too many messages from your network: we accept 3 an hour. "
        "Please try again in 60 minutes" in response.text
    )
    assert Ticket.objects.count() == 3
    other = Client(REMOTE_ADDR="198.51.100.1")
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        assert other.post("/contact/", form(email="t@x.example")).status_code == 302
    with time_machine.travel(datetime(2026, 3, 4, 13, 0, tzinfo=UTC), tick=False):
        assert client.post("/contact/", form(email="s9@x.example")).status_code == 302


@override_settings(TIERDESK_CONTACT_FORM_PER_ADDRESS=2)
def test_one_address_is_limited_whatever_network_it_comes_from(tiers):
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        for i in range(2):
            sent = Client(REMOTE_ADDR=f"192.0.2.{i}").post("/contact/", form())
            assert sent.status_code == 302
        response = Client(REMOTE_ADDR="192.0.2.99").post(
            "/contact/", form(email="SAM@stranger.example")
        )
    assert response.status_code == 429
    assert "Too many messages from this address: we accept 2 an hour." in response.text
    assert Ticket.objects.count() == 2


def test_a_tier_without_the_web_gets_the_polite_refusal_on_its_timeline(dave, tiers):
    phone_only = Tier.objects.create(name="Phone only", rank=9)
    from tierdesk.tiers.models import BusinessCalendar
    from tierdesk.tiers.services import set_coverage

    calendar = BusinessCalendar.objects.get(name="Around the clock")
    set_coverage(actor=dave, tier=phone_only, channel="phone", calendar=calendar)
    set_coverage(actor=dave, tier=phone_only, channel="web", calendar=calendar)
    remove_coverage(actor=dave, tier=phone_only, channel="web")
    org = create_organization(actor=None, name="Callers", tier=phone_only)
    create_contact(actor=None, organization=org, name="Cal", email="cal@callers.example")
    response = Client().post("/contact/", form(email="cal@callers.example"))
    assert response.status_code == 409
    assert "Phone only tier has no web form and portal; please contact us by phone" in (
        response.text
    )
    assert Ticket.objects.count() == 0 and Message.objects.count() == 0
    [refusal] = Interaction.objects.filter(organization=org)
    assert refusal.kind == InteractionKind.CHANNEL_REFUSED and refusal.channel == "web"


def test_anonymous_header_offers_contact_and_sign_in(tiers):
    page = Client().get("/contact/")
    assert 'href="/login/"' in page.text and "Your plan" not in page.text


@pytest.mark.parametrize("name", ["", "   "])
def test_a_blank_name_uses_the_address(tiers, name):
    Client().post("/contact/", form(name=name))
    assert Contact.objects.get().name == "sam"
    assert Organization.objects.count() == 1
