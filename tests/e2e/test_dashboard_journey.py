"""A manager signs in to the dashboard, reads its charts, and sees it refresh by itself."""

import pytest

from tests.dashboard.conftest import TUE, M, history, maria, sam  # noqa: F401
from tests.e2e.test_agent_journey import live_server_screenshot_path, sign_in
from tierdesk.tickets import services as tickets


def created(page):
    return page.inner_text("[data-kpi=created] .kpi-value")


@pytest.mark.django_db(transaction=True)
def test_manager_lands_on_the_dashboard_and_it_refreshes_itself(page, live_server, history, carol):  # noqa: F811
    sign_in(page, live_server, "maria", "pw-maria-123")
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/dashboard/?from=2026-03-02&to=2026-03-03")
    # Server-drawn SVG, no script needed: volume and attainment charts with their titles.
    assert page.locator("svg.chart").count() == 2
    assert (
        page.locator("svg.chart title").first.text_content() == "Tickets created and solved per day"
    )
    assert page.locator("svg.chart rect.bar").count() == 4  # created and solved, two days
    assert created(page) == "6"
    stamp = page.get_attribute("#dash-live", "data-updated")

    tickets.open_ticket(
        actor=carol, subject="Late one", body="Hi", channel="email", at=TUE + 90 * M
    )
    # htmx polls the fragment every 30 s and swaps it in place: the count moves on its own.
    page.wait_for_function(
        # A function, not a bare expression: Playwright would eval() that, which the
        # page's Content-Security-Policy refuses.
        "(stamp) => document.querySelector('#dash-live').dataset.updated !== stamp",
        arg=stamp,
        timeout=45_000,
    )
    assert created(page) == "7"
    assert page.locator("form.dash-filters").count() == 1  # only the fragment was swapped
    page.screenshot(path=str(live_server_screenshot_path("dashboard.png")), full_page=True)
