"""The demo has survey answers behind CSAT, NPS and CES, consistent with its solves."""

from datetime import timedelta

from django.utils import timezone

from tierdesk.demo import load_demo
from tierdesk.kpis.selectors import KpiQuery, kpi_table
from tierdesk.surveys.models import Survey
from tierdesk.tickets.models import EventKind, TicketEvent


def test_the_demo_answers_surveys_for_its_solves(tiers, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    load_demo(tickets=60, seed=3)
    solves = TicketEvent.objects.filter(kind=EventKind.STATUS_CHANGED, after="solved").count()
    assert Survey.objects.filter(kind="csat").count() == solves
    assert Survey.objects.filter(kind="ces", trigger__isnull=False).count() == solves
    answered = Survey.objects.filter(answered_at__isnull=False)
    assert answered.filter(kind="csat").exists()
    assert answered.filter(kind="nps").exists()
    assert not answered.filter(answered_at__gt=timezone.now()).exists()
    sent = TicketEvent.objects.filter(kind=EventKind.SURVEY_SENT).count()
    assert sent == 2 * solves
    now = timezone.now()
    for kpi in ("csat", "nps", "ces"):
        query = KpiQuery(
            kpi=kpi, by=("tier",), period=None, start=now - timedelta(days=120), end=now, filters={}
        )
        assert kpi_table(query).rows, kpi
