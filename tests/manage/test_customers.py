"""The Customers pages and PATCH /organizations: account facts and tier through one service,
audited, refused whole."""

import re

import pytest

from tests.manage.conftest import form_data
from tierdesk.audit.models import ConfigChange, Subject
from tierdesk.customers.models import Organization
from tierdesk.manage.customer_forms import OrganizationForm
from tierdesk.tickets.models import EventKind, Ticket
from tierdesk.tiers.models import Tier


def _post(organization, **changes):
    organization = Organization.objects.get(pk=organization.pk)
    data = form_data(
        OrganizationForm(
            organization=organization,
            tiers=list(Tier.objects.all()),
            staff=[],
        )
    )
    data.update({f"org-{k}": str(v) for k, v in changes.items()})
    return data


def _history(organization):
    return list(
        ConfigChange.objects.filter(subject=Subject.ORGANIZATION, subject_id=organization.pk)
    )


def test_a_manager_finds_an_organization_and_sees_its_open_tickets(
    signed_in, mia, acme, globex, ticket
):
    client = signed_in(mia)
    html = client.get("/manage/customers/?q=acm").content.decode()
    assert "1–1 of 1 organization" in html
    assert f'href="/manage/customers/{acme.pk}/"' in html
    assert "Globex" not in html
    row = re.search(r"<tr>.*?Acme.*?</tr>", html, re.S).group(0)
    assert 'data-label="Open tickets">1<' in row
    page = client.get(f"/manage/customers/{acme.pk}/").content.decode()
    assert "with 1 open ticket." in page
    assert page.count('name="csrfmiddlewaretoken"') >= 1


def test_a_manager_sets_account_manager_and_stage_and_it_is_audited(signed_in, mia, alice, acme):
    client = signed_in(mia)
    response = client.post(
        f"/manage/customers/{acme.pk}/edit/",
        _post(acme, account_manager=alice.pk, lifecycle_stage="growth"),
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert (acme.account_manager_id, acme.lifecycle_stage) == (alice.pk, "growth")
    [change] = _history(acme)
    assert change.actor == mia
    assert change.before == {"account_manager": None, "lifecycle_stage": "Service"}
    assert change.after == {"account_manager": "alice", "lifecycle_stage": "Growth"}
    page = client.get(f"/manage/customers/{acme.pk}/").content.decode()
    assert "account edited" in page and "Growth" in page


def test_a_new_tier_moves_the_open_tickets_with_it_and_says_so(signed_in, mia, acme, ticket, tiers):
    client = signed_in(mia)
    response = client.post(
        f"/manage/customers/{acme.pk}/edit/", _post(acme, tier=tiers["VIP"].pk), follow=True
    )
    assert "1 open ticket moved to VIP" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).tier == tiers["VIP"]
    assert ticket.events.filter(kind=EventKind.TIER_CHANGED).exists()
    [change] = _history(acme)
    assert (change.before, change.after) == ({"tier": "Premium"}, {"tier": "VIP"})
    assert change.action == "tier changed (1 open ticket moved)"


def test_a_refused_part_leaves_everything_as_it_was(signed_in, mia, acme, globex, ticket, tiers):
    client = signed_in(mia)
    response = client.post(
        f"/manage/customers/{acme.pk}/edit/",
        _post(acme, name="globex", tier=tiers["VIP"].pk, lifecycle_stage="growth"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nothing was saved. An organization named &#x27;globex&#x27; exists already." in html
    assert 'aria-invalid="true"' in html
    acme.refresh_from_db()
    assert (acme.name, acme.tier, acme.lifecycle_stage) == ("Acme", tiers["Premium"], "service")
    assert Ticket.objects.get(pk=ticket.pk).tier == tiers["Premium"]
    assert _history(acme) == []


def test_an_unknown_choice_is_a_422_by_its_field(signed_in, mia, acme, carol):
    client = signed_in(mia)
    response = client.post(
        f"/manage/customers/{acme.pk}/edit/", _post(acme, account_manager=carol.pk)
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    acme.refresh_from_db()
    assert acme.account_manager_id is None


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_agents_and_customers_get_403_and_change_nothing(signed_in, persona, request, acme, tiers):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get("/manage/customers/").status_code == 403
    assert client.get(f"/manage/customers/{acme.pk}/").status_code == 403
    response = client.post(f"/manage/customers/{acme.pk}/edit/", _post(acme, name="Mine"))
    assert response.status_code == 403
    assert Organization.objects.get(pk=acme.pk).name == "Acme"


def test_the_form_needs_its_csrf_token(signed_in, mia, acme):
    client = signed_in(mia, csrf=True)
    response = client.post(f"/manage/customers/{acme.pk}/edit/", _post(acme, name="Acme Corp"))
    assert response.status_code == 403
    assert Organization.objects.get(pk=acme.pk).name == "Acme"


def test_the_api_changes_only_what_is_sent(api, dave, alice, acme, tiers):
    response = api(dave).patch(
        f"/organizations/{acme.pk}",
        {"account_manager_id": alice.pk, "relationship_level": "proactive"},
    )
    assert response.status_code == 200, response.body
    assert response.body["account_manager_id"] == alice.pk
    assert response.body["relationship_level"] == "proactive"
    assert response.body["tier_name"] == "Premium"
    assert response.body["lifecycle_stage"] == "service"
    cleared = api(dave).patch(f"/organizations/{acme.pk}", {"account_manager_id": None})
    assert cleared.body["account_manager_id"] is None
    assert len(_history(acme)) == 2


def test_the_api_refuses_a_customer_as_account_manager_and_bad_values(
    api, dave, carol, acme, tiers
):
    refused = api(dave).patch(
        f"/organizations/{acme.pk}", {"account_manager_id": carol.pk, "tier_id": tiers["VIP"].pk}
    )
    assert refused.status_code == 422
    assert refused.body["error"]["fields"] == {"account_manager_id": "no such staff"}
    bad = api(dave).patch(f"/organizations/{acme.pk}", {"lifecycle_stage": "asleep"})
    assert bad.status_code == 422
    acme.refresh_from_db()
    assert (acme.account_manager_id, acme.tier, acme.lifecycle_stage) == (
        None,
        tiers["Premium"],
        "service",
    )
    assert _history(acme) == []


def test_agents_are_refused_account_changes_over_the_api(api, alice, acme):
    response = api(alice).patch(f"/organizations/{acme.pk}", {"lifecycle_stage": "growth"})
    assert response.status_code == 403
    assert response.body["error"]["message"] == (
        "Only managers and admins can change a customer's account."
    )
    assert Organization.objects.get(pk=acme.pk).lifecycle_stage == "service"


@pytest.mark.parametrize(
    ("domain", "status", "field"),
    [
        ("gmail.com", 422, "shared provider"),
        ("globex.example", 409, "taken"),
        ("no dot", 422, "invalid"),
    ],
)
def test_a_domain_that_would_hand_strangers_the_tickets_is_refused(
    api, dave, acme, globex, domain, status, field
):
    Organization.objects.filter(pk=globex.pk).update(domain="globex.example")
    response = api(dave).patch(f"/organizations/{acme.pk}", {"domain": domain})
    assert response.status_code == status
    assert response.body["error"]["fields"] == {"domain": field}
    assert Organization.objects.get(pk=acme.pk).domain == ""
    accepted = api(dave).patch(f"/organizations/{acme.pk}", {"domain": "@Acme.Example"})
    assert accepted.body["domain"] == "acme.example"
