"""/api/v1/wfm: managers and admins plan, agents set their own status, outsiders are refused."""

import math

import pytest
import time_machine

from tierdesk.workforce.models import AgentStatusEvent, Roster

from .conftest import NOW

VIP_CALLS = {"tier": "VIP", "channel": "phone", "values": [6, 6, 6, 6]}


@pytest.fixture
def manager_api(api, maria):
    return api(maria)


def test_forecast_for_a_manager(manager_api, history):
    with time_machine.travel(NOW, tick=False):
        response = manager_api.get("/wfm/forecast", horizon_days=1, interval_minutes=60)
    assert response.status_code == 200
    body = response.body
    assert body["intervals"] == 24
    email = next(s for s in body["series"] if s["tier"] == "Premium" and s["channel"] == "email")
    assert len(email["values"]) == 24
    assert email["total"] == pytest.approx(24, abs=4)


def test_forecast_horizon_beyond_history_is_a_422(manager_api, history):
    with time_machine.travel(NOW, tick=False):
        response = manager_api.get("/wfm/forecast", horizon_days=20)
    assert response.status_code == 422
    assert "at most 14.0 days" in response.body["error"]["fields"]["horizon_days"]


@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_agents_and_customers_cannot_plan(api, persona, request, tiers):
    client = api(request.getfixturevalue(persona))
    assert client.get("/wfm/forecast").status_code == 403
    assert client.post("/wfm/staffing", {"volumes": [VIP_CALLS]}).status_code == 403
    assert client.get("/wfm/adherence", roster_id=1, day="2026-03-02").status_code == 403
    assert client.get("/wfm/rosters").status_code == 403


def test_anonymous_callers_are_asked_to_sign_in(client):
    assert client.get("/api/v1/wfm/forecast").status_code == 401


def test_staffing_plan_for_stated_volumes(manager_api, tiers):
    body = {"volumes": [VIP_CALLS], "assumptions": {"cost_per_hour": 50, "shrinkage": 0.2}}
    response = manager_api.post("/wfm/staffing", body)
    assert response.status_code == 200
    plan = response.body
    assert len(plan["intervals"]) == 4
    first = plan["intervals"][0]
    assert [i["scheduled"] for i in plan["intervals"]] == [
        math.ceil(i["productive"] / 0.8 - 1e-9) for i in plan["intervals"]
    ]
    assert plan["cost"] == pytest.approx(sum(i["scheduled"] for i in plan["intervals"]) * 50)
    assert first["rostered"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"volumes": [{**VIP_CALLS, "values": [1, -1]}]}, "volumes.0.values"),
        (
            {"volumes": [VIP_CALLS], "assumptions": {"aht_seconds": {"phone": 0}}},
            "aht_seconds.phone",
        ),
        ({"volumes": [VIP_CALLS], "assumptions": {"service_level": 1.0}}, "service_level"),
        ({"volumes": [{**VIP_CALLS, "tier": "Gold"}]}, "volumes.0.tier"),
        ({"volumes": [VIP_CALLS], "interval_minutes": 20}, "interval_minutes"),
    ],
)
def test_staffing_input_is_checked_per_field(manager_api, tiers, body, field):
    response = manager_api.post("/wfm/staffing", body)
    assert response.status_code == 422
    assert field in response.body["error"]["fields"]


def test_simulate_answers_per_tier_with_intervals(manager_api, tiers, weekday_roster):
    body = {
        "volumes": [VIP_CALLS],
        "roster_id": weekday_roster.pk,
        "promises": [{"tier": "VIP", "target_seconds": 900, "service_level": 0.8}],
        "replications": 5,
    }
    with time_machine.travel(NOW.replace(hour=8), tick=False):  # roster 09-17 London = UTC
        response = manager_api.post("/wfm/simulate", body)
    assert response.status_code == 200
    (vip,) = response.body
    assert vip["tier"] == "VIP"
    assert vip["status"] in {"met", "not met", "uncertain"}
    load = vip["loads"][0]
    assert load["target_seconds"] == 900
    assert (
        load["service_level"]["low"]
        <= load["service_level"]["mean"]
        <= load["service_level"]["high"]
    )


def test_simulate_with_an_unknown_roster_is_a_404(manager_api, tiers):
    response = manager_api.post("/wfm/simulate", {"volumes": [VIP_CALLS], "roster_id": 999})
    assert response.status_code == 404


def test_an_empty_roster_is_a_422_and_writes_nothing(manager_api, tiers):
    response = manager_api.post("/wfm/rosters", {"name": "Empty", "shifts": []})
    assert response.status_code == 422
    assert response.body["error"]["fields"] == {"shifts": "empty roster"}
    assert not Roster.objects.exists()


def test_a_manager_creates_a_roster(manager_api, alice):
    shift = {"agent_id": alice.pk, "weekday": 0, "start": "09:00", "end": "17:00"}
    response = manager_api.post("/wfm/rosters", {"name": "Mon", "shifts": [shift]})
    assert response.status_code == 201
    assert response.body["shifts"] == [{**shift, "start": "09:00:00", "end": "17:00:00"}]


def test_a_roster_shift_naming_a_customer_is_refused(manager_api, carol):
    shift = {"agent_id": carol.pk, "weekday": 0, "start": "09:00", "end": "17:00"}
    response = manager_api.post("/wfm/rosters", {"name": "Mon", "shifts": [shift]})
    assert response.status_code == 422
    assert "shifts.0.agent_id" in response.body["error"]["fields"]


def test_an_agent_sets_their_own_status(api, alice):
    response = api(alice).post("/wfm/status", {"status": "busy"})
    assert response.status_code == 201
    assert (response.body["username"], response.body["status"]) == ("alice", "busy")


def test_an_agent_cannot_set_someone_elses_status(api, alice, eve):
    response = api(alice).post(f"/wfm/agents/{eve.pk}/status", {"status": "offline"})
    assert response.status_code == 403
    assert not AgentStatusEvent.objects.exists()


def test_a_customer_cannot_set_a_status(api, bob):
    assert api(bob).post("/wfm/status", {"status": "available"}).status_code == 403
    assert not AgentStatusEvent.objects.exists()


def test_a_manager_sets_an_agents_status_and_sees_the_floor(manager_api, eve):
    assert manager_api.post(f"/wfm/agents/{eve.pk}/status", {"status": "break"}).status_code == 201
    floor = manager_api.get("/wfm/status").body
    assert [(s["username"], s["status"]) for s in floor] == [("eve", "break")]


def test_an_unknown_status_is_a_422(api, alice):
    response = api(alice).post("/wfm/status", {"status": "asleep"})
    assert response.status_code == 422
    assert "status" in response.body["error"]["fields"]


def test_adherence_for_a_manager(manager_api, weekday_roster, alice):
    response = manager_api.get("/wfm/adherence", roster_id=weekday_roster.pk, day="2026-03-02")
    assert response.status_code == 200
    alice_rows = [r for r in response.body if r["username"] == "alice"]
    assert len(alice_rows) == 24
    assert sum(r["rostered_seconds"] for r in alice_rows) == 8 * 3600
