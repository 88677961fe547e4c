"""The customer portal: files on new tickets, replies on closed tickets, the plan page."""

from datetime import UTC, datetime

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tierdesk.accounts.models import User
from tierdesk.customers.models import Organization
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Attachment, Ticket

# Tuesday 3 March 2026 (GMT): Premium's Extended hours are Mon-Fri 08-20 London.
TUESDAY_10 = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
TUESDAY_NIGHT = datetime(2026, 3, 3, 22, 0, tzinfo=UTC)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def closed(ticket, agent):
    tickets.reply(actor=agent, ticket=ticket, body="Done", status="solved", at=ticket.created_at)
    return tickets.change_status(actor=agent, ticket=ticket, status="closed")


def test_a_customer_opens_a_ticket_with_a_file(carol):
    client = signed_in(carol)
    assert 'enctype="multipart/form-data"' in client.get("/tickets/new/").text
    upload = SimpleUploadedFile("screen.png", b"\x89PNG", content_type="image/png")
    response = client.post(
        "/tickets/new/",
        {
            "subject": "Broken",
            "body": "See the screenshot",
            "priority": "normal",
            "attachment": upload,
        },
    )
    ticket = Ticket.objects.get(subject="Broken")
    assert response.status_code == 302 and response.url == f"/tickets/{ticket.pk}/"
    attachment = Attachment.objects.get()
    assert attachment.message == ticket.messages.get() and attachment.uploaded_by == carol
    page = client.get(f"/tickets/{ticket.pk}/")
    assert f'href="/tickets/{ticket.pk}/attachments/{attachment.pk}/">screen.png</a>' in page.text


def test_a_customer_is_offered_only_the_priorities_their_tier_allows(carol, alice):
    # carol's organization is Premium: at most "high" (README, Accounts and access).
    client = signed_in(carol)
    form = client.get("/tickets/new/").text
    assert '<option value="high"' in form and '<option value="urgent"' not in form
    response = client.post("/tickets/new/", {"subject": "Down", "body": "x", "priority": "urgent"})
    assert response.status_code == 422 and Ticket.objects.count() == 0
    assert '<option value="urgent"' in signed_in(alice).get("/tickets/new/").text


@override_settings(TIERDESK_MAX_ATTACHMENT_BYTES=10)
def test_an_oversized_file_on_a_new_ticket_writes_nothing(carol):
    upload = SimpleUploadedFile("big.bin", b"x" * 11)
    response = signed_in(carol).post(
        "/tickets/new/", {"subject": "Big", "body": "x", "priority": "normal", "attachment": upload}
    )
    assert response.status_code == 413
    assert "limited to 10 bytes" in response.text
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def test_a_reply_on_a_closed_ticket_lands_on_the_follow_up_and_says_so(alice, carol, ticket):
    closed(ticket, alice)
    client = signed_in(carol)
    response = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "It is on fire again", "kind": "public"},
        follow=True,
    )
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert response.redirect_chain == [(f"/tickets/{follow_up.pk}/", 302)]
    assert (
        f'Your ticket was closed, so we opened follow-up <a href="/tickets/{follow_up.pk}/">'
        f"#{follow_up.pk}</a> with your message." in response.text
    )
    assert "It is on fire again" in response.text


def test_an_htmx_reply_on_a_closed_ticket_redirects_the_page(alice, carol, ticket):
    closed(ticket, alice)
    response = signed_in(carol).post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "Again", "kind": "public"},
        headers={"HX-Request": "true"},
    )
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/tickets/{follow_up.pk}/"


def test_a_closed_ticket_tells_the_customer_a_reply_opens_a_follow_up(alice, carol, ticket):
    closed(ticket, alice)
    page = signed_in(carol).get(f"/tickets/{ticket.pk}/")
    assert "your message will open a follow-up ticket" in page.text


def test_the_api_reply_on_a_closed_ticket_names_the_follow_up(api, alice, carol, ticket):
    closed(ticket, alice)
    response = api(carol).post(f"/tickets/{ticket.pk}/reply", {"body": "Again"})
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert response.status_code == 201
    assert response.body["ticket_id"] == follow_up.pk != ticket.pk


