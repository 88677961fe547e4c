"""Manager pages: staffing, forecast vs actual, feasibility, adherence; agents are refused."""

import pytest
import time_machine
from django.test import Client

from .conftest import NOW


@pytest.fixture
def manager(maria):
    client = Client()
    client.force_login(maria)
    return client


def test_the_staffing_page_draws_required_vs_rostered(manager, history, weekday_roster):
    with time_machine.travel(NOW, tick=False):
        response = manager.get("/wfm/", {"interval_minutes": 60, "horizon_days": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert "Required vs rostered agents per interval" in html
    assert "Intervals short on roster “Weekdays”" in html
    assert "<script" not in html.split("<main")[1]  # charts need no script


def test_the_forecast_page_shows_the_backtest(manager, history):
    with time_machine.travel(NOW, tick=False):
        response = manager.get(
            "/wfm/forecast/", {"interval_minutes": 60, "horizon_days": 1, "holdout_weeks": 1}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forecast vs actual: the last 1 weeks held out" in html
    assert "Whole floor (sum)" in html


def test_a_horizon_beyond_history_shows_the_reason(manager, history):
    with time_machine.travel(NOW, tick=False):
        response = manager.get("/wfm/", {"interval_minutes": 60, "horizon_days": 30})
    assert response.status_code == 422
    assert "ask for at most 14.0 days" in response.content.decode()


def test_the_feasibility_form_answers_per_tier(manager, history, weekday_roster):
    params = {
        "interval_minutes": 60,
        "horizon_days": 1,
        "roster": weekday_roster.pk,
        "tier": "Premium",
        "service_level": 0.8,
        "replications": 4,
    }
    with time_machine.travel(NOW, tick=False):
        response = manager.get("/wfm/feasibility/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="status-' in html
    assert "Actual first-response attainment" in html


def test_the_adherence_page_lists_the_roster(manager, weekday_roster):
    with time_machine.travel(NOW, tick=False):
        response = manager.get(
            "/wfm/adherence/", {"roster": weekday_roster.pk, "day": "2026-03-02"}
        )
    assert response.status_code == 200
    assert "alice" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/wfm/", "/wfm/forecast/", "/wfm/feasibility/", "/wfm/adherence/"]
)
def test_agents_are_refused_the_planning_pages(alice, path):
    client = Client()
    client.force_login(alice)
    assert client.get(path).status_code == 403


def test_the_nav_links_planning_for_managers_only(manager, alice):
    assert 'href="/wfm/"' in manager.get("/").content.decode()
    agent = Client()
    agent.force_login(alice)
    assert 'href="/wfm/"' not in agent.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/wfm/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
