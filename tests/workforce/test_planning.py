"""Forecast from ticket history, staffing plans, roster feasibility and adherence."""

from datetime import time, timedelta

import numpy as np
import pytest

from tierdesk.domain.workforce import agents_for
from tierdesk.errors import Invalid
from tierdesk.workforce.assumptions import Assumptions
from tierdesk.workforce.feasibility import Promised, check_roster
from tierdesk.workforce.planning import adherence, contact_forecast, stated_forecast
from tierdesk.workforce.services import create_roster, set_agent_status
from tierdesk.workforce.staffing import BACKLOG_KEY, POOL_KEY, staffing_plan

from .conftest import NOW


def series(result, tier, channel):
    (found,) = [s for s in result.series if s.tier.name == tier and s.channel == channel]
    return found


def test_the_forecast_follows_the_history_week(history):
    result = contact_forecast(interval_minutes=60, horizon_days=7, now=NOW)
    email = series(result, "Premium", "email").values.reshape(7, 24)
    # History: Premium email 1 an hour at 09-17 on weekdays (one of four channels), 1 an
    # hour at all other times: the forecast keeps both levels.
    assert email[:5, 9:17].mean() == pytest.approx(1.0, abs=0.15)
    assert email[:5, 0:8].mean() == pytest.approx(1.0, abs=0.15)
    phone = series(result, "Premium", "phone").values.reshape(7, 24)
    assert phone[:5, 9:17].mean() == pytest.approx(1.0, abs=0.15)
    assert phone[5:, :].mean() == pytest.approx(0.0, abs=0.1)
    assert series(result, "VIP", "phone").values.sum() == 0
    assert result.start == NOW


def test_a_horizon_beyond_the_history_is_a_422_naming_horizon_days(history):
    with pytest.raises(Invalid) as error:
        contact_forecast(interval_minutes=60, horizon_days=15, now=NOW)
    assert "at most 14.0 days" in error.value.fields["horizon_days"]


def test_no_ticket_history_is_a_422(tiers):
    with pytest.raises(Invalid) as error:
        contact_forecast(interval_minutes=60, horizon_days=1, now=NOW)
    assert error.value.fields == {"horizon_days": "no ticket history"}


def test_the_backtest_scores_against_seasonal_naive(history):
    result = contact_forecast(interval_minutes=60, horizon_days=1, holdout_weeks=1, now=NOW)
    test = series(result, "Premium", "email").backtest
    # The history repeats exactly week on week: naive is perfect, the model close to it.
    assert test.naive_wape == 0.0
    assert test.wape < 0.1
    assert set(result.pooled) >= {"wape", "naive_wape", "floor_wape", "floor_naive_wape"}


def test_phone_staffing_is_erlang_c_on_the_tiers_strictest_target(tiers):
    calls = [0.0, 60.0, 120.0]
    forecast = stated_forecast(volumes=[("VIP", "phone", calls)], interval_minutes=60, now=NOW)
    a = Assumptions(shrinkage=0.3, cost_per_hour=40.0)
    plan = staffing_plan(forecast=forecast, assumptions=a)
    expected = agents_for(
        np.array(calls) * 360 / 3600, 360, target_seconds=20, service_level=0.8, max_occupancy=0.85
    )
    # VIP is 24/7: a quiet interval still keeps one agent on the phones.
    assert plan.by_channel[POOL_KEY].tolist() == [1, *expected[1:].tolist()]
    assert plan.scheduled.tolist() == [int(np.ceil(n / 0.7 - 1e-9)) for n in plan.productive]
    assert plan.cost == pytest.approx(plan.scheduled.sum() * 40.0)


def test_backlog_of_several_tiers_is_rounded_once(tiers):
    # Basic 24 h and Standard 4 h windows, 2 emails an hour each at 420 s: 0.27 agents
    # each at 85 % occupancy, so one email agent serves both.
    volumes = [("Basic", "email", [2.0] * 8), ("Standard", "email", [2.0] * 8)]
    forecast = stated_forecast(volumes=volumes, interval_minutes=60, now=NOW)
    plan = staffing_plan(forecast=forecast, assumptions=Assumptions(shrinkage=0.0))
    assert plan.by_channel[BACKLOG_KEY].max() == 1
    assert POOL_KEY not in plan.by_channel


