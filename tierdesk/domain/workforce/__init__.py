"""Workforce maths: Erlang B, C and A, staffing per interval, chat, backlog, floor simulation."""

from tierdesk.domain.workforce.backlog import backlog_agents_for
from tierdesk.domain.workforce.chat import chat_agents_for
from tierdesk.domain.workforce.erlang import asa, erlang_b, erlang_c, occupancy, service_level
from tierdesk.domain.workforce.erlang_a import ErlangA, erlang_a
from tierdesk.domain.workforce.errors import Unreachable, WorkforceInputError
from tierdesk.domain.workforce.simulate import (
    AgentShift,
    Estimate,
    FloorResult,
    FloorSpec,
    Promise,
    Status,
    TierLoad,
    TierResult,
    Verdict,
    feasible,
    simulate_floor,
)
from tierdesk.domain.workforce.staffing import MAX_AGENTS, agents_for

__all__ = [
    "MAX_AGENTS",
    "AgentShift",
    "ErlangA",
    "Estimate",
    "FloorResult",
    "FloorSpec",
    "Promise",
    "Status",
    "TierLoad",
    "TierResult",
    "Unreachable",
    "Verdict",
    "WorkforceInputError",
    "agents_for",
    "asa",
    "backlog_agents_for",
    "chat_agents_for",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "feasible",
    "service_level",
    "simulate_floor",
]
