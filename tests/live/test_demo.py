"""Demo data carries the call or chat behind each phone and chat ticket, as the services would."""

from datetime import timedelta

from django.utils import timezone

from tierdesk.demo import load_demo
from tierdesk.kpis.selectors import KpiQuery, kpi_table
from tierdesk.live.models import LiveContact, Outcome
from tierdesk.tickets.models import TicketEvent


def test_demo_calls_and_chats_are_consistent_and_measured(tiers, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    load_demo(tickets=150, seed=3)
    rows = list(LiveContact.objects.select_related("ticket", "tier"))
    assert rows
    assert {r.ticket.channel for r in rows} <= {"phone", "chat"}
    assert {r.tier.name for r in rows} <= {"Standard", "Premium", "VIP"}
    for row in rows:
        assert row.channel == row.ticket.channel and row.offered_at == row.ticket.created_at
        assert row.outcome in (Outcome.ENDED, Outcome.ABANDONED)
        assert (row.answered_in_time is None) == (row.outcome == Outcome.ABANDONED)
        offered = TicketEvent.objects.get(
            ticket=row.ticket, kind=f"{'call' if row.channel == 'phone' else 'chat'}_offered"
        )
        assert offered.data["live_contact_id"] == row.pk
    now = timezone.now()
    query = KpiQuery(
        kpi="speed_of_answer",
        by=(),
        period=None,
        start=now - timedelta(days=120),
        end=now,
        filters={},
    )
    [asa] = kpi_table(query).rows
    assert asa["count"] == sum(1 for r in rows if r.outcome == Outcome.ENDED)