def test_separate_channels_need_at_least_as_many_agents_as_a_pool(tiers):
    volumes = [("Premium", "phone", [30.0] * 4), ("Premium", "chat", [30.0] * 4)]
    forecast = stated_forecast(volumes=volumes, interval_minutes=60, now=NOW)
    pooled = staffing_plan(forecast=forecast, assumptions=Assumptions())
    apart = staffing_plan(forecast=forecast, assumptions=Assumptions(pooled=False))
    assert (apart.productive >= pooled.productive).all()
    assert set(apart.by_channel) == {"phone", "chat"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"aht_seconds": {"phone": 0}}, "aht_seconds.phone"),
        ({"service_level": 1.0}, "service_level"),
        ({"shrinkage": 1.0}, "shrinkage"),
        ({"max_occupancy": 0}, "max_occupancy"),
    ],
)
def test_assumptions_no_plan_can_use_are_refused_by_field(changes, field):
    with pytest.raises(Invalid) as error:
        Assumptions().with_changes(changes)
    assert field in error.value.fields


def test_negative_traffic_is_refused_naming_the_series(tiers):
    with pytest.raises(Invalid) as error:
        stated_forecast(volumes=[("VIP", "phone", [1.0, -2.0])], interval_minutes=60, now=NOW)
    assert "volumes.0.values" in error.value.fields


def test_a_roster_of_seniors_keeps_the_vip_promise_and_a_junior_cannot(tiers, maria, alice, eve):
    # Monday 00:00 UTC: 8 hours of 6 VIP calls an hour, answered in 20 s for 80 %.
    forecast = stated_forecast(volumes=[("VIP", "phone", [6.0] * 8)], interval_minutes=60, now=NOW)
    seniors = create_roster(
        actor=maria,
        name="Seniors",
        time_zone="UTC",
        shifts=[(alice, 0, time(0), time(12)), (maria, 0, time(0), time(12))],
    )
    juniors = create_roster(
        actor=maria, name="Juniors", time_zone="UTC", shifts=[(eve, 0, time(0), time(12))]
    )
    promise = [Promised("VIP", None, 0.8)]
    (strong,) = check_roster(
        forecast=forecast, roster=seniors, assumptions=Assumptions(), promises=promise, seed=1
    )
    (weak,) = check_roster(
        forecast=forecast, roster=juniors, assumptions=Assumptions(), promises=promise, seed=1
    )
    assert strong.status == "met"
    assert weak.status == "not met"  # eve is junior: VIP takes senior agents only
    assert strong.checks[0].result.service_level.low >= 0.8


def test_a_roster_with_nobody_in_the_horizon_is_refused(tiers, maria, alice):
    forecast = stated_forecast(volumes=[("VIP", "phone", [6.0] * 4)], interval_minutes=60, now=NOW)
    sundays = create_roster(
        actor=maria, name="Sundays", time_zone="UTC", shifts=[(alice, 6, time(9), time(17))]
    )
    with pytest.raises(Invalid) as error:
        check_roster(forecast=forecast, roster=sundays, assumptions=Assumptions(), promises=[])
    assert "roster_id" in error.value.fields


def test_adherence_and_occupancy_per_agent_and_interval(weekday_roster, alice):
    # Monday 2 March 2026, London = UTC: alice rostered 09-17.
    set_agent_status(actor=alice, agent=alice, status="available", at=NOW + timedelta(hours=9))
    set_agent_status(
        actor=alice, agent=alice, status="busy", at=NOW + timedelta(hours=9, minutes=15)
    )
    set_agent_status(
        actor=alice, agent=alice, status="break", at=NOW + timedelta(hours=10, minutes=30)
    )
    set_agent_status(actor=alice, agent=alice, status="offline", at=NOW + timedelta(hours=11))
    rows = adherence(roster=weekday_roster, day=NOW.date(), interval_minutes=60)
    mine = {r.interval_start.hour: r for r in rows if r.username == "alice"}
    assert len(mine) == 24
    assert (mine[9].adherence, mine[9].occupancy) == (1.0, 0.75)
    assert (mine[10].adherence, mine[10].occupancy) == (0.5, 1.0)
    assert (mine[11].adherence, mine[11].occupancy) == (0.0, None)
    assert (mine[8].adherence, mine[8].rostered_seconds) == (None, 0.0)
    eve = [r for r in rows if r.username == "eve" and r.rostered_seconds]
    assert {r.adherence for r in eve} == {0.0}
