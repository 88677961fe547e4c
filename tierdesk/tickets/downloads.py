"""Attachment downloads, shared by the API and the web UI."""

from django.http import FileResponse

from tierdesk.tickets.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    # Always a download, never rendered inline: an uploaded HTML file must not run as our page.
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "sandbox"
    return response
