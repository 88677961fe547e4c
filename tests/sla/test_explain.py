"""Explained due times over the API and on the ticket page: who may read which clock, and what.

Carol's organization is on Premium: Mon-Fri 08:00-20:00 London with English bank holidays
(Good Friday 3 April and Easter Monday 6 April 2026, https://www.gov.uk/bank-holidays).
"""

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client

from tests.conftest import T0
from tierdesk.sla.explain import explained_clock
from tierdesk.sla.models import SlaClock
from tierdesk.tickets import services as tickets
from tierdesk.tiers.terms import forget_cached_versions

THURSDAY_EVENING = datetime(2026, 4, 2, 18, 30, tzinfo=UTC)  # 19:30 BST, half an hour to close


def clock_of(ticket, metric):
    return SlaClock.objects.get(ticket=ticket, metric=metric)


def explain_url(ticket, clock):
    return f"/tickets/{ticket.pk}/clocks/{clock.pk}/explain"


def test_agent_reads_the_arithmetic_of_the_first_response(api, alice, ticket):
    fr = clock_of(ticket, "first_response")

    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        response = api(alice).get(explain_url(ticket, fr))

    assert response.status_code == 200, response.body
    body = response.body
    assert body["clock"] == {"id": fr.pk, "metric": "first_response", "cycle": 1}
    assert (body["audience"], body["state"], body["time_zone"]) == (
        "agent",
        "running",
        "Europe/London",
    )
    assert body["elapsed_seconds"] == 20 * 60
    assert body["steps"][0]["transition"] == "started"
    assert body["steps"][0]["cause"] == "Ticket created by carol"
    assert body["steps"][0]["arithmetic"]["agrees"] is True
    assert "-> due Tue 3 Mar 11:00 Europe/London" in body["text"]


def test_the_text_names_the_easter_holidays_that_push_a_due_time(api, alice, carol):
    with time_machine.travel(THURSDAY_EVENING, tick=False):
        ticket = tickets.open_ticket(
            actor=carol, subject="Invoice", body="Wrong total", channel="email", at=THURSDAY_EVENING
        )
        response = api(alice).get(explain_url(ticket, clock_of(ticket, "resolution")))

    assert response.status_code == 200, response.body
    text = response.body["text"]
    assert "Good Friday (Fri 3 Apr)" in text
    assert "Easter Monday (Mon 6 Apr)" in text


def test_the_customer_explains_the_first_response_without_internal_words(api, carol, ticket):
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        response = api(carol).get(explain_url(ticket, clock_of(ticket, "first_response")))

    assert response.status_code == 200, response.body
    body = response.body
    assert body["audience"] == "customer"
    assert [s["transition"] for s in body["steps"]] == ["started"]
    assert body["left_seconds"] == 0
    assert {s["warn_percent"] for s in body["steps"]} == {None}
    for word in ("warn", "breach", "over by", "late"):
        assert word not in body["text"].lower()


def test_a_customer_is_refused_the_resolution_clock(api, carol, ticket):
    response = api(carol).get(explain_url(ticket, clock_of(ticket, "resolution")))

    assert response.status_code == 403
    assert response.body["error"]["code"] == "clock_not_for_customers"
    assert "next answer" in response.body["error"]["message"]


def test_the_outsider_gets_404_for_a_clock_of_a_foreign_ticket(api, bob, ticket):
    response = api(bob).get(explain_url(ticket, clock_of(ticket, "first_response")))

    assert response.status_code == 404
    assert response.body["error"]["message"] == f"No ticket #{ticket.pk}."


def test_an_unknown_clock_is_404(api, alice, ticket):
    response = api(alice).get(f"/tickets/{ticket.pk}/clocks/999999/explain")

    assert response.status_code == 404
    assert response.body["error"]["message"] == f"Ticket #{ticket.pk} has no clock 999999."


def test_a_clock_of_another_ticket_is_404_under_this_one(api, alice, carol, ticket):
    other = tickets.open_ticket(actor=carol, subject="Other", body="x", channel="email", at=T0)

    response = api(alice).get(explain_url(ticket, clock_of(other, "first_response")))

    assert response.status_code == 404


def test_a_pause_shows_its_cause_and_the_time_counted_before_it(api, alice, ticket):
    tickets.reply(actor=alice, ticket=ticket, body="Which model?", at=T0 + timedelta(minutes=30))
    tickets.update_ticket(
        actor=alice, ticket=ticket, changes={"status": "pending"}, at=T0 + timedelta(minutes=31)
    )

    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        body = api(alice).get(explain_url(ticket, clock_of(ticket, "resolution"))).body

    paused = body["steps"][-1]
    assert paused["transition"] == "paused"
    assert paused["reason"] == "status open -> pending"
    assert paused["cause"] == "Status changed by alice"
    assert "31 min counted before the pause" in body["text"]


# --- the ticket page ---------------------------------------------------------------------


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_ticket_page_links_each_clock_to_its_explanation(alice, ticket):
    fr = clock_of(ticket, "first_response")

    page = signed_in(alice).get(f"/tickets/{ticket.pk}/").text

    assert f'hx-get="/tickets/{ticket.pk}/clocks/{fr.pk}/explain/"' in page
    assert "why this due time?" in page


def test_the_panel_loads_the_explanation_for_htmx(alice, ticket):
    fr = clock_of(ticket, "first_response")

    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        response = signed_in(alice).get(
            f"/tickets/{ticket.pk}/clocks/{fr.pk}/explain/", headers={"HX-Request": "true"}
        )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "-&gt; due Tue 3 Mar 11:00 Europe/London" in response.text


def test_the_customer_page_offers_only_the_answer_promise(carol, ticket):
    page = signed_in(carol).get(f"/tickets/{ticket.pk}/").text

    assert "Your next answer" in page
    assert f"/clocks/{clock_of(ticket, 'first_response').pk}/explain/" in page
    assert f"/clocks/{clock_of(ticket, 'resolution').pk}/explain/" not in page


def test_the_customer_panel_refuses_the_resolution_clock(carol, ticket):
    url = f"/tickets/{ticket.pk}/clocks/{clock_of(ticket, 'resolution').pk}/explain/"

    response = signed_in(carol).get(url, headers={"HX-Request": "true"})

    assert response.status_code == 403


def test_the_outsider_panel_is_404(bob, ticket):
    url = f"/tickets/{ticket.pk}/clocks/{clock_of(ticket, 'first_response').pk}/explain/"

    assert signed_in(bob).get(url).status_code == 404


def test_explaining_takes_four_queries_however_long_the_ledger(
    alice, ticket, django_assert_num_queries
):
    for hour in range(1, 4):
        at = T0 + timedelta(hours=hour)
        tickets.update_ticket(actor=alice, ticket=ticket, changes={"status": "pending"}, at=at)
        tickets.update_ticket(
            actor=alice, ticket=ticket, changes={"status": "open"}, at=at + timedelta(minutes=5)
        )
    resolution = clock_of(ticket, "resolution")
    forget_cached_versions()

    # The clock, its ledger with causes and actors, the versions' custom-day notes, the calendar
    # (cached per version after the first time).
    with django_assert_num_queries(4):
        explained = explained_clock(
            user=alice, ticket=ticket, clock_id=resolution.pk, now=T0 + timedelta(hours=5)
        )

    assert len(explained.explanation.steps) == 7
