"""Bad input through the API: always a 4xx in the one error shape, naming the field."""

import json

import pytest
from django.test import Client

from tierdesk.tickets.models import Ticket
from tierdesk.tiers.models import Tier

HUGE = "1" + "0" * 20  # 1e20: past every database's 64-bit integer


def _error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"limit": HUGE}, "limit"),
        ({"offset": HUGE}, "offset"),
        ({"limit": "201"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"q": "lost\x00key"}, "q"),
        ({"tag": "a\x00"}, "tag"),
        ({"created_before": "2026-01-01T00:00:00+23:17"}, "created_before"),
        ({"organization_id": HUGE}, "organization_id"),
    ],
)
def test_list_parameters_out_of_range_are_422_naming_the_field(api, alice, params, field):
    error = _error(api(alice).get("/tickets", **params), 422)
    assert field in error["fields"], error


def test_a_page_is_at_most_200_tickets_with_an_honest_count(api, alice, ticket):
    page = api(alice).get("/tickets", limit=200)
    assert page.status_code == 200
    assert page.body["count"] == Ticket.objects.count() == 1


@pytest.mark.parametrize("path", [f"/tickets/{HUGE}", f"/tickets/{HUGE}/events"])
def test_an_id_past_64_bits_is_422_naming_it(api, alice, path):
    error = _error(api(alice).get(path), 422)
    assert error["fields"] == {"ticket_id": error["fields"]["ticket_id"]}


def test_nul_in_a_text_field_is_422_and_writes_nothing(api, carol):
    response = api(carol).post(
        "/tickets", {"subject": "Printer\x00", "body": "on fire", "channel": "web"}
    )
    error = _error(response, 422)
    assert "subject" in error["fields"]
    assert Ticket.objects.count() == 0


def test_nul_deep_in_a_body_names_its_path(api, carol, ticket):
    response = api(carol).post(
        f"/tickets/{ticket.pk}/reply", {"body": "fine", "attachments": [], "extra": ["\x00"]}
    )
    assert _error(response, 422)["fields"] == {"extra.0": "must not contain the NUL character"}
    assert ticket.messages.count() == 1


def test_a_number_past_64_bits_in_a_body_is_422(api, dave):
    basic = Tier.objects.get(name="Basic")
    raw = json.dumps({"routing_priority": 1}).replace("1", HUGE)
    error = _error(api(dave).patch(f"/tiers/{basic.pk}", raw=raw), 422)
    assert "routing_priority" in error["fields"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"phone_answer_target_seconds": 10**12}, "phone_answer_target_seconds"),
        ({"chat_answer_target_seconds": 10**12}, "chat_answer_target_seconds"),
        ({"routing_priority": None}, "routing_priority"),
        ({"description": None}, "description"),
    ],
)
def test_tier_fields_out_of_range_are_422(api, dave, changes, field):
    basic = Tier.objects.get(name="Basic")
    error = _error(api(dave).patch(f"/tiers/{basic.pk}", changes), 422)
    assert field in error["fields"]
    basic.refresh_from_db()
    assert basic.routing_priority == 10 and basic.phone_answer_target_seconds is None


def test_unknown_api_routes_and_methods_answer_in_the_error_shape(api, alice):
    client = api(alice).client
    assert _error(client.get("/api/v1/no-such-thing"), 404)["code"] == "not_found"
    assert _error(client.get("/api/nothing/here"), 404)["code"] == "not_found"
    assert _error(client.delete("/api/v1/me"), 405)["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_anonymous_writes_are_401_not_a_csrf_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/tickets",
        json.dumps({"subject": "x", "body": "y", "channel": "web"}),
        content_type="application/json",
    )
    assert _error(response, 401)["code"] == "unauthenticated"


def test_an_unexpected_exception_is_a_json_500_without_detail(api, alice, monkeypatch):
    from tierdesk.tickets import api as tickets_api

    def boom(*args, **kwargs):
        raise RuntimeError("secret detail /etc/passwd")

    monkeypatch.setattr(tickets_api, "ticket_page", boom)
    client = api(alice).client
    client.raise_request_exception = False
    response = client.get("/api/v1/tickets")
    error = _error(response, 500)
    assert error["code"] == "server_error"
    assert b"secret" not in response.content and b"passwd" not in response.content


def test_customers_cannot_tag_their_new_ticket(api, carol):
    refused = api(carol).post(
        "/tickets", {"subject": "Help", "body": "please", "channel": "web", "tags": ["vip"]}
    )
    assert _error(refused, 403)["message"] == "Tags are the support team's; leave out tags."
    assert Ticket.objects.count() == 0
