"""A manager shortens a target, sees how many open tickets it would put in breach, saves
and re-applies; the tier and calendar editors fit a laptop and a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.test_agent_journey import live_server_screenshot_path, sign_in
from tierdesk.accounts.models import Role
from tierdesk.accounts.services import create_user
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.sla.models import SlaClock
from tierdesk.tickets import services as tickets
from tierdesk.tiers.models import BusinessCalendar, Tier

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager(db):
    return create_user(
        username="mia", email="mia@desk.example", password="pw-mia-12345", role=Role.MANAGER
    )


@pytest.fixture
def vip_desk(tiers):
    """Three low-priority VIP tickets, 50, 40 and 5 minutes old: VIP answers a low-priority
    ticket within 1 hour of calendar time, so their clocks do not depend on the time of day."""
    now = timezone.now()
    org = create_organization(actor=None, name="Initech", tier=tiers["VIP"], at=now)
    user = create_user(
        username="peter", email="peter@initech.example", password=None, role=Role.CUSTOMER
    )
    create_contact(
        actor=None, organization=org, name="Peter", email="peter@initech.example", user=user, at=now
    )
    for minutes in (50, 40, 5):
        tickets.open_ticket(
            actor=user,
            subject=f"{minutes} minutes old",
            body="TPS reports",
            channel="email",
            priority="low",
            at=now - timedelta(minutes=minutes),
        )
    return tiers["VIP"]


def test_a_manager_editing_a_target_and_seeing_the_breach_preview(
    page, live_server, manager, vip_desk
):
    sign_in(page, live_server, "mia", "pw-mia-12345")
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Tiers and teams").click()
    page.get_by_role("link", name="VIP").click()
    page.get_by_label("Low, first response: hours").fill("0")
    page.get_by_label("Low, first response: minutes").fill("30")
    page.get_by_role("button", name="Save the promise").click()

    heading = page.locator("#preview-title")
    assert heading.inner_text() == "Before you save: 2 open tickets would breach"
    # The heading takes the focus, so a screen reader starts at the news.
    assert page.evaluate("document.activeElement.id") == "preview-title"
    assert page.get_by_label("Low, first response: minutes").input_value() == "30"
    page.screenshot(path=str(live_server_screenshot_path("manage-preview.png")), full_page=True)

    page.get_by_role("button", name="Save and re-apply to open tickets").click()
    flash = page.locator(".messages .flash.ok")
    assert "Re-applied to 3 open tickets." in flash.inner_text()
    assert vip_desk.targets.get(priority="low", metric="first_response").target_seconds == 1800
    late = SlaClock.objects.filter(tier=vip_desk, metric="first_response").exclude(breached_at=None)
    assert sorted(late.values_list("ticket__subject", flat=True)) == [
        "40 minutes old",
        "50 minutes old",
    ]
    history = page.locator(".history")
    assert "policy version" in history.inner_text()
    assert "mia" in history.inner_text()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_editors_fit_the_screen_under_the_content_policy(
    page, live_server, manager, vip_desk, width, height
):
    errors = []
    # The test server speaks HTTP only: the console's live socket is refused there, and the
    # pages fall back to polling (docs/console.md, "Live"). Any other error counts.
    page.on(
        "console",
        lambda m: m.type == "error" and "/ws/console/" not in m.text and errors.append(m.text),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "mia", "pw-mia-12345")
    page.wait_for_url("**/dashboard/")
    calendar = BusinessCalendar.objects.order_by("pk").first()
    for name, path in (
        ("tier", f"/manage/tiers/{Tier.objects.get(name='Premium').pk}/"),
        ("calendar", f"/manage/calendars/{calendar.pk}/"),
        ("team", "/manage/team/"),
        ("customers", "/manage/customers/"),
        ("customer", f"/manage/customers/{vip_desk.organizations.get().pk}/"),
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert "style-src 'self'" in response.headers["content-security-policy"]
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        shot = live_server_screenshot_path(f"manage-{name}-{width}.png")
        page.screenshot(path=str(shot), full_page=True)
        assert overflow <= 0, (name, width, overflow)
        # The pages' own stylesheet (manage.css) loaded and applied under the policy.
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.manage-nav')).display")
            == "flex"
        )
    assert errors == []


def test_a_manager_gives_a_customer_an_account_manager_and_a_new_tier(
    page, live_server, manager, vip_desk, tiers
):
    sign_in(page, live_server, "mia", "pw-mia-12345")
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Tiers and teams").click()
    page.get_by_role("link", name="Customers").click()
    page.get_by_label("Find an organization").fill("init")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Initech").click()
    assert "with 3 open tickets" in page.locator("#tier-note").inner_text()
    page.get_by_label("Account manager").select_option(label="mia")
    page.get_by_label("Lifecycle stage").select_option(label="Retention")
    page.get_by_label("Tier").select_option(label="Premium")
    page.get_by_role("button", name="Save Initech").click()
    flash = page.locator(".messages .flash.ok")
    assert "Initech: saved; 3 open tickets moved to Premium." in flash.inner_text()
    assert not vip_desk.organizations.exists()
    initech = tiers["Premium"].organizations.get(name="Initech")
    assert (initech.account_manager, initech.lifecycle_stage) == (manager, "retention")
    assert initech.tickets.filter(tier=tiers["Premium"]).count() == 3
    history = page.locator(".history").inner_text()
    assert "tier changed (3 open tickets moved)" in history
    assert "account edited" in history
