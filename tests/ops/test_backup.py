"""`tierdesk backup` then `tierdesk restore` gives back the same tickets and the same files."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tests.accounts.test_cli import tierdesk
from tests.conftest import T0
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def state():
    return {
        "tickets": sorted(Ticket.objects.values_list("pk", "subject", "status", "priority")),
        "messages": sorted(Message.objects.values_list("pk", "ticket_id", "body")),
        "files": sorted(
            (a.pk, a.filename, Path(a.file.path).read_bytes()) for a in Attachment.objects.all()
        ),
    }


def test_a_backup_restores_the_database_and_the_attachments(tmp_path, alice, carol, ticket):
    upload = tickets.upload_attachment(
        actor=alice, upload=SimpleUploadedFile("trace.log", b"line 1\nline 2\n")
    )
    tickets.reply(actor=alice, ticket=ticket, body="see the log", attachments=[upload.pk], at=T0)
    before = state()
    archive = tmp_path / "tierdesk.tar.gz"
    made = tierdesk("backup", str(archive))
    assert made.returncode == 0, made.stderr
    assert f"{connection.vendor} database and " in made.stdout

    # Life goes on after the backup: a new ticket, a lost file, a changed status.
    tickets.open_ticket(actor=carol, subject="After", body="x", channel="email", at=T0)
    Path(upload.file.path).unlink()
    tickets.change_status(actor=alice, ticket=ticket, status="solved", at=T0)
    connection.close()

    refused = tierdesk("restore", str(archive))
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    restored = tierdesk("restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    connection.close()
    assert state() == before


def test_a_restore_refuses_an_archive_of_the_other_engine(tmp_path, tiers):
    made = tierdesk("backup", str(tmp_path / "a.tar.gz"))
    assert made.returncode == 0, made.stderr
    import json
    import tarfile

    with tarfile.open(tmp_path / "a.tar.gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    other = "sqlite" if manifest["engine"] == "postgresql" else "postgresql"
    forged = tmp_path / "b.tar.gz"
    (tmp_path / "manifest.json").write_text(json.dumps({**manifest, "engine": other}))
    with tarfile.open(forged, "w:gz") as tar:
        tar.add(tmp_path / "manifest.json", "manifest.json")
    refused = tierdesk("restore", str(forged), "--yes")
    assert refused.returncode == 2
    assert f"holds a {other} database" in refused.stderr
