"""The public contact form's use case: someone with no login writes in through the web."""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from tierdesk.customers.services import contact_for_sender
from tierdesk.errors import Invalid
from tierdesk.tickets.models import Ticket
from tierdesk.tickets.participants import Author
from tierdesk.tickets.services import check_channel, open_ticket, upload_attachment
from tierdesk.tiers.models import Channel
from tierdesk.uploads import too_large


def submit_web_form(
    *,
    email: str,
    name: str,
    subject: str,
    body: str,
    files: Sequence[UploadedFile] = (),
    at: datetime | None = None,
) -> Ticket:
    """A ticket from the public form, written by the sender's contact (created if new).

    Bad input and oversized files are refused before anything is written. The sender's
    tier must include the web: a refusal is recorded on their timeline, and then the
    contact created for them (needed to hold that record) is all that was written.
    """
    now = at or timezone.now()
    limit = settings.TIERDESK_MAX_ATTACHMENT_BYTES
    if any(f.size is None or f.size > limit for f in files):
        raise too_large(limit)
    for field, value in (("subject", subject), ("body", body)):
        if not value.strip():
            raise Invalid(f"The {field} cannot be empty.", fields={field: "required"})
    contact = contact_for_sender(email=email, name=name, at=now)
    check_channel(requester=contact, channel=Channel.WEB, at=now)
    attachments = [upload_attachment(actor=None, upload=f).pk for f in files]
    return open_ticket(
        author=Author.customer(contact),
        subject=subject,
        body=body,
        channel=Channel.WEB,
        attachments=attachments,
        at=now,
    )
