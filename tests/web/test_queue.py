"""The queue: totals and pages (never a silent cap), search, filters, sorting, saved views
with counts, bulk changes through the services, and each person seeing only their own."""

import re

import pytest
from django.test import Client

from tierdesk.tickets import queue
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Ticket, TicketEvent
from tierdesk.tickets.queue import PER_PAGE


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def row_ids(html):
    return [int(i) for i in re.findall(r'name="ids" value="(\d+)"', html)]


@pytest.fixture
def many(carol):
    return [
        tickets.open_ticket(actor=carol, subject=f"Issue {i}", body="x", channel="email")
        for i in range(PER_PAGE + 5)
    ]


def test_the_total_is_said_and_the_second_page_holds_the_rest(alice, many):
    client = signed_in(alice)
    first = client.get("/").text
    assert f"1–{PER_PAGE} of {PER_PAGE + 5} tickets" in first
    assert len(row_ids(first)) == PER_PAGE and "Page 1 of 2" in first
    second = client.get("/?page=2").text
    assert f"{PER_PAGE + 1}–{PER_PAGE + 5} of {PER_PAGE + 5} tickets" in second
    assert set(row_ids(first)).isdisjoint(row_ids(second))
    assert len(row_ids(first) + row_ids(second)) == PER_PAGE + 5


def test_search_finds_by_number_subject_requester_and_organization(alice, carol, bob, ticket):
    other = tickets.open_ticket(actor=bob, subject="Invoice", body="x", channel="email")
    client = signed_in(alice)
    assert row_ids(client.get(f"/?q=%23{ticket.pk}").text) == [ticket.pk]
    assert row_ids(client.get("/?q=printer").text) == [ticket.pk]
    assert row_ids(client.get("/?q=bob%40globex").text) == [other.pk]
    assert row_ids(client.get("/?q=Acme").text) == [ticket.pk]


def test_a_search_matching_many_people_finds_the_same_tickets(
    alice, carol, bob, ticket, monkeypatch
):
    """Past MATCHED_IDS matching contacts or organizations the database joins them instead
    of being handed their ids: the rows found must not change."""
    other = tickets.open_ticket(actor=bob, subject="Invoice", body="x", channel="email")
    client = signed_in(alice)
    by_ids = {q: row_ids(client.get(f"/?q={q}").text) for q in ("bob%40globex", "Acme", "e")}
    monkeypatch.setattr(queue, "MATCHED_IDS", 0)
    joined = {q: row_ids(client.get(f"/?q={q}").text) for q in by_ids}
    assert joined == by_ids
    assert by_ids["bob%40globex"] == [other.pk] and by_ids["Acme"] == [ticket.pk]
    assert set(by_ids["e"]) == {ticket.pk, other.pk}


def test_filters_and_sorting(alice, carol, ticket):
    # A Premium customer may open at most "high" (the tier's cap).
    urgent = tickets.open_ticket(
        actor=carol, subject="Down", body="x", channel="email", priority="high"
    )
    client = signed_in(alice)
    assert row_ids(client.get("/?priority=high").text) == [urgent.pk]
    assert row_ids(client.get("/?sort=-priority").text) == [urgent.pk, ticket.pk]
    assert row_ids(client.get("/?sort=priority").text) == [ticket.pk, urgent.pk]
    assert row_ids(client.get(f"/?assignee={alice.pk}").text) == []


def test_a_filter_no_ticket_can_hold_is_refused_naming_the_field(alice, ticket):
    response = signed_in(alice).get("/?priority=sky-high")
    assert response.status_code == 422
    assert "Priority: Select a valid choice." in response.text


def test_saved_views_show_their_counts(alice, carol, many):
    tickets.assign(actor=alice, ticket=many[0], assignee=alice)
    page = signed_in(alice).get("/").text
    assert re.search(r'All open <span class="count">55</span>', page)
    assert re.search(r'Mine <span class="count">1</span>', page)
    assert re.search(r'Unassigned <span class="count">54</span>', page)


def test_bulk_changes_go_through_the_services_and_say_what_was_refused(alice, carol, many):
    solved, still_new = many[:2], many[2]
    for t in solved:
        tickets.change_status(actor=alice, ticket=t, status="solved")
    response = signed_in(alice).post(
        "/queue/bulk/",
        {"ids": [t.pk for t in [*solved, still_new]], "status": "closed", "next": "/?view=all"},
        follow=True,
    )
    assert "Updated 2 tickets." in response.text
    assert f"Not changed: #{still_new.pk}:" in response.text
    assert [Ticket.objects.get(pk=t.pk).status for t in many[:3]] == ["closed", "closed", "new"]
    changes = TicketEvent.objects.filter(ticket_id=solved[0].pk, actor=alice, kind="status_changed")
    assert changes.count() == 2  # solved, then closed by the bulk change


def test_bulk_needs_a_selection_and_a_change(alice, many):
    client = signed_in(alice)
    nothing = client.post("/queue/bulk/", {"priority": "high"}, follow=True)
    assert "Tickets: Select at least one ticket." in nothing.text
    no_change = client.post("/queue/bulk/", {"ids": [many[0].pk]}, follow=True)
    assert "Choose what to change" in no_change.text
    assert not Ticket.objects.filter(priority="high").exists()


def test_customers_cannot_bulk_change_and_see_only_their_organization(bob, carol, ticket):
    theirs = signed_in(bob)
    assert ticket.subject not in theirs.get("/?q=printer").text
    theirs.post("/queue/bulk/", {"ids": [ticket.pk], "priority": "urgent"})
    assert Ticket.objects.get(pk=ticket.pk).priority == "normal"


def test_customers_see_closed_tickets_apart_from_open_ones(alice, carol, ticket):
    done = tickets.open_ticket(actor=carol, subject="Old question", body="x", channel="email")
    tickets.change_status(actor=alice, ticket=done, status="solved")
    client = signed_in(carol)
    open_page, done_page = client.get("/").text, client.get("/?view=done").text
    assert "Printer on fire" in open_page and "Old question" not in open_page
    assert "Old question" in done_page and "Printer on fire" not in done_page
    assert re.search(r'Solved and closed <span class="count">1</span>', open_page)


def test_a_refreshed_list_brings_the_views_counts_along(alice, ticket):
    client = Client()
    client.force_login(alice)
    html = client.get("/", headers={"HX-Request": "true"}).content.decode()
    assert '<nav id="views-nav" class="views" aria-label="Saved views" hx-swap-oob="true">' in html
    assert 'aria-current="page">All open <span class="count">1</span>' in html


def test_a_rows_text_is_escaped_as_on_every_other_page(alice, carol):
    tickets.open_ticket(actor=carol, subject='<b>"Tom\'s"</b> & co', body="x", channel="email")
    for page in (signed_in(alice).get("/").text, signed_in(carol).get("/").text):
        assert "&lt;b&gt;&quot;Tom&#x27;s&quot;&lt;/b&gt; &amp; co</a>" in page


def test_a_customers_queue_reads_a_fixed_number_of_queries(
    carol, many, django_assert_max_num_queries
):
    """Customers see no clocks, so their rows read none: not one query per row."""
    client = signed_in(carol)
    client.get("/")
    with django_assert_max_num_queries(12):
        page = client.get("/")
    assert page.text.count('class="priority-') == PER_PAGE
