"""The ticket page's forms over htmx: refusals go to the form's alert, stale fields stay put."""

from django.test import Client

from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Message, Ticket

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/tickets/1/"}


def agent_client(user):
    client = Client(headers=HTMX)
    client.force_login(user)
    return client


def update(client, ticket, **fields):
    drawn = {"status_was": "new", "priority_was": "normal", "assignee_id_was": ""}
    form = {"status": "new", "priority": "normal", "assignee_id": "", **drawn, **fields}
    return client.post(f"/tickets/{ticket.pk}/update/", form)


def test_only_fields_changed_from_the_drawn_form_are_saved(alice, ticket):
    tickets.change_status(actor=alice, ticket=ticket, status="pending")
    response = update(agent_client(alice), ticket, priority="high")
    assert response.status_code == 200
    assert "Saved: priority High." in response.text
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.priority) == ("pending", "high")


def test_an_unchanged_form_saves_nothing_and_says_so(alice, ticket):
    events = ticket.events.count()
    response = update(agent_client(alice), ticket)
    assert "Nothing to save" in response.text
    assert ticket.events.count() == events


def test_a_refused_transition_answers_409_into_the_form_alert(alice, ticket):
    response = update(agent_client(alice), ticket, status="closed")
    assert response.status_code == 409
    assert response["HX-Retarget"] == "find .form-alert"
    assert 'role="alert"' in response.text
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_an_invalid_reply_names_the_field_and_writes_nothing(alice, ticket):
    response = agent_client(alice).post(
        f"/tickets/{ticket.pk}/reply/", {"body": "", "kind": "public"}
    )
    assert response.status_code == 422
    assert "Your reply: This field is required." in response.text
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_a_reply_brings_the_side_panel_along_out_of_band(alice, ticket):
    response = agent_client(alice).post(
        f"/tickets/{ticket.pk}/reply/", {"body": "On it.", "kind": "public", "status": "pending"}
    )
    assert response.status_code == 200
    assert 'id="ticket-side" class="card side" hx-swap-oob="true"' in response.text
    assert '<option value="pending" selected>' in response.text


def test_an_expired_session_on_htmx_is_sent_to_sign_in_with_the_page_to_return_to(ticket):
    response = Client(headers=HTMX).post(f"/tickets/{ticket.pk}/reply/", {"body": "x"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/login/?next=%2Ftickets%2F1%2F"
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_a_refused_csrf_token_on_htmx_is_explained_in_the_form(alice, ticket):
    client = Client(enforce_csrf_checks=True, headers=HTMX)
    client.force_login(alice)
    response = client.post(f"/tickets/{ticket.pk}/reply/", {"body": "hi", "kind": "public"})
    assert response.status_code == 403
    assert "security token has expired" in response.text
    assert response["HX-Retarget"] == "find .form-alert"


def test_unknown_pages_get_the_styled_not_found_page(db, settings):
    settings.DEBUG = False
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "<title>Not found · tierdesk</title>" in response.text
