"""A customer opens a ticket with a file, reads their plan, writes on a closed ticket and
lands on its follow-up; a stranger writes through the public contact form."""

import pytest
from django.core.cache import cache

from tests.e2e.test_agent_journey import live_server_screenshot_path, sign_in
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Attachment, Ticket


@pytest.mark.django_db(transaction=True)
def test_customer_opens_with_a_file_reads_the_plan_and_follows_up(page, live_server, alice, carol):
    sign_in(page, live_server, "carol", "pw-carol-123")
    page.click("text=New ticket")
    page.fill("input[name=subject]", "Scanner jams")
    page.fill("textarea[name=body]", "Every third page jams; photo attached.")
    page.set_input_files(
        "input[name=attachment]",
        files=[{"name": "jam.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff jam"}],
    )
    page.click("main form button[type=submit]")
    page.locator(".message .attachment").wait_for()
    ticket = Ticket.objects.get(subject="Scanner jams")
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
    assert page.locator(".message .attachment a").inner_text() == "jam.jpg"
    assert Attachment.objects.get().message.ticket == ticket

    page.click("header nav >> text=Your plan")
    page.wait_for_url("**/plan/")
    assert "Premium" in page.locator("h1").inner_text()
    assert page.locator("table.promises tbody tr").count() == 4
    assert "Resolution" not in page.content()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.screenshot(path=str(live_server_screenshot_path("plan.png")), full_page=True)

    tickets.reply(actor=alice, ticket=ticket, body="Fixed the rollers.", status="solved")
    tickets.change_status(actor=alice, ticket=ticket, status="closed")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.fill("textarea[name=body]", "It jams again since Monday.")
    page.click("form.reply button[type=submit]")
    page.wait_for_url(lambda url: f"/tickets/{ticket.pk}/" not in url)
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert page.url.endswith(f"/tickets/{follow_up.pk}/")
    notice = page.locator(".messages li").inner_text()
    assert (
        notice
        == f"Your ticket was closed, so we opened follow-up #{follow_up.pk} with your message."
    )
    assert page.locator(".messages a").get_attribute("href") == f"/tickets/{follow_up.pk}/"
    page.locator(".message", has_text="It jams again since Monday.").wait_for()


@pytest.mark.django_db(transaction=True)
def test_a_stranger_writes_through_the_contact_form(page, live_server, tiers):
    cache.clear()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{live_server.url}/contact/")
    # The honeypot is in the form but off-screen, where people never see or fill it.
    box = page.locator("input[name=website]").bounding_box()
    assert box is not None and box["x"] + box["width"] < 0
    page.fill("input[name=name]", "Sam Stranger")
    page.fill("input[name=email]", "sam@stranger.example")
    page.fill("input[name=subject]", "Invoice question")
    page.fill("textarea[name=body]", "Why was I charged twice in November?")
    page.screenshot(path=str(live_server_screenshot_path("contact.png")), full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/contact/sent/**")
    ticket = Ticket.objects.get()
    assert page.locator(".reference").inner_text() == f"#{ticket.pk}"
    assert "You will hear back from us by email." in page.content()
    page.screenshot(path=str(live_server_screenshot_path("contact-sent.png")), full_page=True)
