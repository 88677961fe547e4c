"""axe-core (vendored in the axe-playwright-python wheel) on the main pages, desk and phone:
no serious or critical violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_agent_journey import sign_in
from tierdesk.accounts.models import Role
from tierdesk.accounts.services import create_user
from tierdesk.tickets import services as tickets

WIDTHS = (1280, 390)
BLOCKING = ("serious", "critical")


def violations(page):
    """The serious and critical violations on the page as it stands: (rule, impact, nodes)."""
    found = Axe().run(page).response["violations"]
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in found
        if v["impact"] in BLOCKING
    ]


def check(page, url, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return {f"{url} @{width}": violations(page)}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["alice", "carol"])  # the agents' console, the customer's portal
def test_queue_ticket_and_new_ticket_have_no_serious_violations(
    page, live_server, alice, carol, who
):
    ticket = tickets.open_ticket(
        actor=carol, subject="Printer on fire", body="Help!", channel="email"
    )
    sign_in(page, live_server, who, f"pw-{who}-123")
    found = {}
    for width in WIDTHS:
        for path in ("/", f"/tickets/{ticket.pk}/", "/tickets/new/"):
            found |= check(page, f"{live_server.url}{path}", width)
    assert all(not v for v in found.values()), found


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_and_sign_in_have_no_serious_violations(page, live_server, tiers):
    found = {}
    for width in WIDTHS:
        found |= check(page, f"{live_server.url}/login/", width)
    create_user(
        username="mona", email="mona@desk.example", password="pw-mona-123", role=Role.MANAGER
    )
    sign_in(page, live_server, "mona", "pw-mona-123")
    for width in WIDTHS:
        found |= check(page, f"{live_server.url}/dashboard/", width)
    assert all(not v for v in found.values()), found
