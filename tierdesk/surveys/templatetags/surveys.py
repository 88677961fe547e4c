"""Tags for other apps' pages: a ticket's survey answers, a customer's open surveys."""

from typing import Any

from django import template
from django.utils import timezone

from tierdesk.surveys import selectors

register = template.Library()


@register.inclusion_tag("surveys/_ticket_answers.html", takes_context=True)
def ticket_survey_answers(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"answers": list(selectors.ticket_survey_answers(user=user, ticket=ticket))}


@register.inclusion_tag("surveys/_open_surveys.html", takes_context=True)
def open_surveys(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not user.is_authenticated:
        return {"surveys": []}
    return {"surveys": list(selectors.open_surveys_for(user, now=timezone.now())[:10])}
