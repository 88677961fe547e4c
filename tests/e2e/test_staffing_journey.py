"""A manager opens the staffing plan from the nav, reads the chart, changes the horizon."""

import pytest
import time_machine

from tests.e2e.test_agent_journey import live_server_screenshot_path, sign_in
from tests.workforce.conftest import NOW, history, maria, weekday_roster  # noqa: F401


@pytest.mark.django_db(transaction=True)
def test_manager_reads_required_vs_rostered_agents(page, live_server, history, weekday_roster):  # noqa: F811
    with time_machine.travel(NOW.replace(hour=6), tick=True):
        sign_in(page, live_server, "maria", "pw-maria-123")
        page.click("header nav >> text=Staffing")
        page.wait_for_url("**/wfm/")
        page.locator("svg.chart").first.wait_for()
        assert "Required vs rostered agents per interval" in page.inner_text("main")
        assert page.locator("svg.chart polyline").count() == 3  # schedule, productive, rostered
        assert "Intervals short on roster “Weekdays”" in page.inner_text(".wfm-summary")
        page.fill("input[name=horizon_days]", "2")
        page.click("form.wfm-form button[type=submit]")
        page.wait_for_url("**horizon_days=2**")
        assert page.locator("table.days tbody tr").count() == 3  # 48 h from 06:00 spans 3 days
        page.screenshot(path=str(live_server_screenshot_path("staffing.png")), full_page=True)
