"""Upload handling that refuses an oversized attachment while it arrives, not after."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from tierdesk.errors import TooLarge


def too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"The file is larger than {limit} bytes; attachments are limited to {limit} bytes.",
        fields={"file": f"at most {limit} bytes"},
    )


class AttachmentSizeLimit(FileUploadHandler):
    """Stops reading a file past the attachment limit instead of spooling it all to disk.

    The request is marked, so that the API and the views answer 413 rather than acting as
    if no file had been sent.
    """

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)  # type: ignore[arg-type]
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        limit = settings.TIERDESK_MAX_ATTACHMENT_BYTES
        if self.received > limit:
            self.request.upload_refused = too_large(limit)  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def refused_upload(request: object) -> TooLarge | None:
    return getattr(request, "upload_refused", None)
