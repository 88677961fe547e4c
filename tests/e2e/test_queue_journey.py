"""An agent works a long queue: search, page 2, a bulk change, the keyboard; a customer at
phone width sees cards, open tickets apart from closed ones."""

import pytest

from tests.e2e.test_agent_journey import live_server_screenshot_path, sign_in
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Ticket
from tierdesk.tickets.queue import PER_PAGE

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


@pytest.fixture
def long_queue(carol):
    return [
        tickets.open_ticket(actor=carol, subject=f"Issue {i}", body="x", channel="email")
        for i in range(PER_PAGE + 5)
    ]


@pytest.mark.django_db(transaction=True)
def test_agent_searches_pages_and_changes_tickets_in_bulk(page, live_server, alice, long_queue):
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "alice", "pw-alice-123")
    page.goto(f"{live_server.url}/")
    assert f"of {PER_PAGE + 5} tickets" in page.locator(".total").inner_text()
    page.screenshot(path=str(live_server_screenshot_path("queue-1280.png")))
    page.click("a[rel=next]")
    page.wait_for_url(lambda url: "page=2&after=" in url)
    assert page.locator("#queue-results tbody tr[data-href]").count() == 5
    page.keyboard.press("/")
    page.keyboard.type("Issue 7")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Issue+7**")
    assert page.locator("#queue-results tbody tr[data-href]").count() == 1
    page.goto(f"{live_server.url}/")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.select_option("#bulk_priority", "urgent")
    page.click(".bulk-actions button[type=submit]")
    page.locator(".messages .flash.ok", has_text="Updated 2 tickets.").wait_for()
    assert Ticket.objects.filter(priority="urgent").count() == 2
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    page.goto(f"{live_server.url}/tickets/{long_queue[0].pk}/")
    page.screenshot(path=str(live_server_screenshot_path("ticket-agent-1280.png")))
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(live_server_screenshot_path("ticket-agent-390.png")), full_page=True)
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(live_server_screenshot_path("queue-390.png")))


@pytest.mark.django_db(transaction=True)
def test_customer_at_phone_width_sees_cards_and_closed_tickets_apart(
    page, live_server, alice, carol, ticket
):
    done = tickets.open_ticket(actor=carol, subject="Old question", body="x", channel="email")
    tickets.change_status(actor=alice, ticket=done, status="solved")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol", "pw-carol-123")
    page.goto(f"{live_server.url}/")
    row = page.locator("table.queue tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).display") == "grid"  # a card, not a table row
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "Old question" not in page.locator("table.queue").inner_text()
    page.screenshot(path=str(live_server_screenshot_path("portal-390.png")), full_page=True)
    page.set_viewport_size(DESK)
    page.screenshot(path=str(live_server_screenshot_path("portal-1280.png")))
    page.set_viewport_size(PHONE)
    page.click("nav.views a:has-text('Solved and closed')")
    page.locator("table.queue", has_text="Old question").wait_for()
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    side = page.locator("#ticket-side").bounding_box()
    talk = page.locator("#conversation").bounding_box()
    assert side["y"] >= talk["y"] + talk["height"] - 1  # one column: the panel below
    page.screenshot(
        path=str(live_server_screenshot_path("ticket-customer-390.png")), full_page=True
    )
