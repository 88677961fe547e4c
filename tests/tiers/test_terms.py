"""Terms in force: the policy and calendar versions a clock starting at an instant runs under."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tierdesk.domain.sla import UTC as DOMAIN_UTC
from tierdesk.domain.sla import Calendar
from tierdesk.errors import NotFound
from tierdesk.tiers.calendars import domain_calendar
from tierdesk.tiers.models import BusinessCalendar, CalendarVersion, TierPolicyVersion
from tierdesk.tiers.terms import (
    Terms,
    calendar_of_version,
    calendar_version_in_force,
    pausing_statuses,
    policy_in_force,
    terms_in_force,
)
from tierdesk.tiers.versions import FIRST_EFFECTIVE_FROM

T0 = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_the_seed_leaves_version_one_in_force_for_every_calendar_and_tier(tiers):
    assert set(TierPolicyVersion.objects.values_list("number", "effective_from")) == {
        (1, FIRST_EFFECTIVE_FROM)
    }
    assert TierPolicyVersion.objects.count() == 4
    assert CalendarVersion.objects.count() == BusinessCalendar.objects.count() == 3
    business = CalendarVersion.objects.get(calendar__name="Business hours")
    assert business.rules["weekly"]["0"] == [["09:00:00", "17:00:00"]]
    assert business.rules["weekly"]["5"] == []
    assert business.rules["holiday_country"] == "GB"


def test_terms_in_force_reads_the_policy_and_calendar_versions_in_two_queries(tiers):
    premium = tiers["Premium"]
    with CaptureQueriesContext(connection) as queries:
        terms = terms_in_force(tier_id=premium.pk, priority="normal", channel="chat", at=T0)
    assert len(queries) == 2
    extended = CalendarVersion.objects.get(calendar__name="Extended hours")
    policy = TierPolicyVersion.objects.get(tier=premium)
    assert terms["first_response"] == Terms(
        target_seconds=3600,
        business_time=True,
        warn_percent=75,
        calendar_version_id=extended.pk,
        policy_version_id=policy.pk,
    )
    assert set(terms) == {"first_response", "next_response", "periodic_update", "resolution"}


def test_a_channel_the_tier_lacks_runs_on_its_email_hours(tiers):
    basic = tiers["Basic"]
    terms = terms_in_force(tier_id=basic.pk, priority="high", channel="chat", at=T0)
    business = CalendarVersion.objects.get(calendar__name="Business hours")
    assert terms["first_response"].calendar_version_id == business.pk


def test_calendar_time_targets_have_no_calendar_version(tiers):
    terms = terms_in_force(tier_id=tiers["VIP"].pk, priority="urgent", channel="phone", at=T0)
    assert terms["first_response"].business_time is False
    assert terms["first_response"].calendar_version_id is None
    assert calendar_of_version(None) == Calendar.twenty_four_seven(DOMAIN_UTC)


def test_versions_in_force_are_the_latest_effective_at_or_before_the_instant(tiers):
    basic = tiers["Basic"]
    first = policy_in_force(tier_id=basic.pk, at=T0)
    later = TierPolicyVersion.objects.create(
        tier=basic,
        number=2,
        effective_from=T0 + timedelta(days=1),
        rules={**first.rules, "targets": {}},
        created_at=T0,
    )
    assert policy_in_force(tier_id=basic.pk, at=T0 + timedelta(hours=23)) == first
    assert policy_in_force(tier_id=basic.pk, at=T0 + timedelta(days=1)) == later
    assert (
        terms_in_force(tier_id=basic.pk, priority="low", channel="email", at=later.effective_from)
        == {}
    )
    calendar = BusinessCalendar.objects.get(name="Business hours")
    assert calendar_version_in_force(calendar_id=calendar.pk, at=FIRST_EFFECTIVE_FROM).number == 1


def test_nothing_is_in_force_before_the_first_version(tiers):
    with pytest.raises(NotFound, match="has no policy in force"):
        policy_in_force(tier_id=tiers["Basic"].pk, at=FIRST_EFFECTIVE_FROM - timedelta(seconds=1))


def test_a_version_compiles_to_the_same_calendar_as_the_rows(tiers):
    for calendar in BusinessCalendar.objects.all():
        version = CalendarVersion.objects.get(calendar=calendar)
        assert calendar_of_version(version.pk) == domain_calendar(calendar)


def test_pausing_statuses_come_from_the_policy_version(tiers):
    policy = policy_in_force(tier_id=tiers["Standard"].pk, at=T0)
    assert pausing_statuses(policy_version_id=policy.pk) == {
        "first_response": [],
        "next_response": ["pending", "on_hold"],
        "periodic_update": ["pending", "on_hold"],
        "resolution": ["pending", "on_hold"],
    }
