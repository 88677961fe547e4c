"""The columns the ticket services keep for the KPIs equal the raw definitions.

first_response_at, public_agent_replies and reopens are written with each message and
reopen; here random histories go through the services and every kept value, and every
KPI table that reads them, is checked against the definition computed from the messages
and events themselves (the correlated subqueries the catalogue used before).
"""

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.fields import DurationField
from django.db.models.functions import Coalesce
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierdesk.kpis import catalog
from tierdesk.kpis.catalog import Kpi
from tierdesk.kpis.selectors import KpiQuery, kpi_table
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import (
    STATUS_TRANSITIONS,
    AuthorKind,
    EventKind,
    Message,
    MessageKind,
    Status,
    Ticket,
    TicketEvent,
)
from tierdesk.tickets.participants import Author

T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
START, END = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC)
ACTIONS = (
    "agent_reply",
    "customer_reply",
    "bot_reply",
    "note",
    "solve",
    "solve_with_reply",
    "close",
    "pending",
)


def _agent_replies():
    return Message.objects.filter(
        ticket=OuterRef("pk"), author_kind=AuthorKind.AGENT, kind=MessageKind.PUBLIC
    )


def _raw_first_reply() -> Subquery:
    first = _agent_replies().order_by("created_at", "id").values("created_at")[:1]
    return Subquery(first, output_field=DateTimeField())


def _raw_counts(queryset):
    counted = queryset.order_by().values("ticket").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _raw_reopens():
    return _raw_counts(TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=EventKind.REOPENED))


def _raw_first_responded(start, end):
    return (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end, opened_by_agent=False)
        .annotate(first_reply=_raw_first_reply())
        .filter(first_reply__isnull=False)
    )


def _raw_solved(start, end):
    return Ticket.objects.filter(solved_at__gte=start, solved_at__lt=end).annotate(
        raw_replies=_raw_counts(_agent_replies()),
        raw_reopened=Exists(
            TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=EventKind.REOPENED)
        ),
        followed_up=Exists(Ticket.objects.filter(follow_up_of=OuterRef("pk"))),
    )


# The same KPIs read from the messages and events: the definitions in docs/kpis.md.
RAW = {
    "first_response_time": Kpi(
        name="first_response_time",
        kind="duration",
        unit="seconds",
        description="",
        rows=_raw_first_responded,
        value=lambda _as_of: ExpressionWrapper(
            F("first_reply") - F("created_at"), output_field=DurationField()
        ),
    ),
    "first_contact_resolution": Kpi(
        name="first_contact_resolution",
        kind="ratio",
        unit="ratio",
        description="",
        rows=_raw_solved,
        anchor="solved_at",
        numerator=Q(raw_replies=1, raw_reopened=False, followed_up=False),
    ),
    "reopen_rate": Kpi(
        name="reopen_rate",
        kind="ratio",
        unit="ratio",
        description="",
        rows=_raw_solved,
        anchor="solved_at",
        numerator=Q(raw_reopened=True),
    ),
}


def tables(by):
    return {
        name: kpi_table(
            KpiQuery(kpi=name, by=by, period=None, start=START, end=END, filters={})
        ).rows
        for name in RAW
    }


def raw_tables(by, monkeypatch):
    with monkeypatch.context() as m:
        for name, kpi in RAW.items():
            m.setitem(catalog.CATALOG, name, kpi)
        return tables(by)


def act(action, ticket, alice, carol, at):
    ticket.refresh_from_db()
    closed = ticket.status == Status.CLOSED
    match action:
        case "agent_reply" if not closed:
            tickets.reply(actor=alice, ticket=ticket, body="a", at=at)
        case "customer_reply":
            # On a closed ticket this opens a follow-up of it.
            tickets.reply(actor=carol, ticket=ticket, body="c", at=at)
        case "bot_reply" if not closed:
            tickets.reply(author=Author.bot(), ticket=ticket, body="b", at=at)
        case "note" if not closed:
            tickets.add_note(actor=alice, ticket=ticket, body="n", at=at)
        case "solve_with_reply" if Status.SOLVED in STATUS_TRANSITIONS[ticket.status]:
            tickets.reply(actor=alice, ticket=ticket, body="s", status=Status.SOLVED, at=at)
        case "solve" | "close" | "pending":
            wanted = {"solve": Status.SOLVED, "close": Status.CLOSED, "pending": Status.PENDING}
            if wanted[action] in STATUS_TRANSITIONS[ticket.status]:
                tickets.change_status(actor=alice, ticket=ticket, status=wanted[action], at=at)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    histories=st.lists(
        st.tuples(
            st.booleans(),  # opened by the agent
            st.lists(
                st.tuples(st.sampled_from(ACTIONS), st.integers(1, 2000)), min_size=0, max_size=9
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_kept_columns_and_kpis_equal_the_raw_definitions(alice, carol, monkeypatch, histories):
    with transaction.atomic():
        for i, (by_agent, steps) in enumerate(histories):
            at = T0 + timedelta(minutes=7 * i)
            opener = alice if by_agent else carol
            ticket = tickets.open_ticket(
                actor=opener,
                requester=carol.contact if by_agent else None,
                subject=f"#{i}",
                body="x",
                channel="email",
                at=at,
            )
            for action, minutes in steps:
                at += timedelta(minutes=minutes)
                act(action, ticket, alice, carol, at)

        kept = Ticket.objects.order_by("pk").values_list(
            "pk", "first_response_at", "public_agent_replies", "reopens"
        )
        raw = (
            Ticket.objects.order_by("pk")
            .annotate(f=_raw_first_reply(), n=_raw_counts(_agent_replies()), r=_raw_reopens())
            .values_list("pk", "f", "n", "r")
        )
        assert list(kept) == list(raw)
        for by in ((), ("agent",)):
            assert tables(by) == raw_tables(by, monkeypatch)
        transaction.set_rollback(True)
