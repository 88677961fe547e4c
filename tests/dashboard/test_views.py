"""The dashboard pages: who may see them, what the filters change, the live fragment, and the
agents' own numbers on the queue."""

import re

import pytest
import time_machine
from django.test import Client

from tierdesk.accounts.models import AgentGroup

from .conftest import DAY_END

# Tuesday 3 March ended: the board's "today" would be empty, so ask for the two days by date.
TUESDAY = {"from": "2026-03-03", "to": "2026-03-03"}


@pytest.fixture(autouse=True)
def _after_the_history():
    with time_machine.travel(DAY_END, tick=False):
        yield


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def card(html, kpi):
    """The text of one KPI card's value."""
    found = re.search(
        rf'data-kpi="{kpi}">\s*<span class="kpi-label">[^<]*</span>\s*'
        rf'<strong class="kpi-value[^"]*">([^<]*)</strong>',
        html,
    )
    assert found, f"no card {kpi}"
    return found.group(1)


def test_manager_sees_cards_charts_and_tables(history, maria):
    response = client_for(maria).get("/dashboard/", TUESDAY)
    html = response.content.decode()
    assert response.status_code == 200
    assert card(html, "created") == "4"
    assert card(html, "sla_first_response") == "66.7%"
    assert card(html, "csat") == "no data yet"
    assert 'role="img"' in html and "<title" in html
    assert 'hx-trigger="every 30s"' in html
    assert "/api/v1/kpis?kpi=sla_first_response&amp;by=tier" in html


def test_admin_sees_the_dashboard(history, dave):
    assert client_for(dave).get("/dashboard/", TUESDAY).status_code == 200


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/live/"])
def test_agents_are_refused(history, alice, path):
    response = client_for(alice).get(path)
    assert response.status_code == 403
    assert "for managers and admins" in response.content.decode()


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/live/", "/dashboard/me/"])
def test_customers_are_refused(history, carol, path):
    assert client_for(carol).get(path).status_code == 403


def test_anonymous_visitors_sign_in_first(db):
    response = Client().get("/dashboard/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_filters_change_the_numbers(history, maria):
    client = client_for(maria)
    by_alice = client.get("/dashboard/", {**TUESDAY, "agent": "alice"}).content.decode()
    by_sam = client.get("/dashboard/", {**TUESDAY, "agent": "sam"}).content.decode()
    # Alice: t1 and t3 on time. Sam: t2 late.
    assert card(by_alice, "sla_first_response") == "100.0%"
    assert card(by_sam, "sla_first_response") == "0.0%"
    basic = client.get("/dashboard/", {**TUESDAY, "tier": "Basic"}).content.decode()
    assert card(basic, "created") == "1"
    assert card(basic, "sla_first_response") == "no data yet"


def test_group_filter(history, maria, sam):
    AgentGroup.objects.create(name="Billing").members.add(sam)
    # Groups are the ticket's group: no ticket has one, so a group keeps nothing.
    html = client_for(maria).get("/dashboard/", {**TUESDAY, "group": "Billing"}).content.decode()
    assert card(html, "created") == "0"


def test_unknown_filter_value_is_refused_by_name(history, maria):
    response = client_for(maria).get("/dashboard/", {"tier": "Platinum"})
    assert response.status_code == 422
    assert "Platinum is not one of the available choices" in response.content.decode()


def test_to_before_from_is_refused(history, maria):
    response = client_for(maria).get("/dashboard/", {"from": "2026-03-03", "to": "2026-03-01"})
    assert response.status_code == 422
    assert "must not be before the first" in response.content.decode()


def test_live_fragment_is_only_the_numbers(history, maria):
    response = client_for(maria).get("/dashboard/live/", TUESDAY, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="dash-live"')
    assert "<html" not in html and "<form" not in html
    assert 'hx-get="/dashboard/live/?from=2026-03-03&amp;to=2026-03-03"' in html
    assert card(html, "created") == "4"


def test_breakdown_by_channel(history, maria):
    html = (
        client_for(maria).get("/dashboard/", {**TUESDAY, "breakdown": "channel"}).content.decode()
    )
    assert "<h2>By channel</h2>" in html
    assert '<th scope="row">web</th>' in html


def test_managers_land_on_the_dashboard_and_agents_on_the_queue(history, maria, alice):
    assert Client().post("/login/", {"username": "maria", "password": "pw-maria-123"}).url == (
        "/dashboard/landing/"
    )
    assert client_for(maria).get("/dashboard/landing/").url == "/dashboard/"
    assert client_for(alice).get("/dashboard/landing/").url == "/"


def test_navigation_shows_the_dashboard_to_managers_only(history, maria, alice):
    assert 'href="/dashboard/"' in client_for(maria).get("/").content.decode()
    assert 'href="/dashboard/"' not in client_for(alice).get("/").content.decode()


def test_queue_asks_for_the_agents_own_numbers(history, alice):
    html = client_for(alice).get("/").content.decode()
    assert 'hx-get="/dashboard/me/"' in html


def test_agents_own_numbers_are_their_own(history, alice, sam):
    # Last 30 days up to Wednesday 00:00: alice answered p1, t1, t3 in time and solved p1, t1.
    html = client_for(alice).get("/dashboard/me/").content.decode()
    assert re.search(r'data-kpi="attainment">100.0%<', html)
    assert re.search(r'data-kpi="first_response">20 min<', html)
    assert re.search(r'data-kpi="solved">2<', html)
    assert "My CSAT" not in html
    html = client_for(sam).get("/dashboard/me/").content.decode()
    # Sam: p2 and t2 answered late (first response breached), both resolved in time.
    assert re.search(r'data-kpi="attainment">50.0%<', html)
    assert re.search(r'data-kpi="first_response">1 h 30 min<', html)
    assert re.search(r'data-kpi="solved">2<', html)


def test_export_links_download_the_table_from_the_kpi_api(history, maria):
    client = client_for(maria)
    html = client.get("/dashboard/", {**TUESDAY, "tier": "Premium"}).content.decode()
    link = re.search(
        r'href="(/api/v1/kpis\?kpi=sla_first_response&amp;by=tier[^"]*format=csv)"', html
    )
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.content.decode() == (
        "tier,numerator,denominator,value\nPremium,2,3,0.6666666666666666\n"
    )
