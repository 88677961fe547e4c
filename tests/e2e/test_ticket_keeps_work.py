"""The ticket page never loses or reverts an agent's work, and says what happened each time."""

import pytest

from tests.e2e.test_agent_journey import sign_in
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Message, Ticket

DRAFT = "Dear Carol, the engineer comes at nine."


def open_ticket_page(page, live_server, ticket):
    sign_in(page, live_server, "alice", "pw-alice-123")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")


def reply_alert(page):
    return page.locator("form.reply .form-alert [role=alert]")


def attach_eleven_mib(page):
    eleven_mib = b"x" * (11 * 1024 * 1024)
    page.set_input_files(
        "input[name=attachment]",
        files=[{"name": "dump.bin", "mimeType": "application/octet-stream", "buffer": eleven_mib}],
    )


def lose_the_csrf_cookie(page):
    page.context.clear_cookies(name="csrftoken")


@pytest.mark.parametrize(
    ("mishap", "explained"),
    [
        (attach_eleven_mib, "larger than 10485760 bytes"),
        (lose_the_csrf_cookie, "security token has expired"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_a_refused_send_is_explained_by_the_form_and_the_draft_stays(
    page, live_server, alice, ticket, mishap, explained
):
    open_ticket_page(page, live_server, ticket)
    page.fill("textarea[name=body]", DRAFT)
    mishap(page)
    page.click("form.reply button[type=submit]")
    reply_alert(page).wait_for()
    assert explained in reply_alert(page).inner_text()
    assert page.input_value("textarea[name=body]") == DRAFT
    assert Message.objects.filter(ticket=ticket).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_empty_reply_is_refused_naming_the_field(page, live_server, alice, ticket):
    open_ticket_page(page, live_server, ticket)
    page.evaluate("document.querySelector('textarea[name=body]').removeAttribute('required')")
    page.click("form.reply button[type=submit]")
    reply_alert(page).wait_for()
    assert "Your reply: This field is required." in reply_alert(page).inner_text()
    assert Message.objects.filter(ticket=ticket).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_transition_is_shown_by_the_update_form(page, live_server, alice, ticket):
    open_ticket_page(page, live_server, ticket)
    page.select_option("form.update select[name=status]", "closed")
    page.click("form.update button[type=submit]")
    alert = page.locator("form.update .form-alert [role=alert]")
    alert.wait_for()
    assert "closed" in alert.inner_text().lower()
    ticket.refresh_from_db()
    assert ticket.status == "new"


@pytest.mark.django_db(transaction=True)
def test_an_expired_session_goes_to_sign_in_and_the_draft_comes_back(
    page, live_server, alice, ticket
):
    open_ticket_page(page, live_server, ticket)
    page.fill("textarea[name=body]", DRAFT)
    page.context.clear_cookies(name="sessionid")
    page.click("form.reply button[type=submit]")
    page.wait_for_url("**/login/?next=*")
    assert "Sign in" in page.content()
    assert page.locator(".conversation").count() == 0  # a page of its own, not pasted in
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    page.locator("form.reply .form-alert [role=status]").wait_for()
    assert page.input_value("textarea[name=body]") == DRAFT
    assert "draft was restored" in page.locator("form.reply .form-alert").inner_text()
    page.click("form.reply button[type=submit]")
    page.locator(".message.agent", has_text=DRAFT).wait_for()
    page.reload()
    assert page.input_value("textarea[name=body]") == ""  # sent drafts are forgotten


@pytest.mark.django_db(transaction=True)
def test_the_side_panel_follows_a_reply_and_a_later_update_keeps_the_status(
    page, live_server, alice, ticket
):
    open_ticket_page(page, live_server, ticket)
    page.fill("textarea[name=body]", "Could you send the serial number?")
    page.select_option("form.reply select[name=status]", "pending")
    page.click("form.reply button[type=submit]")
    confirmation = page.locator("form.reply .form-alert [role=status]")
    confirmation.wait_for()
    assert confirmation.inner_text() == "Reply sent. Status is now Pending (waiting on customer)."
    assert page.input_value("form.update select[name=status]") == "pending"
    page.select_option("form.update select[name=priority]", "high")
    page.click("form.update button[type=submit]")
    saved = page.locator("form.update .form-alert [role=status]")
    saved.wait_for()
    assert "Saved: priority High." in saved.inner_text()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("pending", "high")


@pytest.mark.django_db(transaction=True)
def test_a_stale_update_form_never_reverts_another_agents_change(page, live_server, alice, ticket):
    open_ticket_page(page, live_server, ticket)
    # Someone else solves the ticket while this page still shows it as new.
    tickets.change_status(actor=alice, ticket=ticket, status="solved")
    page.select_option("form.update select[name=priority]", "urgent")
    page.click("form.update button[type=submit]")
    page.locator("form.update .form-alert [role=status]").wait_for()
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.priority) == ("solved", "urgent")
    assert page.input_value("form.update select[name=status]") == "solved"


@pytest.mark.django_db(transaction=True)
def test_errors_look_different_from_confirmations(page, live_server, alice, ticket):
    open_ticket_page(page, live_server, ticket)
    page.select_option("form.update select[name=priority]", "high")
    page.click("form.update button[type=submit]")
    style = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderLeftColor]"
    ok = page.locator("form.update .flash.ok")
    ok.wait_for()
    ok_look = ok.evaluate(style)
    page.select_option("form.update select[name=status]", "closed")
    page.click("form.update button[type=submit]")
    bad = page.locator("form.update .flash.error")
    bad.wait_for()
    bad_look = bad.evaluate(style)
    assert bad_look[0] != ok_look[0] and bad_look[1] != ok_look[1]
    assert bad_look == ["rgb(253, 236, 234)", "rgb(192, 57, 43)"]
