"""POST /api/v1/phone/events with real HMAC signatures: accepted, refused (401), applied.

Signature recipe (docs/phone.md): hex HMAC-SHA256 of "<unix timestamp>.<raw body>" under
the shared secret, sent as "sha256=<hex>".
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from tests.conftest import T0
from tierdesk.customers.models import Contact, Interaction, InteractionKind
from tierdesk.live.models import LiveContact, Outcome, WebhookReceipt, WebhookRefusal
from tierdesk.tickets.models import EventKind, Ticket, TicketEvent

SECRET = "s3cret-shared-with-the-telephony-system"
URL = "/api/v1/phone/events"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.TIERDESK_PHONE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def send(event, *, timestamp=None, secret=SECRET, signature=None, raw=None):
    body = raw if raw is not None else json.dumps(event).encode()
    ts = str(int((timestamp or datetime.now(UTC)).timestamp()))
    mac = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    headers = {"X-Tierdesk-Timestamp": ts, "X-Tierdesk-Signature": signature or f"sha256={mac}"}
    response = Client(headers=headers).post(URL, body, content_type="application/json")
    response.body = response.json()
    return response


def event(kind, at, **extra):
    return {"type": kind, "call_id": "call-9", "at": at.isoformat(), **extra}


CALLER = {"phone": "+44 20 7946 0001"}


def test_an_offered_then_abandoned_call_against_the_60_second_target(clock, peter):
    offered = send(event("offered", T0, caller=CALLER, queue="support"))
    assert offered.status_code == 200
    ticket = Ticket.objects.get()
    assert offered.body == {
        "call_id": "call-9",
        "live_contact_id": LiveContact.objects.get().pk,
        "ticket_id": ticket.pk,
        "outcome": "waiting",
        "changed": True,
        "wait_seconds": None,
        "answer_target_seconds": 60,
        "answered_in_time": None,
        "talk_seconds": None,
    }
    clock.shift(40)
    abandoned = send(event("abandoned", T0 + timedelta(seconds=40), wait_seconds=40))
    assert abandoned.status_code == 200
    assert abandoned.body["outcome"] == "abandoned" and abandoned.body["wait_seconds"] == 40
    assert abandoned.body["answered_in_time"] is None
    assert list(ticket.events.filter(kind__startswith="call").values_list("kind", flat=True)) == [
        EventKind.CALL_OFFERED,
        EventKind.CALL_ABANDONED,
    ]
    assert Interaction.objects.filter(kind=InteractionKind.CALL, ticket_id=ticket.pk).count() == 2


def test_a_whole_call_answered_ended_and_called_back(clock, peter, alice):
    send(event("offered", T0, caller=CALLER))
    answered = send(event("answered", T0 + timedelta(seconds=12), agent="alice@desk.example"))
    assert answered.status_code == 200
    assert answered.body["wait_seconds"] == 12 and answered.body["answered_in_time"] is True
    ended = send(event("ended", T0 + timedelta(minutes=4), talk_seconds=226))
    assert ended.body["outcome"] == "ended" and ended.body["talk_seconds"] == 226
    send(event("callback_requested", T0 + timedelta(minutes=4), number="+44 20 7946 0777"))
    done = send(event("callback_completed", T0 + timedelta(minutes=9), agent="alice"))
    assert done.status_code == 200
    row = LiveContact.objects.get()
    assert row.answered_by == alice and row.callback_completed_by == alice
    assert row.callback_number == "+442079460777"


def test_the_same_event_twice_is_200_and_writes_nothing_new(clock, peter):
    send(event("offered", T0, caller=CALLER))
    send(event("abandoned", T0 + timedelta(seconds=40)))
    events, lines = TicketEvent.objects.count(), Interaction.objects.count()
    clock.shift(1)  # a retry is signed anew
    again = send(event("abandoned", T0 + timedelta(seconds=40)))
    offered_again = send(event("offered", T0, caller=CALLER))
    assert again.status_code == 200 and again.body["changed"] is False
    assert offered_again.status_code == 200 and offered_again.body["changed"] is False
    assert (TicketEvent.objects.count(), Interaction.objects.count()) == (events, lines)


def test_answered_before_offered_is_409_and_writes_nothing(clock, alice):
    response = send(event("answered", T0, agent="alice"))
    assert response.status_code == 409
    assert response.body["error"]["code"] == "out_of_order"
    assert response.body["error"]["message"] == (
        "Call call-9 has not been offered; send its 'offered' event first."
    )
    assert LiveContact.objects.count() == 0 and TicketEvent.objects.count() == 0


def test_ended_before_answered_is_409(clock, peter):
    send(event("offered", T0, caller=CALLER))
    events = TicketEvent.objects.count()
    response = send(event("ended", T0 + timedelta(seconds=30)))
    assert response.status_code == 409
    assert response.body["error"]["message"] == (
        "Call call-9 is waiting; it cannot be ended (only an answered one can end)."
    )
    assert TicketEvent.objects.count() == events
    assert LiveContact.objects.get().outcome == Outcome.WAITING


def test_an_unknown_caller_without_email_becomes_a_contact_of_their_own(clock, tiers):
    response = send(event("offered", T0, caller={"phone": "+1 555 0100"}))
    # Unknown callers land on the entry tier, which has no phone: refused and recorded.
    assert response.status_code == 409
    assert response.body["error"]["code"] == "channel_not_in_tier"
    contact = Contact.objects.get()
    assert (contact.email, contact.phone, contact.name) == (
        "15550100@phone.invalid",
        "+15550100",
        "+15550100",
    )
    assert contact.organization.tier.name == "Basic"
    [line] = Interaction.objects.filter(kind=InteractionKind.CHANNEL_REFUSED)
    assert line.contact == contact and line.channel == "phone"
    assert LiveContact.objects.count() == 0 and Ticket.objects.count() == 0


def test_a_caller_found_by_email_gets_the_number(clock, peter, carol):
    response = send(
        event("offered", T0, caller={"phone": "+44 7700 900123", "email": "Carol@acme.example"})
    )
    assert response.status_code == 200
    assert Contact.objects.get(email="carol@acme.example").phone == "+447700900123"
    assert LiveContact.objects.get().answer_target_seconds == 30


def test_an_unknown_agent_is_422(clock, peter):
    send(event("offered", T0, caller=CALLER))
    response = send(event("answered", T0 + timedelta(seconds=5), agent="nobody"))
    assert response.status_code == 422
    assert response.body["error"]["fields"] == {"agent": "unknown agent"}
    assert LiveContact.objects.get().outcome == Outcome.WAITING


def test_a_malformed_event_is_422_naming_the_field(clock, peter):
    response = send({"type": "rang", "call_id": "c", "at": T0.isoformat()})
    assert response.status_code == 422
    assert list(response.body["error"]["fields"]) == ["type"]


def refusal():
    return WebhookRefusal.objects.values_list("reason", "remote_addr", "at").get()


def test_an_unsigned_request_is_401_and_recorded(clock, peter):
    body = json.dumps(event("offered", T0, caller=CALLER))
    response = Client().post(URL, body, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_signature"
    assert refusal() == ("missing_signature", "127.0.0.1", T0)
    assert LiveContact.objects.count() == 0 and WebhookReceipt.objects.count() == 0


def test_a_wrong_signature_is_401_and_recorded(clock, peter):
    response = send(event("offered", T0, caller=CALLER), secret="not-the-secret")
    assert response.status_code == 401
    assert response.body["error"]["code"] == "bad_signature"
    assert refusal() == ("bad_signature", "127.0.0.1", T0)
    assert LiveContact.objects.count() == 0 and Ticket.objects.count() == 0


def test_a_body_changed_after_signing_is_401(clock, peter):
    signed = json.dumps(event("offered", T0, caller=CALLER)).encode()
    ts = str(int(T0.timestamp()))
    mac = hmac.new(SECRET.encode(), ts.encode() + b"." + signed, hashlib.sha256).hexdigest()
    tampered = signed.replace(b"call-9", b"call-8")
    response = Client(
        headers={"X-Tierdesk-Timestamp": ts, "X-Tierdesk-Signature": f"sha256={mac}"}
    ).post(URL, tampered, content_type="application/json")
    assert response.status_code == 401
    assert LiveContact.objects.count() == 0


def test_a_timestamp_five_minutes_old_is_accepted_one_second_more_is_stale(clock, peter):
    fresh = send(event("offered", T0, caller=CALLER), timestamp=T0 - timedelta(seconds=300))
    stale = send(event("abandoned", T0, caller=CALLER), timestamp=T0 - timedelta(seconds=301))
    future = send(event("abandoned", T0), timestamp=T0 + timedelta(seconds=301))
    assert fresh.status_code == 200
    assert (stale.status_code, stale.body["error"]["code"]) == (401, "stale")
    assert (future.status_code, future.body["error"]["code"]) == (401, "stale")
    assert WebhookRefusal.objects.count() == 2
    assert LiveContact.objects.get().outcome == Outcome.WAITING


def test_a_replayed_request_is_401_and_recorded(clock, peter):
    body = json.dumps(event("offered", T0, caller=CALLER)).encode()
    ts = str(int(T0.timestamp()))
    mac = hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    client = Client(headers={"X-Tierdesk-Timestamp": ts, "X-Tierdesk-Signature": f"sha256={mac}"})
    first = client.post(URL, body, content_type="application/json")
    clock.shift(30)
    replay = client.post(URL, body, content_type="application/json")
    assert first.status_code == 200
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "replayed"
    assert refusal() == ("replayed", "127.0.0.1", T0 + timedelta(seconds=30))
    assert WebhookReceipt.objects.count() == 1


def test_old_signatures_are_pruned(clock, peter):
    send(event("offered", T0, caller=CALLER))
    clock.shift(601)
    send(event("abandoned", T0 + timedelta(seconds=601)))
    assert WebhookReceipt.objects.count() == 1


def test_without_a_secret_the_endpoint_is_503(clock, settings, peter):
    settings.TIERDESK_PHONE_WEBHOOK_SECRET = ""
    response = send(event("offered", T0, caller=CALLER))
    assert response.status_code == 503
    assert response.body["error"]["message"].startswith(
        "Phone events are not configured: set TIERDESK_PHONE_WEBHOOK_SECRET"
    )
    assert LiveContact.objects.count() == 0


def test_a_refused_event_keeps_no_signature_and_is_refused_the_same_way_again(clock, alice):
    body = json.dumps(event("answered", T0, agent="alice")).encode()
    ts = str(int(T0.timestamp()))
    mac = hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    client = Client(headers={"X-Tierdesk-Timestamp": ts, "X-Tierdesk-Signature": f"sha256={mac}"})
    first = client.post(URL, body, content_type="application/json")
    again = client.post(URL, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (409, 409)
    assert WebhookReceipt.objects.count() == 0 and WebhookRefusal.objects.count() == 0
