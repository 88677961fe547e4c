"""The breach preview: what re-applying proposed terms would do to open tickets, unsaved."""

from datetime import timedelta

import pytest
import time_machine

from tests.conftest import T0
from tierdesk.accounts.models import Role
from tierdesk.accounts.services import create_user
from tierdesk.errors import NotAllowed
from tierdesk.sla.models import SlaClock
from tierdesk.sla.preview import current_policy_rules, preview_calendar, preview_policy
from tierdesk.sla.services import reapply_terms
from tierdesk.tickets import services as tickets
from tierdesk.tiers import services as tiers_services
from tierdesk.tiers.models import BusinessCalendar, Metric, TierPolicyVersion
from tierdesk.tiers.services import CustomDay

NOW = T0 + timedelta(hours=2)  # Tuesday 12:00 in London, inside Premium's extended hours


@pytest.fixture
def mia(db):
    return create_user(username="mia", email="mia@desk.example", password=None, role=Role.MANAGER)


@pytest.fixture
def premium_desk(mia, carol, bob, tiers):
    """Premium's normal first response at 4 h, and five tickets opened through the morning.

    By NOW their first-response clocks have counted 120, 60, 30 and 10 business minutes;
    the fifth was answered, and Globex's Basic ticket belongs to another tier.
    """
    with time_machine.travel(T0 - timedelta(hours=1), tick=False):
        tiers_services.set_target(
            actor=mia,
            tier=tiers["Premium"],
            priority="normal",
            metric=Metric.FIRST_RESPONSE,
            target_seconds=4 * 3600,
            business_time=True,
        )
    opened = {}
    for name, minutes_ago in (("a", 120), ("b", 60), ("c", 30), ("d", 10), ("answered", 100)):
        opened[name] = tickets.open_ticket(
            actor=carol,
            subject=f"Ticket {name}",
            body="Help",
            channel="email",
            priority="normal",
            at=NOW - timedelta(minutes=minutes_ago),
        )
    agent = create_user(username="al", email="al@desk.example", password=None, role=Role.AGENT)
    tickets.reply(
        actor=agent, ticket=opened["answered"], body="On it", at=NOW - timedelta(minutes=50)
    )
    tickets.open_ticket(actor=bob, subject="Basic", body="Hi", channel="email", at=T0)
    return opened


def _with_first_response(rules, seconds):
    rules["targets"]["normal"]["first_response"]["target_seconds"] = seconds
    return rules


def test_lowering_a_target_counts_the_tickets_already_past_it(mia, tiers, premium_desk):
    premium = tiers["Premium"]
    rules = _with_first_response(current_policy_rules(premium), 30 * 60)
    preview = preview_policy(actor=mia, tier=premium, rules=rules, at=NOW)
    # a (120 min) and b (60 min) have counted more than 30 minutes; c has counted exactly
    # 30 (due now, not late), d 10: both fall due sooner. The answered ticket's resolution
    # clock is untouched by a first-response change, so it is open and unchanged.
    assert preview.open_tickets == 5
    assert preview.would_breach == 2
    assert preview.due_sooner == 2
    assert preview.due_later == 0


def test_the_preview_writes_nothing(mia, tiers, premium_desk):
    premium = tiers["Premium"]
    clocks = list(SlaClock.objects.order_by("pk").values())
    versions = TierPolicyVersion.objects.count()
    preview_policy(
        actor=mia,
        tier=premium,
        rules=_with_first_response(current_policy_rules(premium), 60),
        at=NOW,
    )
    assert list(SlaClock.objects.order_by("pk").values()) == clocks
    assert TierPolicyVersion.objects.count() == versions


def test_reapplying_the_change_breaches_exactly_the_previewed_tickets(mia, tiers, premium_desk):
    premium = tiers["Premium"]
    rules = _with_first_response(current_policy_rules(premium), 30 * 60)
    preview = preview_policy(actor=mia, tier=premium, rules=rules, at=NOW)
    with time_machine.travel(NOW, tick=False):
        tiers_services.set_target(
            actor=mia,
            tier=premium,
            priority="normal",
            metric=Metric.FIRST_RESPONSE,
            target_seconds=30 * 60,
            business_time=True,
        )
        reapply_terms(actor=mia, tier=premium)
    breached = SlaClock.objects.filter(
        tier=premium, metric=Metric.FIRST_RESPONSE, breached_at=NOW
    ).values_list("ticket__subject", flat=True)
    assert sorted(breached) == ["Ticket a", "Ticket b"]
    assert preview.would_breach == len(breached)


def test_a_longer_target_breaches_nothing_and_moves_dues_later(mia, tiers, premium_desk):
    premium = tiers["Premium"]
    rules = _with_first_response(current_policy_rules(premium), 8 * 3600)
    preview = preview_policy(actor=mia, tier=premium, rules=rules, at=NOW)
    assert (preview.would_breach, preview.due_sooner, preview.due_later) == (0, 0, 4)


def test_a_holiday_added_today_moves_dues_later_and_breaches_nothing(mia, tiers, premium_desk):
    calendar = BusinessCalendar.objects.get(
        pk=current_policy_rules(tiers["Premium"])["coverage"]["email"]
    )
    rules = tiers_services.proposed_calendar_rules(
        calendar=calendar, set_days=[CustomDay(day=NOW.date(), note="Closed for a move")]
    )
    preview = preview_calendar(actor=mia, calendar=calendar, rules=rules, at=NOW)
    # Time already counted stays counted: closing today only pushes what is left later.
    assert preview.would_breach == 0
    assert preview.due_later == 5


def test_agents_may_not_preview(alice, tiers):
    with pytest.raises(NotAllowed):
        preview_policy(
            actor=alice, tier=tiers["Premium"], rules=current_policy_rules(tiers["Premium"])
        )
