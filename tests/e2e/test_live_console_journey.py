"""The live console in a real Chromium: a new ticket and a reply appear without a reload,
agents see each other on a ticket, a draft is never touched; the customer's portal too.

The pages come from a uvicorn process (tests/chat) sharing a Redis channel layer with this
process, where the changes are made through the services, as a worker would make them.
"""

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.chat.conftest import session_cookie, start_server  # noqa: F401 (a fixture)
from tests.e2e.test_agent_journey import live_server_screenshot_path
from tests.web.live.conftest import shared_layer  # noqa: F401 (a fixture)
from tierdesk.tickets import services as tickets

pytestmark = pytest.mark.django_db(transaction=True)

SOON_MS = 10_000  # well inside the 30 s poll: what arrives by then was pushed
SHOTS = Path("/work/shots/live")


@pytest.fixture
def asgi_server(request):
    """A uvicorn server on a Redis channel layer shared with this process."""
    return request.getfixturevalue("shared_layer")


def signed_in(browser, server, user, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 800})
    cookie = session_cookie(user).split("=", 1)[1]
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.http}])
    return context.new_page()


def elsewhere(service, **kwargs):
    """A change made outside the browser's thread, where Playwright keeps its event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_closing, service, kwargs).result(timeout=60)


def _closing(service, kwargs):
    try:
        return service(**kwargs)
    finally:
        connection.close()


def open_live(page, url):
    page.goto(url)
    page.wait_for_selector("html[data-live=on]", timeout=SOON_MS)


def shot(page, name, *, full_page=False):
    path = live_server_screenshot_path(name)
    page.screenshot(path=str(path), full_page=full_page)
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / name)


def test_agents_see_new_tickets_replies_and_each_other_without_reload(
    browser, asgi_server, alice, eve, carol
):
    server = asgi_server
    elsewhere(tickets.open_ticket, actor=carol, subject="Toner order", body="Two", channel="web")
    agent = signed_in(browser, server, alice)
    open_live(agent, f"{server.http}/")
    ticket = elsewhere(
        tickets.open_ticket, actor=carol, subject="Printer on fire", body="Help!", channel="web"
    )
    agent.locator("#queue-results tr", has_text="Printer on fire").wait_for(timeout=SOON_MS)
    agent.locator("#views-nav [aria-current=page] .count", has_text="2").wait_for(timeout=SOON_MS)
    shot(agent, "queue-1280.png")

    open_live(agent, f"{server.http}/tickets/{ticket.pk}/")
    other = signed_in(browser, server, eve)
    open_live(other, f"{server.http}/tickets/{ticket.pk}/")
    agent.locator("#presence", has_text="eve is viewing").wait_for(timeout=SOON_MS)
    other.locator("#presence", has_text="alice is viewing").wait_for(timeout=SOON_MS)
    other.locator("form.reply textarea").press_sequentially("Checking the toner")
    agent.locator("#presence", has_text="eve is typing").wait_for(timeout=SOON_MS)

    elsewhere(tickets.reply, actor=carol, ticket=ticket, body="It smells of toner now", status=None)
    other.locator("#messages", has_text="It smells of toner now").wait_for(timeout=SOON_MS)
    assert other.locator("form.reply textarea").input_value() == "Checking the toner"
    agent.locator("#messages", has_text="It smells of toner now").wait_for(timeout=SOON_MS)
    agent.click("details.history summary")
    assert agent.locator(".customer-card ul.recent", has_text="Toner order").is_visible()
    shot(agent, "ticket-agent-1280.png", full_page=True)
    agent.set_viewport_size({"width": 390, "height": 800})
    shot(agent, "ticket-agent-390.png", full_page=True)

    other.context.close()
    # A locator assertion, not wait_for_function: the page's policy forbids evaluating strings.
    expect(agent.locator("#presence")).to_have_text("", timeout=SOON_MS)
    agent.goto(f"{server.http}/")
    shot(agent, "queue-390.png", full_page=True)
    agent.context.close()


def test_the_customer_sees_an_answer_arrive_in_the_portal(browser, asgi_server, alice, carol):
    server = asgi_server
    ticket = elsewhere(
        tickets.open_ticket, actor=carol, subject="Printer on fire", body="Help!", channel="web"
    )
    customer = signed_in(browser, server, carol)
    open_live(customer, f"{server.http}/tickets/{ticket.pk}/")
    assert customer.locator("#presence").count() == 0
    elsewhere(tickets.reply, actor=alice, ticket=ticket, body="Unplug it, please", status=None)
    customer.locator("#messages", has_text="Unplug it, please").wait_for(timeout=SOON_MS)
    # Answered: the side panel no longer promises a first answer.
    customer.locator("#ticket-side").filter(has_text="Promised by").wait_for(
        state="detached", timeout=SOON_MS
    )
    elsewhere(tickets.add_note, actor=alice, ticket=ticket, body="Grumpy customer")
    shot(customer, "portal-ticket-1280.png", full_page=True)
    customer.set_viewport_size({"width": 390, "height": 800})
    shot(customer, "portal-ticket-390.png", full_page=True)
    assert "Grumpy customer" not in customer.content()
    customer.goto(f"{server.http}/")
    shot(customer, "portal-queue-390.png", full_page=True)
    customer.set_viewport_size({"width": 1280, "height": 800})
    shot(customer, "portal-queue-1280.png")
    customer.context.close()
