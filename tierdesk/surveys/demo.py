"""Demo survey answers for the demo history: CSAT and CES after its solves, one NPS per contact.

Rows are written in bulk, as the services would leave them (sent, answered, the ticket
events and the timeline lines), so that loading the demo stays quick; a worker started
afterwards finds each solve already asked and sends nothing for it.
"""

import hashlib
import random
import secrets
from datetime import datetime, timedelta

from tierdesk.customers.models import Contact, Interaction, InteractionKind
from tierdesk.surveys.models import SCALES, Survey, SurveyKind
from tierdesk.tickets.models import EventKind, Status, TicketEvent

# Score weights, lowest score first; better tiers answer a little better.
CSAT_WEIGHTS = {
    1: (8, 10, 17, 35, 30),
    2: (6, 8, 14, 37, 35),
    3: (4, 5, 11, 38, 42),
    4: (3, 4, 8, 35, 50),
}
CES_WEIGHTS = (3, 4, 6, 10, 20, 30, 27)
NPS_WEIGHTS = (2, 1, 2, 3, 3, 5, 8, 14, 18, 22, 22)
ANSWER_SHARE = {SurveyKind.CSAT: 0.45, SurveyKind.CES: 0.3, SurveyKind.NPS: 0.35}
OPEN = {SurveyKind.CSAT: 7, SurveyKind.CES: 7, SurveyKind.NPS: 14}


def _digest() -> str:
    return hashlib.sha256(secrets.token_bytes(16)).hexdigest()


def _survey(
    rng: random.Random, kind: str, contact: Contact, at: datetime, now: datetime, rank: int = 1
) -> Survey:
    survey = Survey(
        kind=kind,
        contact=contact,
        token_digest=_digest(),
        created_at=at,
        send_at=at,
        sent_at=at,
        closes_at=at + timedelta(days=OPEN[kind]),
    )
    answered = at + timedelta(minutes=rng.randint(5, 60 * 48))
    if rng.random() < ANSWER_SHARE[SurveyKind(kind)] and answered < now:
        low, _ = SCALES[kind]
        weights = {
            SurveyKind.CSAT: CSAT_WEIGHTS[rank],
            SurveyKind.CES: CES_WEIGHTS,
            SurveyKind.NPS: NPS_WEIGHTS,
        }[SurveyKind(kind)]
        survey.score = low + rng.choices(range(len(weights)), weights=weights)[0]
        survey.answered_at = survey.updated_at = answered
    return survey


def load_demo_surveys(*, seed: int, now: datetime) -> int:
    """Surveys for every solve of the demo and one NPS per contact; returns how many."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    surveys: list[Survey] = []
    solves = (
        TicketEvent.objects.filter(kind=EventKind.STATUS_CHANGED, after=Status.SOLVED)
        .select_related("ticket__requester", "ticket__tier")
        .order_by("id")
    )
    for event in solves.iterator(chunk_size=2000):
        ticket = event.ticket
        for kind in (SurveyKind.CSAT, SurveyKind.CES):
            survey = _survey(rng, kind, ticket.requester, event.at, now, rank=ticket.tier.rank)
            survey.ticket, survey.trigger = ticket, event
            surveys.append(survey)
    for contact in Contact.objects.order_by("id"):
        at = now - timedelta(days=rng.randint(1, 80), minutes=rng.randint(0, 1440))
        surveys.append(_survey(rng, SurveyKind.NPS, contact, at, now))
    Survey.objects.bulk_create(surveys, batch_size=1000)
    _history(surveys)
    return len(surveys)


def _history(surveys: list[Survey]) -> None:
    events, lines = [], []
    for s in surveys:
        if s.ticket is not None:
            data = {"survey_id": s.pk, "survey_kind": s.kind}
            events.append(
                TicketEvent(ticket=s.ticket, kind=EventKind.SURVEY_SENT, at=s.sent_at, data=data)
            )
        if s.answered_at is None:
            continue
        high = SCALES[s.kind][1]
        if s.ticket is not None:
            events.append(
                TicketEvent(
                    ticket=s.ticket,
                    kind=EventKind.SURVEY_ANSWERED,
                    at=s.answered_at,
                    after=s.score,
                    data={"survey_id": s.pk, "survey_kind": s.kind, "comment": ""},
                )
            )
        lines.append(
            Interaction(
                organization_id=s.contact.organization_id,
                contact=s.contact,
                kind=InteractionKind.SURVEY_ANSWERED,
                summary=f"{s.contact.name} answered {s.kind.upper()} {s.score}/{high}",
                occurred_at=s.answered_at,
                ticket_id=s.ticket_id,
            )
        )
    TicketEvent.objects.bulk_create(events, batch_size=1000)
    Interaction.objects.bulk_create(lines, batch_size=1000)
