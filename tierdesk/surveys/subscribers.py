"""Subscribers of ticket events that create surveys (run after the change commits)."""

from tierdesk.surveys.models import SurveyKind
from tierdesk.surveys.services import create_ticket_surveys
from tierdesk.tickets.models import Status, TicketEvent


def on_status_changed(event: TicketEvent) -> None:
    """A solve asks the requester for CSAT and, where the rules say, CES."""
    if event.after == Status.SOLVED:
        create_ticket_surveys(event=event, kinds=(SurveyKind.CSAT, SurveyKind.CES), at=event.at)


def on_chat_ended(event: TicketEvent) -> None:
    """A finished chat asks the requester for CES, where the rules say."""
    create_ticket_surveys(event=event, kinds=(SurveyKind.CES,), at=event.at)
