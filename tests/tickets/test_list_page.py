"""The ticket list: a projection that says what the detail says, pages by offset or cursor."""

from copy import copy
from datetime import timedelta

import pytest
import time_machine

from tests.conftest import T0
from tierdesk.accounts.models import AgentGroup
from tierdesk.tickets import page, services
from tierdesk.tickets.models import Ticket

LATER = T0 + timedelta(hours=30)  # Wednesday 16:00 UTC: open hours, clocks past their dues


@pytest.fixture
def varied(alice, carol):
    """Tickets whose clocks run, pause, stop and breach; with tags, assignee and group."""
    group = AgentGroup.objects.create(name="Hardware")
    opened = [
        services.open_ticket(
            actor=carol,
            subject=f"Issue {i}",
            body="x",
            channel="email",
            at=T0 + timedelta(minutes=i),
        )
        for i in range(6)
    ]
    services.reply(actor=alice, ticket=opened[0], body="On it.", at=T0 + timedelta(hours=1))
    services.reply(actor=alice, ticket=opened[1], body="Waiting on you.", status="pending", at=T0)
    services.change_status(actor=alice, ticket=opened[2], status="solved", at=T0)
    services.change_tags(actor=alice, ticket=opened[3], add=["printer", "fire"], at=T0)
    services.update_ticket(
        actor=alice,
        ticket=opened[4],
        changes={"assignee_id": alice.pk, "group_id": group.pk, "priority": "urgent"},
        at=T0,
    )
    return opened


def _detail_without_messages(client, ticket_id):
    body = client.get(f"/tickets/{ticket_id}").body
    body.pop("messages")
    return body


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_each_row_says_what_the_ticket_itself_says(api, varied, who, request):
    client = api(request.getfixturevalue(who))
    with time_machine.travel(LATER, tick=False):
        items = client.get("/tickets", limit=200).body["items"]
        details = {t.pk: _detail_without_messages(client, t.pk) for t in varied}
    assert len(items) == len(varied)
    for item in items:
        assert item == details[item["id"]]
    clocks = [c for item in items for c in item["clocks"]]
    if who == "alice":
        assert {c["state"] for c in clocks} >= {"running", "paused", "breached", "achieved"}
        assert any(c["overdue"] for c in clocks)
    else:
        assert clocks == [] and all(i["sla_due_at"] is None for i in items)
        assert any(i["reply_due_at"] for i in items)


@pytest.mark.parametrize("order", ["-created_at", "created_at", "sla_due_at", "-updated_at"])
def test_cursor_pages_walk_the_same_rows_as_offsets(api, alice, varied, order):
    client = api(alice)
    by_offset = [t["id"] for t in client.get("/tickets", order=order, limit=200).body["items"]]
    walked, cursor = [], None
    while True:
        params = {"order": order, "limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get("/tickets", **params).body
        walked += [t["id"] for t in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert walked == by_offset and len(walked) == len(varied)


def test_a_bad_cursor_is_refused_by_name(api, alice, varied):
    client = api(alice)
    good = client.get("/tickets", limit=2).body["next_cursor"]
    for cursor, order in (
        ("not-a-cursor", "-created_at"),
        (good, "created_at"),
        ("W10", "-created_at"),
    ):
        refused = client.get("/tickets", cursor=cursor, order=order)
        assert refused.status_code == 422, refused.body
        assert "cursor" in refused.body["error"]["fields"]
    both = client.get("/tickets", cursor=good, offset=2)
    assert both.status_code == 422 and "offset" in both.body["error"]["fields"]
    too_many = client.get("/tickets", limit=201)
    assert too_many.status_code == 422 and "limit" in too_many.body["error"]["fields"]


def _copies(ticket, n):
    """``n`` rows like ``ticket`` (no clocks: the count reads tickets only), in one insert."""
    template = Ticket.objects.get(pk=ticket.pk)
    template.pk = None
    Ticket.objects.bulk_create([copy(template) for _ in range(n)])


def test_the_count_is_exact_up_to_its_cap_then_capped_and_says_so(api, alice, varied):
    client = api(alice)
    small = client.get("/tickets", limit=1).body
    _copies(varied[0], page.COUNT_CAP - len(varied))
    at_cap = client.get("/tickets", limit=1).body
    _copies(varied[0], 1)
    past_cap = client.get("/tickets", limit=1).body
    assert (small["count"], small["count_capped"]) == (len(varied), False)
    assert (at_cap["count"], at_cap["count_capped"]) == (1_000, False)
    assert (past_cap["count"], past_cap["count_capped"]) == (1_000, True)


def test_each_reader_and_filter_has_its_own_count(api, alice, carol, bob, varied):
    # The count's SQL is compiled once per reader and filters: none may answer for another.
    counts = [
        api(alice).get("/tickets", limit=1).body["count"],
        api(alice).get("/tickets", limit=1, status="solved").body["count"],
        api(carol).get("/tickets", limit=1).body["count"],
        api(bob).get("/tickets", limit=1).body["count"],
        api(alice).get("/tickets", limit=1).body["count"],
    ]
    assert counts == [len(varied), 1, len(varied), 0, len(varied)]


def test_a_page_holding_the_last_match_counts_without_asking(
    api, alice, varied, django_assert_num_queries
):
    client = api(alice)
    client.get("/tickets", limit=200)
    with django_assert_num_queries(4):  # token, rows, tags, clocks: no count
        whole = client.get("/tickets", limit=200).body
    tail = client.get("/tickets", limit=200, offset=4).body
    past_the_end = client.get("/tickets", limit=200, offset=10).body
    cursor = client.get("/tickets", limit=4).body["next_cursor"]
    by_cursor = client.get("/tickets", limit=200, cursor=cursor).body
    assert [len(whole["items"]), len(tail["items"]), len(past_the_end["items"])] == [6, 2, 0]
    assert [b["count"] for b in (whole, tail, past_the_end, by_cursor)] == [len(varied)] * 4


def test_a_page_reads_a_fixed_number_of_queries(api, alice, varied, django_assert_max_num_queries):
    client = api(alice)
    client.get("/tickets", limit=1)
    with django_assert_max_num_queries(5):  # token, count, rows, tags, clocks
        body = client.get("/tickets", limit=200).body
    assert len(body["items"]) == len(varied)
