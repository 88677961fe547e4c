"""Workforce maths: Erlang B, C and A, staffing per interval, chat, backlog, floor simulation."""

from tierdesk.domain.workforce.erlang import asa, erlang_b, erlang_c, occupancy, service_level
from tierdesk.domain.workforce.erlang_a import ErlangA, erlang_a
from tierdesk.domain.workforce.errors import Unreachable, WorkforceInputError
from tierdesk.domain.workforce.staffing import MAX_AGENTS, agents_for

__all__ = [
    "MAX_AGENTS",
    "ErlangA",
    "Unreachable",
    "WorkforceInputError",
    "agents_for",
    "asa",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "service_level",
]