def test_the_api_schema_documents_ticket_id_on_messages(db):
    schema = Client().get("/api/openapi.json").json()
    assert "ticket_id" in schema["components"]["schemas"]["MessageOut"]["required"]


def test_the_plan_page_shows_premium_channels_hours_and_response_times(carol):
    carol.time_zone = "America/New_York"
    carol.save(update_fields=["time_zone"])
    with time_machine.travel(TUESDAY_10, tick=False):
        page = signed_in(carol).get("/plan/")
    assert page.status_code == 200
    text = page.text
    assert "Your plan: <span" in text and "Premium" in text
    assert 'href="/plan/"' in text
    assert "Staffed Mon–Fri 08:00–20:00 London time (closed on public holidays)." in text
    assert text.count('<span class="state open">open now</span>') == 2  # phone and live chat
    assert "The next 7 days in your time (America/New_York)" in text
    # 08:00-20:00 London is 03:00-15:00 in New York in winter.
    assert "Tue 3 Mar: 03:00–15:00" in text and "Sat 7 Mar" not in text
    assert "<td>Normal</td><td>1 hour (business hours)</td><td>1 hour (business hours)</td>" in text
    assert "<td>Urgent</td><td>15 minutes (business hours)</td>" in text
    for hidden in ("Resolution", "resolution", "24 hours", "warn", "Periodic"):
        assert hidden not in text


def test_the_plan_page_at_night_says_live_channels_are_closed_and_when_they_open(carol):
    with time_machine.travel(TUESDAY_NIGHT, tick=False):
        page = signed_in(carol).get("/plan/")
    assert page.text.count('<span class="state closed">closed now</span>') == 2
    assert "Opens again Wed 4 Mar 08:00 UTC." in page.text
    assert "we answer from Wed 4 Mar 08:00" in page.text
    # Tuesday's hours are over: the week ahead starts with Wednesday's.
    assert "Tue 3 Mar:" not in page.text and "Wed 4 Mar: 08:00–20:00" in page.text


def test_the_plan_page_of_vip_is_around_the_clock_with_its_account_manager(alice, tiers, carol):
    Organization.objects.filter(pk=carol.contact.organization_id).update(
        tier=tiers["VIP"], account_manager=alice
    )
    alice.first_name, alice.last_name = "Alice", "Agent"
    alice.save(update_fields=["first_name", "last_name"])
    with time_machine.travel(TUESDAY_NIGHT, tick=False):
        page = signed_in(User.objects.get(pk=carol.pk)).get("/plan/")
    assert "Staffed around the clock, every day." in page.text
    assert "The next 7 days" not in page.text
    assert "<td>Normal</td><td>15 minutes, around the clock</td>" in page.text
    assert "Alice Agent" in page.text and "mailto:alice@desk.example" in page.text


def test_the_plan_page_of_basic_offers_no_account_manager(bob):
    page = signed_in(bob).get("/plan/")
    assert "Your plan does not include an account manager" in page.text
    assert "Phone" not in page.text and "Live chat" not in page.text


def test_agents_have_no_plan_page_and_no_link(alice):
    client = signed_in(alice)
    assert client.get("/plan/").status_code == 404
    assert 'href="/plan/"' not in client.get("/").text


def test_the_plan_page_needs_a_sign_in(db):
    assert Client().get("/plan/").status_code == 302


def test_the_plan_page_reads_a_fixed_number_of_queries(carol, django_assert_max_num_queries):
    client = signed_in(carol)
    client.get("/plan/")
    with django_assert_max_num_queries(8):
        client.get("/plan/")


def test_the_plan_follows_a_tier_change(carol, tiers):
    Organization.objects.filter(pk=carol.contact.organization_id).update(tier=tiers["Basic"])
    page = signed_in(User.objects.get(pk=carol.pk)).get("/plan/")
    assert "Basic" in page.text and "<td>Normal</td><td>24 hours (business hours)</td>" in page.text
