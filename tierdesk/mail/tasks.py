"""Background mail work: one task sends one outbox row (database task backend)."""

from django.tasks import task
from django.utils import timezone

from tierdesk.mail import outbox


@task()
def send_email(*, outbound_id: int) -> str:
    return outbox.deliver(outbound_id=outbound_id, at=timezone.now()).state
