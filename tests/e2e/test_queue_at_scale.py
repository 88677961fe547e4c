"""The queue with 100,000 tickets in a real browser: the total is said, search finds one
ticket among them, page 2 follows page 1, and a bulk change reaches the tickets picked."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.test_agent_journey import sign_in
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Status, Ticket
from tierdesk.tickets.queue import PER_PAGE

TOTAL = 100_000
DESK = {"width": 1280, "height": 800}


@pytest.fixture
def hundred_thousand(carol):
    """One ticket opened through the services (its clocks are real), the rest written in bulk
    as copies with their own subjects, statuses and due times."""
    model = tickets.open_ticket(actor=carol, subject="Model", body="x", channel="email")
    now = timezone.now()
    statuses = [Status.NEW, Status.OPEN, Status.PENDING, Status.SOLVED]
    rows = (
        Ticket(
            subject=f"Case {i:06d}",
            requester_id=model.requester_id,
            organization_id=model.organization_id,
            tier_id=model.tier_id,
            channel="email",
            status=statuses[i % len(statuses)],
            priority="normal",
            created_at=now - timedelta(minutes=i),
            updated_at=now - timedelta(minutes=i),
            sla_due_at=now + timedelta(minutes=i),
        )
        for i in range(TOTAL - 1)
    )
    Ticket.objects.bulk_create(rows, batch_size=5_000)
    return model


@pytest.mark.django_db(transaction=True)
def test_an_agent_works_a_queue_of_a_hundred_thousand_tickets(
    page, live_server, alice, hundred_thousand
):
    open_count = Ticket.objects.open().count()
    assert open_count > 70_000
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "alice", "pw-alice-123")
    page.goto(f"{live_server.url}/")
    total = page.locator(".total").inner_text()
    assert f"1–{PER_PAGE} of {open_count:,}".replace(",", "") in total.replace(",", "")

    first_ids = _row_ids(page)
    page.click("a[rel=next]")
    page.wait_for_url(lambda url: "page=2&after=" in url)
    second_ids = _row_ids(page)
    assert len(first_ids) == len(second_ids) == PER_PAGE
    assert set(first_ids).isdisjoint(second_ids)
    due = dict(Ticket.objects.filter(pk__in=first_ids + second_ids).values_list("pk", "sla_due_at"))
    assert max(due[i] for i in first_ids) <= min(due[i] for i in second_ids)

    page.keyboard.press("/")
    page.keyboard.type("Case 054321")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Case+054321**")
    found = Ticket.objects.get(subject="Case 054321")
    assert _row_ids(page) == [found.pk]

    page.goto(f"{live_server.url}/?page=2")
    picked = _row_ids(page)[:3]
    for ticket_id in picked:
        page.check(f"input[name=ids][value='{ticket_id}']")
    page.select_option("#bulk_priority", "urgent")
    page.click(".bulk-actions button[type=submit]")
    page.locator(".messages .flash.ok", has_text="Updated 3 tickets.").wait_for()
    assert set(Ticket.objects.filter(priority="urgent").values_list("pk", flat=True)) == set(picked)


def _row_ids(page):
    return [
        int(re.search(r"(\d+)/?$", href).group(1))
        for href in page.locator("#queue-results tbody tr[data-href]").evaluate_all(
            "rows => rows.map(r => r.dataset.href)"
        )
    ]
