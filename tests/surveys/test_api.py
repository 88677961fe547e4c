"""The survey API: staff list with filters, rules for managers and admins, opt-out; the
customers' and the outsider's refusals; answers on the organization's timeline."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tierdesk.accounts.models import Role
from tierdesk.accounts.services import create_user
from tierdesk.surveys import services
from tierdesk.surveys.models import Survey, SurveyRule
from tierdesk.tickets import services as tickets

from .conftest import drain

SOLVED = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)


@pytest.fixture
def surveyed(ticket, alice, mailbox):
    with time_machine.travel(SOLVED, tick=False):
        tickets.change_status(actor=alice, ticket=ticket, status="solved", at=SOLVED)
        drain()
    csat = Survey.objects.get(ticket=ticket, kind="csat")
    page = [csat, Survey.objects.get(ticket=ticket, kind="ces")]
    services.answer_surveys(
        surveys=page, scores={csat.pk: 4}, comment="Good", at=SOLVED + timedelta(hours=1)
    )
    return csat


@pytest.fixture
def maria(db):
    return create_user(
        username="maria", email="maria@desk.example", password=None, role=Role.MANAGER
    )


def test_staff_list_surveys_with_filters(api, surveyed, alice, ticket, carol):
    client = api(alice)
    everything = client.get("/surveys")
    assert everything.status_code == 200
    assert sorted(s["kind"] for s in everything.body["items"]) == ["ces", "csat"]
    answered = client.get("/surveys", answered="true").body["items"]
    assert [(s["kind"], s["score"], s["comment"]) for s in answered] == [("csat", 4, "Good")]
    assert answered[0]["answered_at"] == "2026-03-03T12:00:00Z"
    assert [s["kind"] for s in client.get("/surveys", kind="ces").body["items"]] == ["ces"]
    assert client.get("/surveys", ticket=ticket.pk + 1).body["items"] == []
    assert len(client.get("/surveys", contact=carol.contact.pk).body["items"]) == 2
    assert client.get("/surveys", kind="bogus").status_code == 422


@pytest.mark.parametrize("who", ["carol", "bob"])
def test_customers_cannot_list_surveys_or_rules(api, surveyed, carol, bob, who):
    client = api({"carol": carol, "bob": bob}[who])
    for path in ("/surveys", "/surveys/rules"):
        response = client.get(path)
        assert response.status_code == 403
        assert response.body["error"]["code"] == "not_allowed"


def test_managers_and_admins_keep_the_rules(api, maria, dave, tiers):
    client = api(maria)
    made = client.post(
        "/surveys/rules",
        {"kind": "csat", "tier_id": tiers["VIP"].pk, "channel": "chat", "enabled": False},
    )
    assert made.status_code == 201
    assert made.body == {
        "id": made.body["id"],
        "kind": "csat",
        "tier_id": tiers["VIP"].pk,
        "channel": "chat",
        "enabled": False,
        "min_days_between": 0,
        "delay_minutes": 0,
        "open_days": 7,
    }
    again = client.post(
        "/surveys/rules", {"kind": "csat", "tier_id": tiers["VIP"].pk, "channel": "chat"}
    )
    assert again.status_code == 409
    changed = api(dave).patch(f"/surveys/rules/{made.body['id']}", {"min_days_between": 30})
    assert (changed.status_code, changed.body["min_days_between"]) == (200, 30)
    assert client.patch(f"/surveys/rules/{made.body['id']}", {"open_days": 0}).status_code == 422
    assert client.post("/surveys/rules", {"kind": "csat", "tier_id": 999_999}).status_code == 404
    assert client.post("/surveys/rules", {"kind": "xyz"}).status_code == 422
    assert client.delete(f"/surveys/rules/{made.body['id']}").status_code == 204
    assert not SurveyRule.objects.filter(pk=made.body["id"]).exists()


def test_agents_read_the_rules_but_cannot_change_them(api, alice, eve):
    client = api(alice)
    listed = client.get("/surveys/rules")
    assert sorted((r["kind"], r["min_days_between"]) for r in listed.body) == [
        ("ces", 0),
        ("csat", 0),
        ("nps", 90),
    ]
    refused = client.post("/surveys/rules", {"kind": "nps", "channel": "email"})
    assert refused.status_code == 403
    assert refused.body["error"]["message"] == "Only managers and admins change survey rules."
    rule = SurveyRule.objects.get(kind="nps")
    assert api(eve).patch(f"/surveys/rules/{rule.pk}", {"enabled": False}).status_code == 403
    rule.refresh_from_db()
    assert rule.enabled is True
    assert SurveyRule.objects.count() == 3


def test_a_contact_opts_out_and_back_in_staff_only_out(api, carol, alice):
    path = f"/contacts/{carol.contact.pk}/survey-opt-out"
    with time_machine.travel(SOLVED, tick=False):
        out = api(carol).post(path, {"opted_out": True})
    assert out.body == {"contact_id": carol.contact.pk, "survey_opt_out_at": "2026-03-03T11:00:00Z"}
    back = api(carol).post(path, {"opted_out": False})
    assert back.body["survey_opt_out_at"] is None
    assert api(alice).post(path, {}).body["survey_opt_out_at"] is not None


def test_answers_are_on_the_organization_timeline(api, surveyed, alice, bob, acme):
    timeline = api(alice).get(f"/organizations/{acme.pk}/timeline").body
    answered = [i for i in timeline if i["kind"] == "survey_answered"]
    assert [(i["summary"], i["ticket_id"]) for i in answered] == [
        ("Carol answered CSAT 4/5: Good", surveyed.ticket_id)
    ]
    assert api(bob).get(f"/organizations/{acme.pk}/timeline").status_code == 404
