"""Attachments: uploaded, sent with a reply, downloaded only by those who may read the message."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Attachment


def upload(api_client, name="log.txt", content=b"boom"):
    response = api_client.client.post(
        "/api/v1/tickets/uploads", {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_reply_with_attachment_downloads_for_the_customer_not_for_others(
    api, alice, carol, bob, ticket
):
    agent = api(alice)
    file_id = upload(agent, "page.html", b"<script>alert(1)</script>")
    assert (
        agent.post(
            f"/tickets/{ticket.pk}/reply", {"body": "see file", "attachments": [file_id]}
        ).status_code
        == 201
    )
    got = api(carol).client.get(f"/api/v1/tickets/{ticket.pk}/attachments/{file_id}")
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"<script>alert(1)</script>"
    assert got["Content-Disposition"].startswith("attachment;")
    assert got["Content-Security-Policy"] == "sandbox"
    assert (
        api(bob).client.get(f"/api/v1/tickets/{ticket.pk}/attachments/{file_id}").status_code == 404
    )


def test_attachment_on_an_internal_note_is_hidden_from_the_customer(api, alice, carol, ticket):
    agent = api(alice)
    file_id = upload(agent)
    agent.post(f"/tickets/{ticket.pk}/notes", {"body": "internal", "attachments": [file_id]})
    assert (
        api(carol).client.get(f"/api/v1/tickets/{ticket.pk}/attachments/{file_id}").status_code
        == 404
    )
    assert agent.client.get(f"/api/v1/tickets/{ticket.pk}/attachments/{file_id}").status_code == 200


def test_web_reply_with_a_file(alice, ticket):
    client = Client()
    client.force_login(alice)
    response = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {
            "body": "Logs attached",
            "kind": "public",
            "attachment": SimpleUploadedFile("trace.txt", b"stack"),
        },
    )
    assert (response.status_code, response.url) == (302, f"/tickets/{ticket.pk}/")
    attachment = Attachment.objects.get(filename="trace.txt")
    assert attachment.message.body == "Logs attached"
    download = client.get(f"/tickets/{ticket.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200


def test_notifications_reach_the_assignee_and_can_be_read(api, alice, ticket, tiers):
    from datetime import timedelta

    from tests.conftest import T0
    from tierdesk.sla import monitor
    from tierdesk.sla.models import AlertKind, EscalationAction, EscalationRule

    EscalationRule.objects.create(
        tier=tiers["Premium"], on=AlertKind.BREACH, action=EscalationAction.NOTIFY_ASSIGNEE
    )
    tickets.assign(actor=alice, ticket=ticket, assignee=alice, at=T0)
    monitor.sweep(now=T0 + timedelta(hours=2))
    mine = api(alice).get("/notifications", unread=True).body["items"]
    assert len(mine) == 1 and "First response breached" in mine[0]["text"]
    read = api(alice).post(f"/notifications/{mine[0]['id']}/read")
    assert read.status_code == 200 and read.body["read_at"]
    assert api(alice).get("/notifications", unread=True).body["count"] == 0


def test_web_reply_with_an_oversized_file_writes_nothing_and_keeps_the_text(
    alice, ticket, settings
):
    settings.TIERDESK_MAX_ATTACHMENT_BYTES = 10
    client = Client()
    client.force_login(alice)
    response = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {
            "body": "Logs attached",
            "kind": "public",
            "attachment": SimpleUploadedFile("big.log", b"x" * 5000),
        },
    )
    assert response.status_code == 413
    assert "attachments are limited to 10 bytes" in response.text
    assert "Logs attached" in response.text  # the reply stays in the form
    assert not Attachment.objects.exists()
    assert ticket.messages.count() == 1
