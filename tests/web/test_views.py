"""The web UI: sign-in required, CSRF on every form, foreign tickets are 404."""

from django.test import Client

from tierdesk.tickets.models import Message


def test_pages_need_a_sign_in(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_reply_form_without_csrf_token_is_refused(alice, ticket):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(f"/tickets/{ticket.pk}/reply/", {"body": "hi", "kind": "public"})
    assert response.status_code == 403
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_customer_of_another_organization_gets_404_page(bob, ticket):
    client = Client()
    client.force_login(bob)
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404
    assert (
        client.post(f"/tickets/{ticket.pk}/reply/", {"body": "x", "kind": "public"}).status_code
        == 404
    )
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_agent_queue_lists_open_tickets_with_tier(alice, ticket):
    client = Client()
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert "Printer on fire" in response.text and "Premium" in response.text


def test_htmx_reply_returns_the_conversation_partial(alice, ticket):
    client = Client()
    client.force_login(alice)
    response = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "Coming", "kind": "public"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "Coming" in response.text


def test_queue_views_and_a_fixed_number_of_queries(alice, carol, django_assert_max_num_queries):
    from tierdesk.tickets import services as tickets

    for i in range(15):
        t = tickets.open_ticket(actor=carol, subject=f"Issue {i}", body="x", channel="email")
        if i % 3 == 0:
            tickets.assign(actor=alice, ticket=t, assignee=alice)
    client = Client()
    client.force_login(alice)
    client.get("/")
    # The rows, their total, the saved views' counts and the filters' choices (tiers,
    # groups, tags, agents): a fixed number however many tickets there are.
    with django_assert_max_num_queries(14):
        page = client.get("/")
    assert page.text.count('class="priority-') == 15
    assert client.get("/?view=mine").text.count('class="priority-') == 5
    assert client.get("/?view=unassigned").text.count('class="priority-') == 10


def test_customer_opens_a_ticket_from_the_web_form(carol):
    from tierdesk.tickets.models import Ticket

    client = Client()
    client.force_login(carol)
    form = client.get("/tickets/new/")
    assert 'name="channel"' not in form.text and 'name="requester_email"' not in form.text
    response = client.post(
        "/tickets/new/", {"subject": "Broken", "body": "It is broken", "priority": "normal"}
    )
    ticket = Ticket.objects.get(subject="Broken")
    assert response.status_code == 302 and response.url == f"/tickets/{ticket.pk}/"
    assert ticket.channel == "web" and ticket.requester.user_id == carol.pk


def test_agent_logs_a_phone_call_for_a_customer(alice, carol):
    from tierdesk.tickets.models import Ticket

    client = Client()
    client.force_login(alice)
    client.post(
        "/tickets/new/",
        {
            "subject": "Called",
            "body": "Printer jam",
            "priority": "high",
            "channel": "phone",
            "requester_email": "carol@acme.example",
        },
    )
    ticket = Ticket.objects.get(subject="Called")
    assert ticket.channel == "phone" and ticket.opened_by_agent


def test_pages_show_times_in_the_readers_time_zone(alice, ticket):
    from tierdesk.accounts.models import User

    User.objects.filter(pk=alice.pk).update(time_zone="America/New_York")
    client = Client()
    client.force_login(alice)
    page = client.get(f"/tickets/{ticket.pk}/").text
    # Opened 10:00 UTC on 3 March 2026: 05:00 in New York.
    assert "Tue 3 Mar 05:00" in page


def test_unknown_time_zone_is_refused(db):
    import pytest

    from tierdesk.accounts.services import create_user
    from tierdesk.errors import Invalid

    with pytest.raises(Invalid, match="Unknown time zone 'Mars/Olympus'"):
        create_user(username="x", email="", password=None, time_zone="Mars/Olympus")


def test_agent_assigns_from_the_ticket_page(alice, eve, ticket):
    client = Client()
    client.force_login(alice)
    page = client.get(f"/tickets/{ticket.pk}/").text
    # Premium needs at least a regular agent: junior eve is not offered.
    assert f'value="{alice.pk}"' in page and f'value="{eve.pk}"' not in page
    response = client.post(
        f"/tickets/{ticket.pk}/update/",
        {"status": "open", "priority": "high", "assignee_id": alice.pk},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.priority, ticket.status) == (alice.pk, "high", "open")


def test_assigning_a_too_junior_agent_shows_why(alice, eve, ticket):
    client = Client()
    client.force_login(alice)
    response = client.post(
        f"/tickets/{ticket.pk}/update/",
        {"status": "new", "priority": "normal", "assignee_id": eve.pk},
        follow=True,
    )
    assert "need a more senior agent than eve" in response.text
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


def test_a_clock_past_due_reads_late_even_before_the_sweep(alice, ticket):
    # The ticket opened at T0 in March: its first response is long past due, unswept.
    client = Client()
    client.force_login(alice)
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert "First reply: late since" in page


def test_customers_do_not_see_the_internal_clocks(carol, ticket):
    client = Client()
    client.force_login(carol)
    assert "First reply" not in client.get("/").text
    assert "Service level" not in client.get(f"/tickets/{ticket.pk}/").text


def test_the_ticket_page_reads_a_fixed_number_of_queries(
    alice, ticket, django_assert_max_num_queries
):
    from tierdesk.tickets import services as tickets

    client = Client()
    client.force_login(alice)
    client.get(f"/tickets/{ticket.pk}/")
    # Each message shows its email delivery: read with the messages, not one by one.
    for n in range(8):
        tickets.reply(actor=alice, ticket=ticket, body=f"Answer {n}")
    with django_assert_max_num_queries(18):
        page = client.get(f"/tickets/{ticket.pk}/")
    assert page.text.count('<li class="message') == 9
