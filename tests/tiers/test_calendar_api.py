"""Calendars and policy versions over /api/v1: admins write, managers read, others are refused."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tierdesk.accounts.models import Role
from tierdesk.accounts.services import create_user
from tierdesk.tiers.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarVersion,
    Tier,
    TierPolicyVersion,
    WeeklyHours,
)

NOW = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
LATER = "2026-07-01T00:00:00Z"
NINE_TO_FIVE = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def mia(db):
    return create_user(username="mia", email="mia@desk.example", password=None, role=Role.MANAGER)


@pytest.fixture
def business(tiers):
    return BusinessCalendar.objects.get(name="Business hours")


def _written():
    return (
        CalendarVersion.objects.count(),
        TierPolicyVersion.objects.count(),
        BusinessCalendar.objects.count(),
        sorted(WeeklyHours.objects.values_list("calendar", "weekday", "start", "end")),
        sorted(CalendarDay.objects.values_list("calendar", "day", "start", "end")),
        sorted(Tier.objects.values_list("pk", "pausing_statuses")),
    )


def test_admin_creates_a_calendar_with_hours_and_days(api, dave):
    response = api(dave).post(
        "/tiers/calendars",
        {
            "name": "New York office",
            "time_zone": "America/New_York",
            "holiday_country": "US",
            "holiday_subdivision": "NY",
            "hours": [*NINE_TO_FIVE, {"weekday": 0, "start": "16:00", "end": "19:00"}],
            "days": [{"day": "2026-12-24", "hours": [{"start": "09:00", "end": "12:00"}]}],
        },
    )
    assert response.status_code == 201, response.body
    body = response.body
    assert body["hours"][0] == {"weekday": 0, "start": "09:00:00", "end": "19:00:00"}
    assert len(body["hours"]) == 5
    assert body["days"] == [
        {"day": "2026-12-24", "start": "09:00:00", "end": "12:00:00", "note": ""}
    ]
    assert [v["number"] for v in body["versions"]] == [1]
    assert body["versions"][0]["created_by"] == "dave"


def test_put_hours_merges_overlaps_and_adds_a_version(api, dave, business):
    response = api(dave).put(
        f"/tiers/calendars/{business.pk}/hours",
        {
            "hours": [
                {"weekday": 0, "start": "09:00", "end": "13:00"},
                {"weekday": 0, "start": "12:00", "end": "17:00"},
                {"weekday": 3, "start": "22:00", "end": "06:00"},
            ],
            "effective_from": LATER,
        },
    )
    assert response.status_code == 200, response.body
    assert response.body["hours"] == [
        {"weekday": 0, "start": "09:00:00", "end": "17:00:00"},
        {"weekday": 3, "start": "22:00:00", "end": "06:00:00"},
    ]
    versions = api(dave).get(f"/tiers/calendars/{business.pk}/versions").body
    assert [(v["number"], v["effective_from"]) for v in versions] == [
        (1, "2000-01-01T00:00:00Z"),
        (2, "2026-07-01T00:00:00Z"),
    ]
    assert versions[1]["rules"]["weekly"]["0"] == [["09:00:00", "17:00:00"]]
    assert versions[0]["rules"]["weekly"]["0"] == [["09:00:00", "17:00:00"]]
    assert versions[0]["rules"]["weekly"]["3"] == [["09:00:00", "17:00:00"]]


def test_custom_days_are_posted_and_deleted(api, dave, business):
    posted = api(dave).post(
        f"/tiers/calendars/{business.pk}/days", {"day": "2026-08-14", "note": "Office move"}
    )
    assert posted.status_code == 201, posted.body
    assert posted.body["days"] == [
        {"day": "2026-08-14", "start": None, "end": None, "note": "Office move"}
    ]
    deleted = api(dave).delete(f"/tiers/calendars/{business.pk}/days/2026-08-14")
    assert deleted.status_code == 200
    assert deleted.body["days"] == []
    assert [v["number"] for v in deleted.body["versions"]] == [1, 2, 3]
    again = api(dave).delete(f"/tiers/calendars/{business.pk}/days/2026-08-14")
    assert again.status_code == 404


def test_patch_holidays_and_zone(api, dave, business):
    response = api(dave).patch(
        f"/tiers/calendars/{business.pk}",
        {"time_zone": "Europe/Berlin", "holiday_country": "DE", "holiday_subdivision": "BY"},
    )
    assert response.status_code == 200, response.body
    assert (response.body["time_zone"], response.body["holiday_country"]) == (
        "Europe/Berlin",
        "DE",
    )
    assert response.body["holiday_subdivision"] == "BY"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("put", "/hours", {"hours": []}, "hours"),
        (
            "put",
            "/hours",
            {"hours": NINE_TO_FIVE, "effective_from": "2026-06-01T00:00:00Z"},
            "effective_from",
        ),
        (
            "put",
            "/hours",
            {"hours": [{"weekday": 9, "start": "09:00", "end": "17:00"}]},
            "hours.0.weekday",
        ),
        ("put", "/hours", {"hours": [{"weekday": 1, "start": "09:00", "end": "09:00"}]}, "hours.0"),
        ("patch", "", {"holiday_country": "XX"}, "holiday_country"),
        ("patch", "", {"time_zone": "Atlantis/Capital"}, "time_zone"),
        ("patch", "", {"revision": 7}, "revision"),
        (
            "post",
            "/days",
            {"day": "2026-08-14", "hours": [{"start": "10:00", "end": "10:00"}]},
            "days.2026-08-14.0",
        ),
    ],
)
def test_bad_calendar_input_is_422_naming_the_field_and_writes_nothing(
    api, dave, business, method, path, body, field
):
    before = _written()
    response = getattr(api(dave), method)(f"/tiers/calendars/{business.pk}{path}", body)
    assert response.status_code == 422, response.body
    assert field in response.body["error"]["fields"]
    assert _written() == before


def test_overlapping_versions_are_422(api, dave, business):
    first = api(dave).put(
        f"/tiers/calendars/{business.pk}/hours", {"hours": NINE_TO_FIVE, "effective_from": LATER}
    )
    assert first.status_code == 200
    before = _written()
    again = api(dave).put(
        f"/tiers/calendars/{business.pk}/hours", {"hours": NINE_TO_FIVE, "effective_from": LATER}
    )
    assert again.status_code == 422
    assert "versions may not overlap" in again.body["error"]["message"]
    assert again.body["error"]["fields"] == {
        "effective_from": "must be after 2026-07-01T00:00:00+00:00"
    }
    assert _written() == before


def test_calendar_open_one_second_a_week_is_422(api, dave, business):
    before = _written()
    response = api(dave).put(
        f"/tiers/calendars/{business.pk}/hours",
        {"hours": [{"weekday": 2, "start": "12:00:00", "end": "12:00:01"}]},
    )
    assert response.status_code == 422
    assert response.body["error"]["fields"] == {"hours": "less than an hour a week"}
    assert _written() == before


def test_managers_read_and_write_calendars_and_agents_do_not_write(
    api, mia, alice, business, tiers
):
    assert api(mia).get("/tiers/calendars").status_code == 200
    assert api(mia).get(f"/tiers/calendars/{business.pk}/versions").status_code == 200
    assert api(mia).get(f"/tiers/{tiers['Basic'].pk}/policy-versions").status_code == 200
    before = _written()
    refused = api(alice).put(f"/tiers/calendars/{business.pk}/hours", {"hours": NINE_TO_FIVE})
    assert refused.status_code == 403
    assert refused.body["error"]["message"] == (
        "Only managers and admins change tiers, calendars, groups and skills."
    )
    assert _written() == before
    accepted = api(mia).put(f"/tiers/calendars/{business.pk}/hours", {"hours": NINE_TO_FIVE})
    assert accepted.status_code == 200


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_agents_and_customers_are_refused_calendars_and_versions(
    api, persona, request, business, tiers
):
    user = request.getfixturevalue(persona)
    client = api(user)
    before = _written()
    reads = [
        client.get("/tiers/calendars"),
        client.get(f"/tiers/calendars/{business.pk}"),
        client.get(f"/tiers/calendars/{business.pk}/versions"),
        client.get(f"/tiers/{tiers['Basic'].pk}/policy-versions"),
    ]
    writes = [
        client.post(
            "/tiers/calendars", {"name": "Mine", "time_zone": "UTC", "hours": NINE_TO_FIVE}
        ),
        client.put(f"/tiers/calendars/{business.pk}/hours", {"hours": NINE_TO_FIVE}),
        client.patch(f"/tiers/calendars/{business.pk}", {"holiday_country": "US"}),
        client.post(f"/tiers/calendars/{business.pk}/days", {"day": "2026-08-14"}),
        client.delete(f"/tiers/calendars/{business.pk}/days/2026-08-14"),
        client.put(f"/tiers/{tiers['Basic'].pk}/pausing-statuses", {"pausing_statuses": {}}),
    ]
    assert [r.status_code for r in reads + writes] == [403] * 10
    assert _written() == before


def test_unknown_calendar_and_tier_are_404(api, dave, tiers):
    assert api(dave).get("/tiers/calendars/999").status_code == 404
    assert api(dave).get("/tiers/999/policy-versions").status_code == 404
    assert api(dave).put("/tiers/calendars/999/hours", {"hours": NINE_TO_FIVE}).status_code == 404


def test_put_pausing_statuses_and_read_the_policy_versions(api, dave, tiers):
    standard = tiers["Standard"]
    response = api(dave).put(
        f"/tiers/{standard.pk}/pausing-statuses",
        {"pausing_statuses": {"resolution": ["on_hold"], "next_response": ["pending"]}},
    )
    assert response.status_code == 200, response.body
    assert response.body["pausing_statuses"]["resolution"] == ["on_hold"]
    versions = api(dave).get(f"/tiers/{standard.pk}/policy-versions").body
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["created_by"] is None
    assert versions[1]["created_by"] == "dave"
    assert versions[1]["rules"]["pausing_statuses"]["periodic_update"] == []


def test_bad_pausing_statuses_are_422_and_write_nothing(api, dave, tiers):
    before = _written()
    response = api(dave).put(
        f"/tiers/{tiers['Premium'].pk}/pausing-statuses",
        {"pausing_statuses": {"first_response": ["pending"], "resolution": ["solved"]}},
    )
    assert response.status_code == 422
    assert response.body["error"]["fields"] == {
        "pausing_statuses.first_response": "first response never pauses",
        "pausing_statuses.resolution": "solved cannot pause a clock; use pending or on_hold",
    }
    assert _written() == before


def test_a_target_scheduled_for_later_is_a_later_version(api, dave, tiers):
    basic = tiers["Basic"]
    response = api(dave).put(
        f"/tiers/{basic.pk}/targets",
        {
            "priority": "high",
            "metric": "resolution",
            "target_seconds": 3600,
            "effective_from": LATER,
        },
    )
    assert response.status_code == 200, response.body
    versions = TierPolicyVersion.objects.filter(tier=basic).order_by("number")
    assert [v.effective_from for v in versions] == [
        datetime(2000, 1, 1, tzinfo=UTC),
        NOW.replace(month=7, day=1, hour=0),
    ]
    assert versions[1].effective_from - versions[0].effective_from > timedelta(days=9000)
