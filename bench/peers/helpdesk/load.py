"""Loads the peer's bench data: a queue, a staff user with an API token, N tickets.

    DATABASE_URL=... python load.py 10000     (in the peer's virtualenv, after migrate)

Each ticket gets one follow-up, because the peer's ticket serializer nests its follow-ups:
a list or get then reads them as it would in use. Prints one ``PEER_DATA {json}`` line.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402 - after django.setup()
from django.db import transaction  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

BATCH = 2_000


@transaction.atomic
def load(total: int) -> dict[str, object]:
    queue = Queue.objects.create(title="Bench", slug="bench", email_address="q@bench.example")
    agent = get_user_model().objects.create_user(
        username="bench-agent", email="a@bench.example", is_staff=True
    )
    token = Token.objects.create(user=agent)
    for start in range(0, total, BATCH):
        tickets = Ticket.objects.bulk_create(
            Ticket(
                queue=queue,
                title=f"Bench ticket {n}",
                description="The ticket the bench copies",
                submitter_email="b@x.example",
            )
            for n in range(start, min(start + BATCH, total))
        )
        FollowUp.objects.bulk_create(
            FollowUp(ticket=t, title="Ticket Opened", comment=t.description, public=True)
            for t in tickets
        )
    ids = Ticket.objects.filter(queue=queue).order_by("id").values_list("id", flat=True)
    return {"token": token.key, "queue": queue.id, "lo": ids.first(), "hi": ids.last()}


if __name__ == "__main__":
    print("PEER_DATA " + json.dumps(load(int(sys.argv[1]))))
