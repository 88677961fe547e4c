"""An agent signs in, works the queue, answers a ticket over htmx; the customer sees only replies."""

import pytest

from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Message


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_agent_answers_from_the_queue_and_customer_sees_the_reply(page, live_server, alice, carol):
    ticket = tickets.open_ticket(
        actor=carol, subject="Printer on fire", body="Help!", channel="email"
    )
    sign_in(page, live_server, "alice", "pw-alice-123")
    row = page.locator("table.queue tbody tr", has_text="Printer on fire")
    assert "Premium" in row.inner_text()
    assert "First reply: " in row.inner_text() and " left" in row.inner_text()
    row.locator("a").click()
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    # Vendored assets are served (no CDN): the stylesheet applies and htmx is loaded.
    assert page.evaluate("getComputedStyle(document.querySelector('header')).display") == "flex"
    assert page.evaluate("typeof htmx") == "object"
    page.fill("textarea[name=body]", "We are on our way.")
    page.set_input_files(
        "input[name=attachment]",
        files=[{"name": "route.txt", "mimeType": "text/plain", "buffer": b"left, then right"}],
    )
    page.click("form.reply button[type=submit]")
    page.locator(".message.agent", has_text="We are on our way.").wait_for()
    assert page.locator(".message.agent .attachment a").inner_text() == "route.txt"
    page.fill("textarea[name=body]", "Agents only: bring extinguisher")
    page.select_option("select[name=kind]", "internal")
    page.click("form.reply button[type=submit]")
    page.locator(".message.internal", has_text="bring extinguisher").wait_for()
    assert Message.objects.filter(ticket=ticket).count() == 3
    page.screenshot(path=str(live_server_screenshot_path("agent-ticket.png")))

    page.click("text=Sign out")
    sign_in(page, live_server, "carol", "pw-carol-123")
    page.click("text=Printer on fire")
    page.locator(".message", has_text="We are on our way.").wait_for()
    with page.expect_download() as download:
        page.click("text=route.txt")
    assert download.value.suggested_filename == "route.txt"
    assert page.locator(".message.internal").count() == 0
    assert "bring extinguisher" not in page.content()


@pytest.mark.django_db(transaction=True)
def test_reply_form_rejects_an_empty_body_without_writing(page, live_server, alice, ticket):
    sign_in(page, live_server, "alice", "pw-alice-123")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.fill("textarea[name=body]", "   ")
    page.evaluate("document.querySelector('textarea[name=body]').removeAttribute('required')")
    page.click("form.reply button[type=submit]")
    page.locator(".error").first.wait_for()
    assert Message.objects.filter(ticket=ticket).count() == 1


def live_server_screenshot_path(name):
    from django.conf import settings

    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
