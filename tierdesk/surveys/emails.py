"""The survey email: one question or two, the link, when it closes, and how to opt out."""

from datetime import datetime
from email.utils import formataddr

from django.conf import settings

from tierdesk.mail.models import OutboundEmail, OutboundKind
from tierdesk.mail.outbox import queue_email
from tierdesk.surveys.models import Survey, SurveyKind

QUESTIONS = {
    SurveyKind.CSAT: "How satisfied are you with the help you received? (1 to 5)",
    SurveyKind.NPS: "How likely are you to recommend us to a friend or colleague? (0 to 10)",
    SurveyKind.CES: "How easy was it to get your issue handled? (1 to 7)",
}


def survey_link(token: str) -> str:
    return f"{settings.TIERDESK_PUBLIC_URL}/survey/{token}/"


def _subject(lead: Survey) -> str:
    if lead.kind == SurveyKind.NPS:
        return "Would you recommend us? One question"
    assert lead.ticket is not None
    return f"How did we do? {lead.ticket.subject} [#{lead.ticket_id}]"


def queue_survey_email(*, surveys: list[Survey], token: str, at: datetime) -> OutboundEmail:
    """Queue the email for surveys sent together; ``token`` opens the first one's page."""
    lead = surveys[0]
    contact = lead.contact
    about = f" about ticket #{lead.ticket_id}, {lead.ticket.subject}" if lead.ticket else ""
    questions = "\n".join(f"  - {QUESTIONS[SurveyKind(s.kind)]}" for s in surveys)
    link = survey_link(token)
    text = (
        f"Hello {contact.name},\n\n"
        f"We would like your opinion{about}:\n{questions}\n\n"
        f"Answer here (one click, no login): {link}\n\n"
        f"You can change your answer until {lead.closes_at:%d %B %Y %H:%M} UTC.\n\n"
        f"-- \nNo more surveys from us: {link}opt-out"
    )
    return queue_email(
        to=formataddr((contact.name, contact.email)),
        subject=_subject(lead),
        text=text,
        at=at,
        ticket=lead.ticket,
        kind=OutboundKind.SURVEY,
    )
