"""Limits on uploads: a daily quota per user, and the purge of files no message ever took.

An upload waits for a reply or note to name it (``services.upload_attachment``). One that
never joins a message (the reply was refused, the page was closed) would hold disk space
for ever, and a signed-in user could fill the disk with them: each user may upload
``TIERDESK_UPLOAD_QUOTA_BYTES`` in any 24 hours, and the workers delete uploads still
unattached after ``TIERDESK_ORPHAN_UPLOAD_HOURS``.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from tierdesk.accounts.models import User
from tierdesk.errors import TooLarge
from tierdesk.tickets.models import Attachment

QUOTA_WINDOW = timedelta(hours=24)
PURGE_BATCH = 500


def check_upload_quota(*, user: User, size: int, now: datetime) -> None:
    """Refuse an upload that would take ``user`` past the daily quota; call it in the
    upload's transaction, which this locks per user so that parallel uploads queue."""
    quota = settings.TIERDESK_UPLOAD_QUOTA_BYTES
    User.objects.select_for_update().filter(pk=user.pk).exists()
    used = (
        Attachment.objects.filter(uploaded_by=user, created_at__gt=now - QUOTA_WINDOW).aggregate(
            n=Sum("size")
        )["n"]
        or 0
    )
    if used + size > quota:
        mib = quota / 1_048_576
        raise TooLarge(
            f"You have uploaded {used / 1_048_576:.1f} of your {mib:g} MiB for the last 24 "
            f"hours, and this file ({size} bytes) would pass it. Try again later, or attach "
            "fewer or smaller files.",
            code="upload_quota",
            fields={"file": f"upload quota of {mib:g} MiB per 24 hours reached"},
        )


def purge_orphaned_uploads(*, now: datetime) -> int:
    """Delete uploads no message took within the grace period, then their files; how many."""
    cutoff = now - timedelta(hours=settings.TIERDESK_ORPHAN_UPLOAD_HOURS)
    with transaction.atomic():
        rows = list(
            Attachment.objects.select_for_update(skip_locked=True)
            .filter(message=None, created_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", "file")[:PURGE_BATCH]
        )
        # Guarded: a row a message took meanwhile is kept.
        Attachment.objects.filter(pk__in=[pk for pk, _ in rows], message=None).delete()
        gone = {pk for pk, _ in rows} - set(
            Attachment.objects.filter(pk__in=[pk for pk, _ in rows]).values_list("pk", flat=True)
        )
        files = [name for pk, name in rows if pk in gone]
        transaction.on_commit(lambda: _delete_files(files))
    return len(gone)


def _delete_files(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage  # type: ignore[attr-defined]
    for name in names:
        storage.delete(name)
