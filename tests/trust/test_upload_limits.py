"""Uploads per user have a daily quota; uploads no message took are purged with their files."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import T0
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Attachment
from tierdesk.tickets.upload_limits import purge_orphaned_uploads

pytestmark = pytest.mark.django_db


def post_file(client, name="log.txt", size=400):
    return client.post("/api/v1/tickets/uploads", {"file": SimpleUploadedFile(name, b"x" * size)})


def test_the_daily_quota_refuses_the_upload_that_would_pass_it(api, alice, eve, settings):
    settings.TIERDESK_UPLOAD_QUOTA_BYTES = 1000
    client = api(alice).client
    with time_machine.travel(T0, tick=False):
        assert post_file(client).status_code == 201
        assert post_file(client).status_code == 201
        refused = post_file(client)
    assert refused.status_code == 413
    error = refused.json()["error"]
    assert error["code"] == "upload_quota"
    assert error["fields"] == {"file": "upload quota of 0.000953674 MiB per 24 hours reached"}
    assert "Try again later" in error["message"]
    assert Attachment.objects.count() == 2  # nothing written for the refused one
    # Another user has a quota of their own, and a day later the first has theirs back.
    with time_machine.travel(T0, tick=False):
        assert post_file(api(eve).client).status_code == 201
    with time_machine.travel(T0 + timedelta(hours=24, seconds=1), tick=False):
        assert post_file(client).status_code == 201


def test_the_portal_reply_form_shows_the_quota_refusal(carol, ticket, settings):
    settings.TIERDESK_UPLOAD_QUOTA_BYTES = 100
    client = Client()
    client.force_login(carol)
    response = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "here", "kind": "public", "attachment": SimpleUploadedFile("big.txt", b"x" * 200)},
    )
    assert response.status_code == 413
    assert b"would pass it. Try again later" in response.content
    assert ticket.messages.count() == 1
    assert not Attachment.objects.exists()


def test_unattached_uploads_are_purged_after_the_grace_with_their_files(
    api, alice, ticket, django_capture_on_commit_callbacks
):
    client = api(alice).client
    with time_machine.travel(T0, tick=False):
        kept_id = post_file(client, "kept.txt").json()["id"]
        orphan_id = post_file(client, "orphan.txt").json()["id"]
    tickets.reply(actor=alice, ticket=ticket, body="see file", attachments=[kept_id], at=T0)
    orphan_file = Path(Attachment.objects.get(pk=orphan_id).file.path)
    kept_file = Path(Attachment.objects.get(pk=kept_id).file.path)
    assert orphan_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_orphaned_uploads(now=T0 + timedelta(hours=24)) == 0  # within the grace
    assert orphan_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_orphaned_uploads(now=T0 + timedelta(hours=24, seconds=1)) == 1
    assert not Attachment.objects.filter(pk=orphan_id).exists()
    assert not orphan_file.exists()
    assert Attachment.objects.filter(pk=kept_id).exists()
    assert kept_file.exists()
