"""Erlang B and C against values published in references, each cited where it is used."""

import pytest

from tierdesk.domain.workforce import (
    agents_for,
    asa,
    erlang_b,
    erlang_c,
    occupancy,
    service_level,
)


@pytest.mark.parametrize(
    ("servers", "traffic"),
    [
        # Erlang B tables at 1 % grade of service, as printed to two decimals in traffic
        # tables (e.g. Iversen, "Teletraffic Engineering and Network Planning", DTU, table
        # of Erlang's B-formula): 10 circuits carry 4.46 E, 20 carry 12.03 E, 100 carry 84.06 E.
        # Two decimals move B by less than 1e-4 here.
        (10, 4.46),
        (20, 12.03),
        (100, 84.06),
    ],
)
def test_erlang_b_meets_the_published_one_percent_table(servers, traffic):
    assert erlang_b(traffic, servers) == pytest.approx(0.01, abs=1e-4)


def test_classic_100_calls_per_half_hour_example():
    # pyworkforce 0.5.4 README, "Erlang C": 100 transactions per 30 min, AHT 3 min, answer
    # within 20 s, 80 % service level, 30 % shrinkage -> raw_positions 14, positions 20,
    # service_level 0.8884, occupancy 0.7143, waiting_probability 0.1741 (the inputs are the
    # Call Centre Helper "Erlang C formula made simple" example: 10 erlangs).
    traffic = 100 / (30 * 60) * 180
    assert traffic == pytest.approx(10.0)
    assert erlang_c(traffic, 14) == pytest.approx(0.1741, abs=5e-5)
    assert service_level(traffic, 14, 180, 20) == pytest.approx(0.8884, abs=5e-5)
    assert occupancy(traffic, 14) == pytest.approx(0.7143, abs=5e-5)
    assert agents_for(traffic, 180, target_seconds=20, service_level=0.8) == 14
    assert agents_for(traffic, 180, target_seconds=20, service_level=0.8, shrinkage=0.3) == 20


def test_asa_is_wait_probability_times_aht_over_spare_agents():
    # Gans, Koole & Mandelbaum, "Telephone call centers: tutorial, review, and research
    # prospects", M&SOM 5(2), 2003, the Erlang C model: E[Wq] = C(n, a) / (n mu - lambda).
    traffic, agents, aht = 10.0, 14, 180.0
    assert asa(traffic, agents, aht) == pytest.approx(
        erlang_c(traffic, agents) * aht / (agents - traffic)
    )


def test_one_agent_is_the_m_m_1_queue():
    # M/M/1: P(wait) = rho and mean wait rho / (mu - lambda) (Kleinrock, "Queueing Systems"
    # vol. 1, 1975, chapter 3): at rho = 0.5 and 60 s handle time, 0.5 and 60 s.
    assert erlang_c(0.5, 1) == pytest.approx(0.5)
    assert asa(0.5, 1, 60) == pytest.approx(60.0)
    assert erlang_b(0.5, 1) == pytest.approx(0.5 / 1.5)
