"""Reads for surveys, each starting from what the user may see."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from tierdesk.accounts.models import User
from tierdesk.errors import NotAllowed, NotFound
from tierdesk.surveys.models import Survey, SurveyKind, SurveyRule
from tierdesk.surveys.services import token_digest
from tierdesk.tickets.models import Ticket


def _require_staff(user: User) -> None:
    if not user.is_agent:
        raise NotAllowed("Surveys are for the support team; customers see their own in the portal.")


def surveys_visible_to(user: User) -> QuerySet[Survey]:
    """Staff see every survey; customers none here (their own are in open_surveys_for)."""
    _require_staff(user)
    return Survey.objects.select_related("contact", "ticket")


def survey_list(
    *,
    user: User,
    kind: str | None = None,
    ticket_id: int | None = None,
    contact_id: int | None = None,
    answered: bool | None = None,
) -> QuerySet[Survey]:
    surveys = surveys_visible_to(user).filter(sent_at__isnull=False)
    if kind is not None:
        surveys = surveys.filter(kind=kind)
    if ticket_id is not None:
        surveys = surveys.filter(ticket_id=ticket_id)
    if contact_id is not None:
        surveys = surveys.filter(contact_id=contact_id)
    if answered is not None:
        surveys = surveys.filter(answered_at__isnull=not answered)
    return surveys.order_by("-sent_at", "-id")


def survey_by_token(token: str) -> Survey:
    """The survey a link opens; NotFound for an unknown token (closed ones are found)."""
    survey = (
        Survey.objects.select_related("contact", "ticket")
        .filter(token_digest=token_digest(token), sent_at__isnull=False)
        .first()
    )
    if survey is None:
        raise NotFound("This survey link is not known. Check that the whole link was copied.")
    return survey


def own_survey(user: User, survey_id: int) -> Survey:
    """A signed-in customer's own sent survey; NotFound for anyone else's."""
    survey = (
        Survey.objects.select_related("contact", "ticket")
        .filter(pk=survey_id, contact__user=user, sent_at__isnull=False)
        .first()
    )
    if survey is None or user.is_agent:
        raise NotFound(f"No survey {survey_id}.")
    return survey


def survey_page(survey: Survey) -> list[Survey]:
    """The surveys asked together with this one (CSAT and CES of one solve), it first."""
    if survey.trigger_id is None:
        return [survey]
    others = (
        Survey.objects.select_related("contact", "ticket")
        .filter(trigger_id=survey.trigger_id, contact_id=survey.contact_id, sent_at__isnull=False)
        .exclude(pk=survey.pk)
        .order_by("id")
    )
    return [survey, *others]


def open_surveys_for(user: User, *, now: datetime) -> QuerySet[Survey]:
    """A customer's own surveys still open (answered or not), newest first; one per page
    (a CES asked with a CSAT is on the CSAT's page)."""
    if user.is_agent:
        return Survey.objects.none()
    with_csat = Survey.objects.filter(
        trigger=OuterRef("trigger"), kind=SurveyKind.CSAT, sent_at__isnull=False
    )
    return (
        Survey.objects.select_related("ticket")
        .filter(contact__user=user, sent_at__isnull=False, closes_at__gt=now)
        .exclude(Q(kind=SurveyKind.CES, trigger__isnull=False) & Exists(with_csat))
        .order_by("-sent_at", "-id")
    )


def ticket_survey_answers(*, user: User, ticket: Ticket) -> QuerySet[Survey]:
    """The answered surveys of a ticket, for staff reading it."""
    if not user.is_agent:
        return Survey.objects.none()
    return Survey.objects.filter(ticket=ticket, answered_at__isnull=False).order_by("answered_at")


def rules_visible_to(user: User) -> QuerySet[SurveyRule]:
    _require_staff(user)
    return SurveyRule.objects.select_related("tier")


def rule_for(user: User, rule_id: int) -> SurveyRule:
    rule = rules_visible_to(user).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(f"No survey rule {rule_id}.")
    return rule
