"""A small history over two days, built by hand through the ticket services.

Monday 2 March 2026 (the previous day) and Tuesday 3 March (the day on the board); London
hours 09:00-17:00 are UTC in winter. Acme is Premium (first response within 1 business
hour at normal priority, resolution within 24), Globex is Basic (24 and 80 hours).

- p1, Mon (Acme, email, alice): opened 10:00, answered 10:20, solved 11:00.
- p2, Mon (Acme, email, sam): opened 10:00, answered 11:30 (30 min late), solved 12:00.
- t1, Tue (Acme, email, alice): opened 10:00, answered 10:30, solved 12:00.
- t2, Tue (Acme, email, sam): opened 10:10, answered 12:10 (1 h late), solved 14:00.
- t3, Tue (Acme, web, alice): opened 10:20, answered 10:40, still open.
- g1, Tue (Globex, web, nobody): opened 11:00, still open, no answer.
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests.kpis.conftest import sam  # noqa: F401 - an agent besides alice
from tests.workforce.conftest import maria  # noqa: F401 - a manager who signs in
from tierdesk.tickets import services as tickets

MON = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TUE = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
DAY_START = datetime(2026, 3, 3, tzinfo=UTC)
DAY_END = datetime(2026, 3, 4, tzinfo=UTC)
M = timedelta(minutes=1)


def _answered(customer, manager, agent, *, at, answer_after, solve_after=None, channel="email"):
    ticket = tickets.open_ticket(actor=customer, subject="Help", body="Hi", channel=channel, at=at)
    if agent is not None:
        tickets.assign(actor=manager, ticket=ticket, assignee=agent, at=at + 1 * M)
    if answer_after is not None:
        tickets.reply(actor=agent, ticket=ticket, body="On it", at=at + answer_after)
    if solve_after is not None:
        tickets.change_status(actor=agent, ticket=ticket, status="solved", at=at + solve_after)
    return ticket


@pytest.fixture
def history(carol, bob, alice, sam, maria):  # noqa: F811
    return {
        "p1": _answered(carol, maria, alice, at=MON, answer_after=20 * M, solve_after=60 * M),
        "p2": _answered(carol, maria, sam, at=MON, answer_after=90 * M, solve_after=120 * M),
        "t1": _answered(carol, maria, alice, at=TUE, answer_after=30 * M, solve_after=120 * M),
        "t2": _answered(
            carol, maria, sam, at=TUE + 10 * M, answer_after=120 * M, solve_after=230 * M
        ),
        "t3": _answered(carol, maria, alice, at=TUE + 20 * M, answer_after=20 * M, channel="web"),
        "g1": _answered(bob, maria, None, at=TUE + 60 * M, answer_after=None, channel="web"),
    }
