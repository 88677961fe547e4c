"""The tickets API: the happy paths, every refusal with its message, and who sees what."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tierdesk.customers.models import Interaction, InteractionKind
from tierdesk.tickets.models import EventKind, Message, Ticket, TicketEvent


def test_customer_opens_a_ticket_and_sees_when_the_answer_is_due(api, carol):
    response = api(carol).post(
        "/tickets",
        {"subject": "Cannot log in", "body": "It says no.", "channel": "email", "priority": "high"},
    )
    assert response.status_code == 201, response.body
    body = response.body
    assert body["status"] == "new"
    assert body["tier"]["name"] == "Premium"
    assert body["messages"][0]["author_kind"] == "customer"
    assert body["clocks"] == [] and body["reply_due_at"]
    assert TicketEvent.objects.filter(ticket_id=body["id"], kind=EventKind.CREATED).exists()


def test_agent_lists_with_filters_and_pagination(api, alice, carol):
    client = api(carol)
    for i in range(5):
        client.post(
            "/tickets",
            {
                "subject": f"Issue {i}",
                "body": "x",
                "channel": "email",
                "priority": "high" if i % 2 else "low",
            },
        )
    page = api(alice).get("/tickets", priority="high", limit=1, offset=1)
    assert page.status_code == 200
    assert page.body["count"] == 2
    assert len(page.body["items"]) == 1
    assert page.body["items"][0]["priority"] == "high"
    searched = api(alice).get("/tickets", q="Issue 3")
    assert [t["subject"] for t in searched.body["items"]] == ["Issue 3"]


def test_list_runs_a_fixed_number_of_queries(api, alice, carol, django_assert_max_num_queries):
    client = api(carol)
    for i in range(12):
        client.post("/tickets", {"subject": f"Issue {i}", "body": "x", "channel": "email"})
    agent = api(alice)
    with django_assert_max_num_queries(8):
        response = agent.get("/tickets", limit=12)
    assert len(response.body["items"]) == 12


def test_customers_of_two_organizations_each_list_only_their_own_one_after_the_other(
    api, bob, carol, ticket
):
    # The page's SQL is kept per visibility: the second customer must not get the first's.
    theirs = api(bob).post("/tickets", {"subject": "Globex's", "body": "x", "channel": "email"})
    for _ in range(2):
        assert [t["id"] for t in api(carol).get("/tickets").body["items"]] == [ticket.pk]
        assert [t["id"] for t in api(bob).get("/tickets").body["items"]] == [theirs.body["id"]]


def test_agent_reply_note_and_patch(api, alice, ticket):
    agent = api(alice)
    reply = agent.post(f"/tickets/{ticket.pk}/reply", {"body": "On it.", "status": "pending"})
    assert reply.status_code == 201, reply.body
    note = agent.post(f"/tickets/{ticket.pk}/notes", {"body": "Call the fire brigade"})
    assert note.status_code == 201
    patched = agent.patch(f"/tickets/{ticket.pk}", {"priority": "urgent", "assignee_id": alice.pk})
    assert patched.status_code == 200, patched.body
    assert patched.body["priority"] == "urgent"
    assert patched.body["assignee"]["id"] == alice.pk
    assert patched.body["status"] == "pending"
    tagged = agent.post(f"/tickets/{ticket.pk}/tags", {"add": ["Fire", "hardware"]})
    assert tagged.body["tags"] == ["fire", "hardware"]
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    for kind in (
        EventKind.MESSAGE_ADDED,
        EventKind.NOTE_ADDED,
        EventKind.PRIORITY_CHANGED,
        EventKind.ASSIGNEE_CHANGED,
        EventKind.TAGS_CHANGED,
        EventKind.STATUS_CHANGED,
    ):
        assert kind in kinds


def test_customer_never_sees_internal_notes(api, alice, carol, ticket):
    api(alice).post(f"/tickets/{ticket.pk}/notes", {"body": "secret"})
    body = api(carol).get(f"/tickets/{ticket.pk}").body
    assert [m["kind"] for m in body["messages"]] == ["public"]
    refused = api(carol).get(f"/tickets/{ticket.pk}/events")
    assert refused.status_code == 403
    assert refused.body["error"]["code"] == "not_allowed"


def test_another_organization_gets_404_not_403(api, bob, ticket):
    outsider = api(bob)
    assert outsider.get(f"/tickets/{ticket.pk}").status_code == 404
    assert outsider.post(f"/tickets/{ticket.pk}/reply", {"body": "hi"}).status_code == 404
    assert outsider.get("/tickets").body["count"] == 0
    assert not Message.objects.filter(ticket=ticket, body="hi").exists()


def test_customer_cannot_change_status_or_write_notes(api, carol, ticket):
    customer = api(carol)
    response = customer.patch(f"/tickets/{ticket.pk}", {"status": "solved"})
    assert response.status_code == 403
    assert response.body["error"]["message"] == "Only agents can change tickets."
    assert customer.post(f"/tickets/{ticket.pk}/notes", {"body": "x"}).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_unknown_ticket_is_404_with_message(api, alice):
    response = api(alice).get("/tickets/999999")
    assert response.status_code == 404
    assert response.body["error"] == {
        "code": "not_found",
        "message": "No ticket #999999.",
        "fields": {},
    }


def test_malformed_json_is_422_and_writes_nothing(api, carol):
    response = api(carol).post("/tickets", raw='{"subject": "x", ')
    assert response.status_code == 422
    assert response.body["error"]["code"] == "malformed_json"
    assert Ticket.objects.count() == 0


def test_unknown_wrong_typed_and_invalid_enum_fields_are_named(api, carol):
    response = api(carol).post(
        "/tickets", {"subject": "x", "body": "y", "channel": "fax", "priority": 3, "colour": "red"}
    )
    assert response.status_code == 422
    fields = response.body["error"]["fields"]
    assert set(fields) == {"channel", "priority", "colour"}
    assert Ticket.objects.count() == 0


def test_unauthenticated_is_401(db):
    response = Client().get("/api/v1/tickets")
    assert response.status_code == 401
    assert "token" in response.json()["error"]["message"]


def test_channel_outside_the_tier_is_refused_politely_and_recorded(api, bob):
    response = api(bob).post("/tickets", {"subject": "Chat?", "body": "hello", "channel": "chat"})
    assert response.status_code == 409
    assert response.body["error"]["message"] == (
        "Basic tier has no live chat; please contact us by email or web form and portal, "
        "or upgrade your plan."
    )
    assert Ticket.objects.count() == 0
    assert (
        Interaction.objects.filter(kind=InteractionKind.CHANNEL_REFUSED, channel="chat").count()
        == 1
    )


def test_reply_naming_a_foreign_attachment_writes_nothing(api, alice, carol, ticket):
    upload = api(alice).client.post(
        "/api/v1/tickets/uploads", {"file": SimpleUploadedFile("log.txt", b"boom")}
    )
    assert upload.status_code == 201, upload.content
    response = api(carol).post(
        f"/tickets/{ticket.pk}/reply", {"body": "see file", "attachments": [upload.json()["id"]]}
    )
    assert response.status_code == 422
    assert response.body["error"]["fields"] == {"attachments": "unknown attachment ids"}
    assert not Message.objects.filter(body="see file").exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_is_413(api, carol):
    response = api(carol).post(
        "/tickets", {"subject": "big", "body": "x" * 5000, "channel": "email"}
    )
    assert response.status_code == 413
    assert Ticket.objects.count() == 0


@override_settings(TIERDESK_MAX_ATTACHMENT_BYTES=10)
def test_oversized_attachment_is_413(api, alice):
    response = api(alice).client.post(
        "/api/v1/tickets/uploads", {"file": SimpleUploadedFile("big.bin", b"x" * 11)}
    )
    assert response.status_code == 413
    assert "limited to 10 bytes" in response.json()["error"]["message"]


def test_openapi_schema_is_served(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/tickets" in response.json()["paths"]


def test_api_docs_are_served_without_a_cdn(db):
    page = Client().get("/api/docs")
    assert page.status_code == 200
    assert "swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text


def test_customer_cannot_open_a_ticket_in_a_colleagues_name(api, carol, acme):
    from tierdesk.customers.services import create_contact

    colleague = create_contact(actor=None, organization=acme, name="Dan", email="dan@acme.example")
    response = api(carol).post(
        "/tickets", {"subject": "x", "body": "y", "channel": "email", "requester_id": colleague.pk}
    )
    assert response.status_code == 403
    assert "for themselves" in response.body["error"]["message"]
    assert Ticket.objects.count() == 0


def test_agent_opens_a_ticket_for_a_contact(api, alice, carol):
    response = api(alice).post(
        "/tickets",
        {
            "subject": "Logged",
            "body": "From a call",
            "channel": "phone",
            "requester_id": carol.contact.pk,
        },
    )
    assert response.status_code == 201, response.body
    assert response.body["requester"]["email"] == "carol@acme.example"
    assert {c["metric"] for c in response.body["clocks"]} == {"periodic_update", "resolution"}


def test_clocks_in_the_api_say_when_they_are_overdue(api, alice, ticket):
    clocks = {c["metric"]: c for c in api(alice).get(f"/tickets/{ticket.pk}").body["clocks"]}
    assert clocks["first_response"]["overdue"] is True
    assert clocks["first_response"]["remaining_seconds"] < 0
