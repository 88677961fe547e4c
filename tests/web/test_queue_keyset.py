"""Paging by mark ("next" after the last row, "previous" before the first) shows exactly the
pages that paging by number shows, in every sort, with ties and empty due times; a mark
that does not fit is ignored, never an error."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tierdesk.tickets import queue
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Ticket
from tierdesk.tickets.queue import SORTS, QueueQuery, queue_page

SIZE = 3


@pytest.fixture
def varied(carol, monkeypatch):
    """17 open tickets: due times with ties and some empty, updates with ties, priorities."""
    monkeypatch.setattr(queue, "PER_PAGE", SIZE)
    now = timezone.now()
    made = [
        tickets.open_ticket(actor=carol, subject=f"T{i}", body="x", channel="email")
        for i in range(17)
    ]
    priorities = ["low", "normal", "high", "urgent"]
    for i, ticket in enumerate(made):
        Ticket.objects.filter(pk=ticket.pk).update(
            sla_due_at=None if i % 5 == 0 else now + timedelta(hours=i % 4),
            updated_at=now - timedelta(minutes=i % 3),
            priority=priorities[i % 4],
        )
    return now


def ids(page):
    return [t.pk for t in page.tickets]


@pytest.mark.parametrize("sort", list(SORTS))
def test_next_and_previous_marks_give_the_pages_numbers_give(alice, varied, sort):
    by_number = [
        ids(queue_page(user=alice, query=QueueQuery(sort=sort, page=n), now=varied))
        for n in range(1, 7)
    ]
    assert sum(len(p) for p in by_number) == 17
    assert len({i for p in by_number for i in p}) == 17

    page = queue_page(user=alice, query=QueueQuery(sort=sort, page=1), now=varied)
    walked = [ids(page)]
    for n in range(2, 7):
        page = queue_page(
            user=alice, query=QueueQuery(sort=sort, page=n, after=page.next_mark), now=varied
        )
        walked.append(ids(page))
    assert walked == by_number

    back = [ids(page)]
    for n in range(5, 0, -1):
        page = queue_page(
            user=alice, query=QueueQuery(sort=sort, page=n, before=page.prev_mark), now=varied
        )
        back.append(ids(page))
    assert back[::-1] == by_number


def test_a_mark_for_another_sort_or_not_ours_is_ignored(alice, varied):
    second = ids(queue_page(user=alice, query=QueueQuery(sort="due", page=2), now=varied))
    first = queue_page(user=alice, query=QueueQuery(sort="-updated", page=1), now=varied)
    for mark in (first.next_mark, "not-a-mark", "W10", "eyJ4Ijox"):
        page = queue_page(user=alice, query=QueueQuery(sort="due", page=2, after=mark), now=varied)
        assert ids(page) == second


def test_the_pager_links_carry_marks_that_lead_to_the_next_page(alice, varied):
    client = Client()
    client.force_login(alice)
    html = client.get("/?sort=-updated").text
    start = html.index('rel="next" href="?') + len('rel="next" href="?')
    link = html[start : html.index('"', start)].replace("&amp;", "&")
    assert "page=2" in link and "after=" in link
    expected = ids(queue_page(user=alice, query=QueueQuery(sort="-updated", page=2), now=varied))
    follow = client.get(f"/?{link}").text
    assert [f'value="{i}"' in follow for i in expected] == [True] * SIZE


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("narrowed", [{}, {"status": "new"}, {"q": "T1"}])
def test_pages_past_the_middle_read_from_the_end_hold_the_rows_of_one_long_page(
    alice, varied, sort, narrowed, monkeypatch
):
    first = queue_page(user=alice, query=QueueQuery(sort=sort, **narrowed), now=varied)
    pages = [
        ids(queue_page(user=alice, query=QueueQuery(sort=sort, page=n, **narrowed), now=varied))
        for n in range(1, first.pages + 1)
    ]
    assert first.pages >= 3
    monkeypatch.setattr(queue, "PER_PAGE", 100)
    whole = queue_page(user=alice, query=QueueQuery(sort=sort, **narrowed), now=varied)
    assert [i for page in pages for i in page] == ids(whole)
    assert len(ids(whole)) == whole.total
