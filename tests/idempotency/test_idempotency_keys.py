"""Idempotency-Key: a client's retry replays the first answer and writes nothing twice."""

import json
from datetime import timedelta

from django.utils import timezone

from tierdesk.idempotency.middleware import prune
from tierdesk.idempotency.models import IdempotentRequest
from tierdesk.tickets.models import Ticket

NEW = {"subject": "Printer on fire", "body": "Help!", "channel": "web"}


def _post(client, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        "/api/v1/tickets", json.dumps(body), content_type="application/json", headers=headers
    )


def test_a_retry_with_the_same_key_replays_the_ticket_and_writes_nothing(api, carol):
    client = api(carol).client
    first = _post(client, NEW, key="create-1")
    assert first.status_code == 201
    again = _post(client, NEW, key="create-1")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Ticket.objects.count() == 1
    assert "Idempotent-Replayed" not in first


def test_without_a_key_or_with_a_new_key_each_post_writes(api, carol):
    client = api(carol).client
    _post(client, NEW)
    _post(client, NEW)
    _post(client, NEW, key="a")
    _post(client, NEW, key="b")
    assert Ticket.objects.count() == 4


def test_the_same_key_for_another_body_is_refused(api, carol):
    client = api(carol).client
    _post(client, NEW, key="k")
    other = _post(client, {**NEW, "subject": "Another"}, key="k")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_keys_belong_to_their_client(api, carol):
    _post(api(carol).client, NEW, key="shared")
    _post(api(carol).client, NEW, key="shared")  # another token: another client
    assert Ticket.objects.count() == 2


def test_a_refusal_is_replayed_too_and_a_bad_key_is_422(api, carol):
    client = api(carol).client
    bad = _post(client, {"subject": ""}, key="bad-body")
    again = _post(client, {"subject": ""}, key="bad-body")
    assert bad.status_code == again.status_code == 422
    assert again["Idempotent-Replayed"] == "true"
    too_long = _post(client, NEW, key="x" * 256)
    assert too_long.status_code == 422
    assert too_long.json()["error"]["fields"] == {
        "Idempotency-Key": "1 to 255 printable characters"
    }
    assert Ticket.objects.count() == 0


def test_old_keys_are_forgotten(api, carol, settings):
    settings.TIERDESK_IDEMPOTENCY_HOURS = 24
    _post(api(carol).client, NEW, key="old")
    assert prune(now=timezone.now() + timedelta(hours=23)) == 0
    assert prune(now=timezone.now() + timedelta(hours=25)) == 1
    assert not IdempotentRequest.objects.exists()
