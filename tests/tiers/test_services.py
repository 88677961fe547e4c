"""Configuration services: every change that decides a clock is a new version; bad input writes nothing."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from tierdesk.accounts.models import Role
from tierdesk.accounts.services import create_user
from tierdesk.audit.models import ConfigChange, Subject
from tierdesk.domain.sla import Shift
from tierdesk.errors import Invalid, NotAllowed
from tierdesk.tickets.models import Status
from tierdesk.tiers import services
from tierdesk.tiers.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarVersion,
    SlaTarget,
    TierPolicyVersion,
    WeeklyHours,
)
from tierdesk.tiers.services import CustomDay, Hours
from tierdesk.tiers.terms import (
    calendar_of_version,
    calendar_version_in_force,
    pausing_statuses,
    policy_in_force,
    terms_in_force,
)

NOW = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)  # a Tuesday
LATER = NOW + timedelta(days=30)
WEEKDAYS_9_TO_5 = [Hours(d, time(9), time(17)) for d in range(5)]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def business(tiers):
    return BusinessCalendar.objects.get(name="Business hours")


@pytest.fixture
def manager(db):
    return create_user(username="mia", email="mia@desk.example", password=None, role=Role.MANAGER)


def _written():
    """Everything a refused change must leave as it was."""
    return (
        CalendarVersion.objects.count(),
        TierPolicyVersion.objects.count(),
        sorted(WeeklyHours.objects.values_list("calendar", "weekday", "start", "end")),
        sorted(CalendarDay.objects.values_list("calendar", "day", "start", "end")),
        sorted(SlaTarget.objects.values_list("tier", "priority", "metric", "target_seconds")),
        sorted(BusinessCalendar.objects.values_list("pk", "time_zone", "holiday_country")),
    )


def test_the_pausable_statuses_are_ticket_statuses():
    assert set(services.PAUSABLE_STATUSES) <= set(Status.values)


def test_editing_hours_writes_merged_rows_and_a_version_in_force_from_now(dave, business):
    hours = [Hours(0, time(9), time(13)), Hours(0, time(12), time(17)), Hours(2, time(8), time(20))]
    version = services.edit_calendar(actor=dave, calendar=business, hours=hours)
    assert version.number == 2
    assert NOW <= version.effective_from < NOW + timedelta(seconds=5)
    assert version.created_by == dave
    assert list(
        WeeklyHours.objects.filter(calendar=business).values_list("weekday", "start", "end")
    ) == [
        (0, time(9), time(17)),
        (2, time(8), time(20)),
    ]
    assert version.rules["weekly"]["0"] == [["09:00:00", "17:00:00"]]
    # The version before stays in force for instants before the edit: recorded time is kept.
    assert (
        calendar_version_in_force(calendar_id=business.pk, at=NOW - timedelta(hours=1)).number == 1
    )
    later = calendar_version_in_force(calendar_id=business.pk, at=NOW + timedelta(minutes=1))
    assert later == version
    assert calendar_of_version(version.pk).shifts_on(date(2026, 6, 1)) == (
        Shift(time(9), time(17)),
    )


def test_a_clock_started_before_an_edit_keeps_its_calendar(dave, business, tiers):
    before = terms_in_force(tier_id=tiers["Basic"].pk, priority="normal", channel="email", at=NOW)
    services.edit_calendar(
        actor=dave, calendar=business, hours=[Hours(d, time(8), time(18)) for d in range(5)]
    )
    after = terms_in_force(
        tier_id=tiers["Basic"].pk, priority="normal", channel="email", at=NOW + timedelta(hours=1)
    )
    old = calendar_of_version(before["first_response"].calendar_version_id)
    new = calendar_of_version(after["first_response"].calendar_version_id)
    assert old.weekly[0][0].start == time(9)
    assert new.weekly[0][0].start == time(8)


def test_a_scheduled_edit_takes_effect_at_its_instant(dave, business):
    version = services.edit_calendar(
        actor=dave,
        calendar=business,
        holiday_country="US",
        holiday_subdivision="",
        effective_from=LATER,
    )
    assert (
        calendar_version_in_force(calendar_id=business.pk, at=LATER - timedelta(seconds=1)).number
        == 1
    )
    assert calendar_version_in_force(calendar_id=business.pk, at=LATER) == version
    assert version.rules["holiday_country"] == "US"
    assert version.rules["holiday_subdivision"] == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"effective_from": NOW - timedelta(minutes=1)}, "effective_from"),
        ({"hours": []}, "hours"),
        ({"hours": [Hours(2, time(12), time(12, 30))]}, "hours"),
        ({"hours": [Hours(7, time(9), time(17))]}, "hours.0.weekday"),
        ({"hours": [Hours(1, time(9), time(9))]}, "hours.0"),
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_country": "US"}, "holiday_subdivision"),  # ENG is not in the US
        ({"holiday_country": "GB", "holiday_subdivision": "XYZ"}, "holiday_subdivision"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ],
)
def test_bad_calendar_edits_are_422_naming_the_field_and_write_nothing(
    dave, business, change, field
):
    before = _written()
    with pytest.raises(Invalid) as refused:
        services.edit_calendar(actor=dave, calendar=business, **change)
    assert field in refused.value.fields
    assert _written() == before


def test_a_version_may_not_start_at_or_before_the_latest(dave, business):
    services.edit_calendar(
        actor=dave, calendar=business, time_zone="Europe/Dublin", effective_from=LATER
    )
    before = _written()
    with pytest.raises(Invalid, match="versions may not overlap") as refused:
        services.edit_calendar(actor=dave, calendar=business, time_zone="UTC", effective_from=LATER)
    assert refused.value.fields == {"effective_from": f"must be after {LATER.isoformat()}"}
    with pytest.raises(Invalid, match="versions may not overlap"):
        services.edit_calendar(actor=dave, calendar=business, time_zone="UTC")  # now < LATER
    assert _written() == before


def test_an_always_open_calendar_needs_no_hours(dave):
    calendar = services.create_calendar(
        actor=dave, name="Night desk", time_zone="Asia/Tokyo", always_open=True
    )
    version = calendar.versions.get()
    assert version.rules["always_open"] is True
    assert calendar_of_version(version.pk).always_open


def test_custom_days_are_set_replaced_and_removed_each_as_a_version(dave, business):
    eve_hours = CustomDay(
        date(2026, 12, 24), ((time(9), time(12)), (time(11), time(13))), "Christmas Eve"
    )
    services.set_custom_day(actor=dave, calendar=business, day=eve_hours)
    assert list(
        CalendarDay.objects.filter(calendar=business).values_list("start", "end", "note")
    ) == [(time(9), time(13), "Christmas Eve")]
    closed = services.set_custom_day(
        actor=dave, calendar=business, day=CustomDay(date(2026, 12, 24), (), "Closed after all")
    )
    assert closed.rules["days"] == [
        {"day": "2026-12-24", "start": None, "end": None, "note": "Closed after all"}
    ]
    removed = services.remove_custom_day(actor=dave, calendar=business, day=date(2026, 12, 24))
    assert removed.rules["days"] == []
    assert removed.number == 4


def test_agents_do_not_configure_calendars(alice, business):
    before = _written()
    with pytest.raises(NotAllowed):
        services.edit_calendar(actor=alice, calendar=business, hours=WEEKDAYS_9_TO_5)
    with pytest.raises(NotAllowed):
        services.create_calendar(actor=alice, name="Mine", time_zone="UTC", hours=WEEKDAYS_9_TO_5)
    assert _written() == before


def test_managers_configure_calendars(manager, business):
    version = services.edit_calendar(actor=manager, calendar=business, hours=WEEKDAYS_9_TO_5)
    assert version.created_by == manager
    created = services.create_calendar(
        actor=manager, name="Mine", time_zone="UTC", hours=WEEKDAYS_9_TO_5
    )
    assert created.versions.get().created_by == manager


def test_each_target_and_coverage_edit_is_a_new_policy_version(dave, tiers, business):
    basic = tiers["Basic"]
    services.set_target(
        actor=dave,
        tier=basic,
        priority="urgent",
        metric="first_response",
        target_seconds=7200,
        business_time=True,
    )
    services.set_coverage(actor=dave, tier=basic, channel="chat", calendar=business)
    services.remove_coverage(actor=dave, tier=basic, channel="chat")
    versions = list(TierPolicyVersion.objects.filter(tier=basic).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3, 4]
    assert versions[1].rules["targets"]["urgent"]["first_response"]["target_seconds"] == 7200
    assert "chat" in versions[2].rules["coverage"] and "chat" not in versions[3].rules["coverage"]
    assert versions[0].rules["targets"]["urgent"]["first_response"]["target_seconds"] == 8 * 3600
    at_start = terms_in_force(
        tier_id=basic.pk, priority="urgent", channel="email", at=NOW - timedelta(hours=1)
    )
    assert at_start["first_response"].target_seconds == 8 * 3600


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_seconds": 0}, "target_seconds"),
        ({"target_seconds": -60}, "target_seconds"),
        ({"target_seconds": 367 * 86_400}, "target_seconds"),
        ({"warn_percent": 100}, "warn_percent"),
        ({"metric": "coffee"}, "metric"),
        ({"effective_from": NOW - timedelta(days=1)}, "effective_from"),
        ({"effective_from": datetime(2027, 1, 1)}, "effective_from"),  # naive
    ],
)
def test_bad_targets_are_422_naming_the_field_and_write_nothing(dave, tiers, change, field):
    before = _written()
    target = {
        "priority": "normal",
        "metric": "first_response",
        "target_seconds": 3600,
        "business_time": True,
    }
    with pytest.raises(Invalid) as refused:
        services.set_target(actor=dave, tier=tiers["Basic"], **{**target, **change})
    assert field in refused.value.fields
    assert _written() == before


def test_email_coverage_cannot_be_removed(dave, tiers):
    before = _written()
    with pytest.raises(Invalid, match="Every tier answers email") as refused:
        services.remove_coverage(actor=dave, tier=tiers["Basic"], channel="email")
    assert refused.value.fields == {"channel": "email cannot be removed"}
    assert _written() == before


def test_pausing_statuses_are_versioned(dave, tiers):
    standard = tiers["Standard"]
    tier = services.set_pausing_statuses(
        actor=dave, tier=standard, mapping={"resolution": ["on_hold"]}, effective_from=LATER
    )
    assert tier.pausing_statuses == {
        "first_response": [],
        "next_response": [],
        "periodic_update": [],
        "resolution": ["on_hold"],
    }
    now_policy = policy_in_force(tier_id=standard.pk, at=NOW)
    later_policy = policy_in_force(tier_id=standard.pk, at=LATER)
    assert pausing_statuses(policy_version_id=now_policy.pk)["resolution"] == ["pending", "on_hold"]
    assert pausing_statuses(policy_version_id=later_policy.pk)["resolution"] == ["on_hold"]


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ({"resolution": ["open"]}, "pausing_statuses.resolution"),
        ({"resolution": ["sleeping"]}, "pausing_statuses.resolution"),
        ({"first_response": ["pending"]}, "pausing_statuses.first_response"),
        ({"lunch": ["pending"]}, "pausing_statuses.lunch"),
    ],
)
def test_bad_pausing_statuses_are_422_and_write_nothing(dave, tiers, mapping, field):
    before = _written()
    with pytest.raises(Invalid) as refused:
        services.set_pausing_statuses(actor=dave, tier=tiers["Premium"], mapping=mapping)
    assert field in refused.value.fields
    assert _written() == before
    assert tiers["Premium"].pausing_statuses["resolution"] == ["pending", "on_hold"]


def test_a_new_tier_and_a_new_calendar_start_with_version_one(dave):
    tier = services.create_tier(actor=dave, name="Gold", rank=7, fields={})
    calendar = services.create_calendar(
        actor=dave,
        name="Sydney office",
        time_zone="Australia/Sydney",
        holiday_country="AU",
        holiday_subdivision="NSW",
        hours=WEEKDAYS_9_TO_5,
    )
    assert tier.policy_versions.get().rules == {
        "targets": {},
        "coverage": {},
        "pausing_statuses": tier.pausing_statuses,
    }
    assert calendar.versions.get().rules["holiday_subdivision"] == "NSW"


def test_a_policy_version_is_audited_with_the_one_value_it_changed(manager, tiers):
    premium = tiers["Premium"]
    services.set_target(
        actor=manager,
        tier=premium,
        priority="normal",
        metric="first_response",
        target_seconds=1800,
        business_time=True,
    )
    change = ConfigChange.objects.get(subject=Subject.TIER, subject_id=premium.pk)
    key = "targets.normal.first_response.target_seconds"
    assert (change.actor, change.before, change.after) == (manager, {key: 3600}, {key: 1800})
    assert change.action.startswith("policy version 2, in force from ")
