"""agents_for, chat and backlog staffing, and the errors bad input gets."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from workforce_oracle import examples

from tierdesk.domain.workforce import (
    MAX_AGENTS,
    Unreachable,
    WorkforceInputError,
    agents_for,
    asa,
    backlog_agents_for,
    chat_agents_for,
    erlang_a,
    occupancy,
    service_level,
)


@examples(100)
@given(
    traffic=st.floats(0.01, 2000.0),
    aht=st.floats(20.0, 1200.0),
    target=st.floats(0.0, 120.0),
    level=st.floats(0.5, 0.99),
)
def test_agents_for_is_the_fewest_meeting_the_service_level(traffic, aht, target, level):
    n = agents_for(traffic, aht, target_seconds=target, service_level=level)
    assert service_level(traffic, n, aht, target) >= level
    assert service_level(traffic, n - 1, aht, target) < level


@examples(30)
@given(
    traffic=st.floats(0.05, 300.0),
    aht=st.floats(30.0, 900.0),
    patience=st.floats(10.0, 1800.0),
    level=st.floats(0.5, 0.95),
    abandon=st.floats(0.01, 0.2),
)
def test_erlang_a_staffing_is_the_fewest_meeting_every_target(
    traffic, aht, patience, level, abandon
):
    n = agents_for(
        traffic,
        aht,
        target_seconds=20,
        service_level=level,
        patience_seconds=patience,
        max_abandon=abandon,
    )
    enough = erlang_a(traffic, n, aht, patience, 20)
    fewer = erlang_a(traffic, n - 1, aht, patience, 20)
    assert enough.service_level >= level
    assert enough.abandon_rate <= abandon
    assert fewer.service_level < level or fewer.abandon_rate > abandon


def test_every_constraint_binds_when_it_is_the_hardest():
    base = agents_for(10.0, 180, target_seconds=20, service_level=0.8)
    by_asa = agents_for(10.0, 180, target_seconds=20, service_level=0.8, max_asa_seconds=2)
    by_occupancy = agents_for(10.0, 180, target_seconds=20, service_level=0.8, max_occupancy=0.6)
    assert asa(10.0, by_asa, 180) <= 2 < asa(10.0, by_asa - 1, 180)
    assert by_occupancy == math.ceil(10.0 / 0.6) == 17
    assert occupancy(10.0, by_occupancy) <= 0.6
    assert base < by_asa


def test_a_week_of_intervals_gives_one_whole_number_per_interval():
    t = np.arange(672)
    week = np.maximum(0.0, 30 + 25 * np.sin(2 * np.pi * t / 96 - 1.8))
    needed = agents_for(week, 240, target_seconds=20, service_level=0.8)
    assert needed.dtype == np.int64
    assert needed.shape == (672,)
    singles = [agents_for(float(a), 240, target_seconds=20, service_level=0.8) for a in week[:96]]
    assert needed[:96].tolist() == singles
    assert (needed[week == 0] == 0).all()


def test_shrinkage_grosses_up_without_float_noise():
    # 21 / (1 - 0.3) is 30.000000000000004 in binary floating point: still 30 agents.
    assert 21 / (1 - 0.3) > 30
    assert agents_for(10.5, 60, max_occupancy=0.5) == 21
    assert agents_for(10.5, 60, max_occupancy=0.5, shrinkage=0.3) == 30


def test_twenty_thousand_erlangs_are_staffed():
    n = agents_for(20_000.0, 300, target_seconds=20, service_level=0.8)
    assert 20_000 < n < 20_200
    assert service_level(20_000.0, n, 300, 20) >= 0.8 > service_level(20_000.0, n - 1, 300, 20)


def test_a_load_beyond_the_cap_is_unreachable_and_names_the_target():
    with pytest.raises(Unreachable) as caught:
        agents_for(150_000.0, 300, target_seconds=20, service_level=0.8)
    assert caught.value.field == "service_level"
    assert f"{MAX_AGENTS:,}" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"traffic": -1.0}, "traffic"),
        ({"traffic": float("nan")}, "traffic"),
        ({"aht_seconds": 0.0}, "aht_seconds"),
        ({"aht_seconds": -5.0}, "aht_seconds"),
        ({"service_level": 1.0, "target_seconds": 0.0}, "service_level"),
        ({"service_level": 1.2}, "service_level"),
        ({"target_seconds": -1.0}, "target_seconds"),
        ({"target_seconds": None}, "target_seconds"),
        ({"shrinkage": 1.0}, "shrinkage"),
        ({"shrinkage": -0.1}, "shrinkage"),
        ({"max_occupancy": 0.0}, "max_occupancy"),
        ({"max_occupancy": 1.5}, "max_occupancy"),
        ({"max_abandon": 0.05}, "patience_seconds"),
        ({"patience_seconds": 0.0}, "patience_seconds"),
        ({"max_asa_seconds": 0.0}, "max_asa_seconds"),
        ({"service_level": None, "target_seconds": None}, "service_level"),
    ],
)
def test_bad_input_names_the_field(kwargs, field):
    arguments = {
        "traffic": 10.0,
        "aht_seconds": 180.0,
        "target_seconds": 20.0,
        "service_level": 0.8,
    } | kwargs
    with pytest.raises(WorkforceInputError) as caught:
        agents_for(arguments.pop("traffic"), arguments.pop("aht_seconds"), **arguments)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_bad_agent_counts_are_refused():
    with pytest.raises(WorkforceInputError) as caught:
        service_level(10.0, 12.5, 180, 20)
    assert caught.value.field == "agents"
    with pytest.raises(WorkforceInputError) as caught:
        erlang_a(10.0, 12, 180, -3, 20)
    assert caught.value.field == "patience_seconds"


def test_chat_agents_hold_several_chats():
    # 10 erlangs of chat slots at concurrency 3: the slots an M/M/c needs, three per agent.
    slots = agents_for(10.0, 600, target_seconds=30, service_level=0.8)
    assert chat_agents_for(10.0, 600, 3, target_seconds=30, service_level=0.8) == math.ceil(
        slots / 3
    )
    assert chat_agents_for(10.0, 600, 1, target_seconds=30, service_level=0.8) == slots


def test_chat_stretch_makes_chats_longer_and_needs_more_agents():
    plain = chat_agents_for(20.0, 600, 2, target_seconds=30, service_level=0.8)
    stretched = chat_agents_for(20.0, 600, 2, stretch=1.3, target_seconds=30, service_level=0.8)
    assert stretched > plain


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"concurrency": 0}, "concurrency"), ({"concurrency": 2.5}, "concurrency")],
)
def test_chat_bad_concurrency_names_the_field(kwargs, field):
    with pytest.raises(WorkforceInputError) as caught:
        chat_agents_for(10.0, 600, kwargs["concurrency"], target_seconds=30, service_level=0.8)
    assert caught.value.field == field


def test_backlog_spreads_each_intervals_work_over_its_window():
    # 10 e-mails of 10 minutes arrive at 09:00, 40 at 10:00; each must be done within an
    # hour (four 15-minute intervals): 6000 s of work over 4 x 900 s -> 1.67, so 2 agents;
    # then 24,000 s over the next hour -> 6.67, so 7.
    needed = backlog_agents_for([10, 0, 0, 0, 40, 0, 0, 0], 600, 3600, 900, occupancy=1.0)
    assert needed.tolist() == [2, 2, 2, 2, 7, 7, 7, 7]


def test_backlog_plan_meets_every_deadline():
    rng = np.random.default_rng(3)
    arrivals = rng.poisson(12, size=96).astype(float)
    handle, interval, window = 420.0, 900.0, 4 * 3600.0
    agents = backlog_agents_for(arrivals, handle, window, interval, occupancy=0.85)
    capacity = np.cumsum(agents * interval * 0.85)
    due = np.cumsum(np.concatenate([np.zeros(15), arrivals[:-15]]) * handle)
    assert (capacity >= due - 1e-6).all()


def test_backlog_cyclic_week_carries_the_end_into_the_start():
    open_plan = backlog_agents_for([0, 0, 0, 36], 900, 2 * 900, 900, occupancy=1.0)
    cyclic = backlog_agents_for([0, 0, 0, 36], 900, 2 * 900, 900, occupancy=1.0, cyclic=True)
    assert open_plan.tolist() == [0, 0, 0, 18]
    assert cyclic.tolist() == [18, 0, 0, 18]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"window_seconds": 600.0}, "window_seconds"),
        ({"handle_seconds": 0.0}, "handle_seconds"),
        ({"occupancy": 0.0}, "occupancy"),
        ({"arrivals_per_interval": [1.0, -2.0]}, "arrivals_per_interval"),
    ],
)
def test_backlog_bad_input_names_the_field(kwargs, field):
    arguments = {
        "arrivals_per_interval": [5.0, 3.0],
        "handle_seconds": 300.0,
        "window_seconds": 3600.0,
        "interval_seconds": 900.0,
    } | kwargs
    with pytest.raises(WorkforceInputError) as caught:
        backlog_agents_for(**arguments)
    assert caught.value.field == field


@examples(20)
@given(
    traffic=st.floats(0.5, 150.0),
    patience=st.floats(30.0, 900.0),
    limit=st.floats(2.0, 60.0),
)
def test_erlang_a_asa_target_is_met_by_the_fewest_agents(traffic, patience, limit):
    n = agents_for(traffic, 240, max_asa_seconds=limit, patience_seconds=patience)
    assert erlang_a(traffic, n, 240, patience, 0).asa <= limit
    assert erlang_a(traffic, n - 1, 240, patience, 0).asa > limit


def test_chat_with_abandonment_uses_erlang_a_on_slots():
    slots = agents_for(12.0, 900, target_seconds=60, service_level=0.8, patience_seconds=300)
    agents = chat_agents_for(
        12.0, 900, 2, target_seconds=60, service_level=0.8, patience_seconds=300, shrinkage=0.25
    )
    assert agents == math.ceil(math.ceil(slots / 2) / 0.75)
