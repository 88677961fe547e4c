"""The Django admin configures tiers, calendars and organizations through the services."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.test import Client

from tierdesk.customers.models import Interaction, InteractionKind, Organization
from tierdesk.tickets.models import Ticket
from tierdesk.tiers.models import (
    BusinessCalendar,
    CalendarVersion,
    SlaTarget,
    Tier,
    TierPolicyVersion,
    WeeklyHours,
)

NOW = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def browser(dave):
    client = Client()
    client.force_login(dave)
    return client


def _as_posted(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def form_data(page):
    """What the admin page would post back unchanged: the main form and every inline."""
    data = {}
    form = page.context["adminform"].form
    for name in form.fields:
        data[form.add_prefix(name)] = _as_posted(form[name].value())
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for f in formset.forms:
            for name in f.fields:
                data[f.add_prefix(name)] = _as_posted(f[name].value())
    return {k: v for k, v in data.items() if v != ""}


def test_editing_hours_in_the_admin_writes_merged_hours_and_a_version(browser, tiers):
    business = BusinessCalendar.objects.get(name="Business hours")
    url = f"/admin/tiers/businesscalendar/{business.pk}/change/"
    data = form_data(browser.get(url))
    monday = next(k[: -len("weekday")] for k, v in data.items() if k.endswith("weekday") and v == 0)
    data[f"{monday}end"] = "13:00"
    # A second Monday row overlapping the first: stored as one opening 09:00-17:00.
    data["hours-TOTAL_FORMS"] += 1
    data.update({"hours-5-weekday": 0, "hours-5-start": "12:00", "hours-5-end": "17:00"})
    response = browser.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(
        WeeklyHours.objects.filter(calendar=business, weekday=0).values_list("start", "end")
    ) == [(time(9), time(17))]
    version = CalendarVersion.objects.get(calendar=business, number=2)
    assert version.created_by.username == "dave"
    assert version.rules["weekly"]["0"] == [["09:00:00", "17:00:00"]]


def test_a_refused_calendar_edit_in_the_admin_writes_nothing_and_says_why(browser, tiers):
    business = BusinessCalendar.objects.get(name="Business hours")
    url = f"/admin/tiers/businesscalendar/{business.pk}/change/"
    data = form_data(browser.get(url))
    data["holiday_country"] = "XX"
    response = browser.post(url, data, follow=True)
    assert "does not know country" in response.content.decode()
    assert BusinessCalendar.objects.get(pk=business.pk).holiday_country == "GB"
    assert CalendarVersion.objects.filter(calendar=business).count() == 1


def test_editing_a_target_in_the_admin_is_one_policy_version(browser, tiers):
    basic = tiers["Basic"]
    url = f"/admin/tiers/tier/{basic.pk}/change/"
    data = form_data(browser.get(url))
    urgent = next(
        k[: -len("priority")]
        for k, v in data.items()
        if k.startswith("targets-")
        and k.endswith("priority")
        and v == "urgent"
        and data[k.replace("priority", "metric")] == "first_response"
    )
    data[f"{urgent}target_seconds"] = 7200
    data["routing_priority"] = 11
    response = browser.post(url, data)
    assert response.status_code == 302
    target = SlaTarget.objects.get(tier=basic, priority="urgent", metric="first_response")
    assert target.target_seconds == 7200
    assert Tier.objects.get(pk=basic.pk).routing_priority == 11
    assert TierPolicyVersion.objects.filter(tier=basic).count() == 2
    latest = TierPolicyVersion.objects.get(tier=basic, number=2)
    assert latest.rules["targets"]["urgent"]["first_response"]["target_seconds"] == 7200


def test_saving_a_tier_unchanged_in_the_admin_makes_no_version(browser, tiers):
    basic = tiers["Basic"]
    url = f"/admin/tiers/tier/{basic.pk}/change/"
    response = browser.post(url, form_data(browser.get(url)))
    assert response.status_code == 302
    assert TierPolicyVersion.objects.filter(tier=basic).count() == 1


def test_removing_email_coverage_in_the_admin_is_refused(browser, tiers):
    basic = tiers["Basic"]
    url = f"/admin/tiers/tier/{basic.pk}/change/"
    data = form_data(browser.get(url))
    email = next(
        k[: -len("channel")] for k, v in data.items() if k.startswith("coverage-") and v == "email"
    )
    data[f"{email}DELETE"] = "on"
    response = browser.post(url, data, follow=True)
    assert "Every tier answers email" in response.content.decode()
    assert basic.coverage.filter(channel="email").exists()
    assert TierPolicyVersion.objects.filter(tier=basic).count() == 1


def test_retiering_in_the_admin_moves_open_tickets_and_leaves_an_audit_row(browser, tiers, ticket):
    organization = Organization.objects.get(pk=ticket.organization_id)
    url = f"/admin/customers/organization/{organization.pk}/change/"
    data = form_data(browser.get(url))
    data["tier"] = tiers["VIP"].pk
    response = browser.post(url, data)
    assert response.status_code == 302
    assert Organization.objects.get(pk=organization.pk).tier == tiers["VIP"]
    assert Ticket.objects.get(pk=ticket.pk).tier == tiers["VIP"]
    assert Interaction.objects.filter(
        organization=organization, kind=InteractionKind.TIER_CHANGED
    ).exists()


def test_adding_an_organization_in_the_admin_uses_the_service(browser, tiers):
    data = form_data(browser.get("/admin/customers/organization/add/"))
    data.update({"name": "Initech", "tier": tiers["Standard"].pk})
    response = browser.post("/admin/customers/organization/add/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Organization.objects.get(name="Initech").created_at is not None


def test_calendars_and_tiers_with_history_cannot_be_deleted_in_the_admin(browser, tiers):
    business = BusinessCalendar.objects.get(name="Business hours")
    assert browser.get(f"/admin/tiers/businesscalendar/{business.pk}/delete/").status_code == 403
    assert browser.get(f"/admin/tiers/tier/{tiers['Basic'].pk}/delete/").status_code == 403


def test_adding_a_calendar_in_the_admin_creates_version_one(browser, tiers):
    data = form_data(browser.get("/admin/tiers/businesscalendar/add/"))
    data.update(
        {
            "name": "Lisbon office",
            "time_zone": "Europe/Lisbon",
            "holiday_country": "PT",
            "hours-TOTAL_FORMS": 1,
            "hours-0-weekday": 1,
            "hours-0-start": "08:00",
            "hours-0-end": "18:00",
        }
    )
    response = browser.post("/admin/tiers/businesscalendar/add/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    calendar = BusinessCalendar.objects.get(name="Lisbon office")
    assert response["Location"].endswith("/admin/tiers/businesscalendar/")
    assert calendar.versions.get().rules["weekly"]["1"] == [["08:00:00", "18:00:00"]]
