"""Writes for surveys: who is asked after a trigger, sending, answering, opting out, rules.

Every change and its ticket event (survey_sent, survey_answered) commit together; the
email is an outbox row written in the same transaction.
"""

import hashlib
import html
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

import nh3
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from tierdesk.accounts.models import Role, User
from tierdesk.customers.models import Contact, InteractionKind
from tierdesk.customers.services import record_interaction
from tierdesk.errors import Conflict, Invalid, NotAllowed
from tierdesk.surveys.emails import queue_survey_email
from tierdesk.surveys.models import SCALES, Survey, SurveyKind, SurveyRule
from tierdesk.tickets.models import EventKind, Ticket, TicketEvent
from tierdesk.tickets.services import record_event
from tierdesk.tiers.models import Channel, Tier

COMMENT_MAX_CHARS = 2000
# The order questions appear in one email and on one page.
KIND_ORDER = (SurveyKind.CSAT, SurveyKind.CES, SurveyKind.NPS)
# Contacts asked per NPS wave at most; the next day's wave takes the rest.
NPS_WAVE_LIMIT = 5000


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def applicable_rule(*, kind: str, tier_id: int, channel: str) -> SurveyRule | None:
    """The most specific rule for this kind, tier and channel (tier and channel, then tier,
    then channel, then neither); None when no rule covers them."""
    rules = SurveyRule.objects.filter(
        Q(tier_id=tier_id) | Q(tier__isnull=True),
        Q(channel=channel) | Q(channel__isnull=True),
        kind=kind,
    )
    return max(rules, key=lambda r: (r.tier_id is not None, r.channel is not None), default=None)


def _asked_recently(*, contact_id: int, kind: str, days: int, at: datetime) -> bool:
    if days == 0:
        return False
    return Survey.objects.filter(
        contact_id=contact_id, kind=kind, created_at__gt=at - timedelta(days=days)
    ).exists()


@transaction.atomic
def create_ticket_surveys(
    *, event: TicketEvent, kinds: tuple[str, ...], at: datetime
) -> list[Survey]:
    """The surveys a solve or a chat's end asks of the ticket's requester, by the rules.

    One survey of a kind per trigger event (a reopened ticket solved again is a new
    trigger; the rule's days between surveys decide whether it is asked again).
    """
    ticket = Ticket.objects.select_related("requester").get(pk=event.ticket_id)
    contact = ticket.requester
    if contact.survey_opt_out_at is not None:
        return []
    created = []
    for kind in kinds:
        rule = applicable_rule(kind=kind, tier_id=ticket.tier_id, channel=ticket.channel)
        if rule is None or not rule.enabled:
            continue
        if Survey.objects.filter(trigger=event, kind=kind).exists():
            continue  # the event was delivered twice
        if _asked_recently(contact_id=contact.pk, kind=kind, days=rule.min_days_between, at=at):
            continue
        send_at = at + timedelta(minutes=rule.delay_minutes)
        created.append(
            Survey.objects.create(
                kind=kind,
                contact=contact,
                ticket=ticket,
                trigger=event,
                created_at=at,
                send_at=send_at,
                closes_at=send_at + timedelta(days=rule.open_days),
            )
        )
    if created:
        _schedule_send(created)
    return created


def _schedule_send(surveys: list[Survey]) -> None:
    from tierdesk.surveys.tasks import send_surveys

    send_at = min(s.send_at for s in surveys)
    ids = [s.pk for s in surveys]
    send_surveys.using(run_after=send_at).enqueue(survey_ids=ids)


@transaction.atomic
def send_surveys(*, survey_ids: list[int], at: datetime) -> str | None:
    """Send surveys created together in one email (CSAT and CES of one solve share a page);
    returns the link's token, or None when there is nothing to send.

    Sent once: surveys already sent are skipped. A contact who opted out meanwhile gets
    nothing, and the surveys stay unsent.
    """
    surveys = sorted(
        Survey.objects.select_for_update(of=("self",))
        .filter(pk__in=survey_ids, sent_at__isnull=True)
        .select_related("contact", "ticket"),
        key=lambda s: KIND_ORDER.index(SurveyKind(s.kind)),
    )
    if not surveys or surveys[0].contact.survey_opt_out_at is not None:
        return None
    tokens = []
    for survey in surveys:
        token = secrets.token_urlsafe(32)
        tokens.append(token)
        survey.closes_at = at + (survey.closes_at - survey.send_at)
        survey.sent_at, survey.token_digest = at, token_digest(token)
        survey.save(update_fields=["closes_at", "sent_at", "token_digest"])
        if survey.ticket is not None:
            record_event(
                ticket=survey.ticket,
                kind=EventKind.SURVEY_SENT,
                actor=None,
                at=at,
                survey_id=survey.pk,
                survey_kind=survey.kind,
            )
    queue_survey_email(surveys=surveys, token=tokens[0], at=at)
    return tokens[0]


def _clean_comment(comment: str) -> str:
    # Plain text: markup is removed, not kept escaped; pages escape it when they show it.
    text = html.unescape(nh3.clean(comment, tags=set())).strip()
    if len(text) > COMMENT_MAX_CHARS:
        raise Invalid(
            f"The comment is {len(text)} characters long; the limit is {COMMENT_MAX_CHARS}.",
            fields={"comment": f"at most {COMMENT_MAX_CHARS} characters"},
        )
    return text


def _check_score(survey: Survey, score: int, field: str) -> None:
    low, high = SCALES[survey.kind]
    if not low <= score <= high:
        raise Invalid(f"Choose a score from {low} to {high}.", fields={field: f"{low} to {high}"})


@transaction.atomic
def answer_surveys(
    *,
    surveys: list[Survey],
    scores: Mapping[int, int | None],
    comment: str,
    at: datetime,
) -> list[Survey]:
    """Answer the surveys of one page: the first is required, the others optional.

    The first answer sets ``answered_at`` (the KPIs' anchor); a later one changes the score
    and comment and sets ``updated_at``, until ``closes_at``. The comment belongs to the
    first survey. A rejected answer writes nothing.
    """
    lead = surveys[0]
    if at >= lead.closes_at:
        raise Conflict("This survey has closed.", code="survey_closed")
    if scores.get(lead.pk) is None:
        raise Invalid("Choose a score.", fields={f"score_{lead.pk}": "required"})
    text = _clean_comment(comment)
    for survey in surveys:
        score = scores.get(survey.pk)
        if score is not None:
            _check_score(survey, score, f"score_{survey.pk}")
    answered = []
    for survey in surveys:
        score = scores.get(survey.pk)
        if score is None or at >= survey.closes_at:
            continue
        answered.append(
            _answer(survey, score=score, comment=text if survey is lead else survey.comment, at=at)
        )
    return answered


def _answer(survey: Survey, *, score: int, comment: str, at: datetime) -> Survey:
    locked = (
        Survey.objects.select_for_update(of=("self",))
        .select_related("contact", "ticket")
        .get(pk=survey.pk)
    )
    before = locked.score
    if before == score and locked.comment == comment:
        return locked
    first = locked.answered_at is None
    locked.score, locked.comment, locked.updated_at = score, comment, at
    if first:
        locked.answered_at = at
    locked.save(update_fields=["score", "comment", "updated_at", "answered_at"])
    if locked.ticket is not None:
        record_event(
            ticket=locked.ticket,
            kind=EventKind.SURVEY_ANSWERED,
            actor=None,
            at=at,
            before=before,
            after=score,
            survey_id=locked.pk,
            survey_kind=locked.kind,
            comment=comment,
        )
    low, high = SCALES[locked.kind]
    verb = "answered" if first else "changed the answer to"
    summary = f"{locked.contact.name} {verb} {locked.kind.upper()} {score}/{high}"
    record_interaction(
        organization_id=locked.contact.organization_id,
        contact_id=locked.contact_id,
        kind=InteractionKind.SURVEY_ANSWERED,
        summary=f"{summary}: {comment}" if comment else summary,
        at=at,
        ticket_id=locked.ticket_id,
    )
    return locked


@transaction.atomic
def set_opt_out(*, actor: User | None, contact: Contact, opted_out: bool, at: datetime) -> Contact:
    """Stop (or, for the contact themself, resume) surveys to a contact.

    Staff may record a contact's wish to opt out; only the contact may opt back in.
    ``actor`` None is the contact following the link in a survey email.
    """
    own = actor is None or getattr(actor, "contact", None) == contact
    if actor is not None and not own and not actor.is_agent:
        raise NotAllowed("Customers can change only their own survey choice.")
    if not opted_out and not own:
        raise NotAllowed("Only the contact can ask to receive surveys again.")
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if opted_out == (locked.survey_opt_out_at is not None):
        return locked
    locked.survey_opt_out_at = at if opted_out else None
    locked.save(update_fields=["survey_opt_out_at"])
    return locked


def _require_manager(actor: User) -> None:
    if actor.role not in (Role.ADMIN, Role.MANAGER):
        raise NotAllowed("Only managers and admins change survey rules.")


def _rule_fields(fields: Mapping[str, object]) -> None:
    if fields.get("kind") is not None and fields["kind"] not in SurveyKind.values:
        raise Invalid(
            f"Unknown survey kind {fields['kind']!r}.",
            fields={"kind": f"one of {', '.join(SurveyKind.values)}"},
        )
    if fields.get("channel") is not None and fields["channel"] not in Channel.values:
        raise Invalid(
            f"Unknown channel {fields['channel']!r}.",
            fields={"channel": f"one of {', '.join(Channel.values)}"},
        )
    if fields.get("open_days") is not None and int(str(fields["open_days"])) < 1:
        raise Invalid("A survey stays open at least one day.", fields={"open_days": "at least 1"})


def _save_rule(rule: SurveyRule) -> SurveyRule:
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise Conflict(
            "A rule for this kind, tier and channel exists already; change that one.",
            code="duplicate",
            fields={"channel": "taken for this kind and tier"},
        ) from None
    return rule


@transaction.atomic
def create_rule(
    *,
    actor: User,
    kind: str,
    tier: Tier | None,
    channel: str | None,
    enabled: bool = True,
    min_days_between: int = 0,
    delay_minutes: int = 0,
    open_days: int = 7,
) -> SurveyRule:
    _require_manager(actor)
    _rule_fields({"kind": kind, "channel": channel, "open_days": open_days})
    return _save_rule(
        SurveyRule(
            kind=kind,
            tier=tier,
            channel=channel,
            enabled=enabled,
            min_days_between=min_days_between,
            delay_minutes=delay_minutes,
            open_days=open_days,
        )
    )


RULE_FIELDS = ("enabled", "min_days_between", "delay_minutes", "open_days")


@transaction.atomic
def change_rule(*, actor: User, rule: SurveyRule, changes: Mapping[str, object]) -> SurveyRule:
    """Change what a rule decides; its scope (kind, tier, channel) is a new rule."""
    _require_manager(actor)
    _rule_fields(changes)
    for name, value in changes.items():
        if name in RULE_FIELDS and value is not None:
            setattr(rule, name, value)
    return _save_rule(rule)


@transaction.atomic
def delete_rule(*, actor: User, rule: SurveyRule) -> None:
    _require_manager(actor)
    rule.delete()


@transaction.atomic
def start_nps_wave(*, at: datetime, limit: int = NPS_WAVE_LIMIT) -> list[int]:
    """Create the NPS surveys due: every contact not opted out whose last NPS survey is
    older than its rule's days (by the organization's tier; NPS goes by email). Returns
    the new surveys' ids, to send one by one."""
    created: list[Survey] = []
    for tier_id in Tier.objects.values_list("pk", flat=True).order_by("pk"):
        rule = applicable_rule(kind=SurveyKind.NPS, tier_id=tier_id, channel=Channel.EMAIL)
        if rule is None or not rule.enabled or len(created) >= limit:
            continue
        recent = Survey.objects.filter(
            contact=OuterRef("pk"),
            kind=SurveyKind.NPS,
            created_at__gt=at - timedelta(days=rule.min_days_between),
        )
        due = (
            Contact.objects.filter(organization__tier_id=tier_id, survey_opt_out_at__isnull=True)
            .exclude(Exists(recent))
            .order_by("pk")
            .values_list("pk", flat=True)[: limit - len(created)]
        )
        send_at = at + timedelta(minutes=rule.delay_minutes)
        created += Survey.objects.bulk_create(
            Survey(
                kind=SurveyKind.NPS,
                contact_id=contact_id,
                created_at=at,
                send_at=send_at,
                closes_at=send_at + timedelta(days=rule.open_days),
            )
            for contact_id in due
        )
    from tierdesk.surveys.tasks import send_surveys

    for survey in created:
        send_surveys.using(run_after=survey.send_at).enqueue(survey_ids=[survey.pk])
    return [s.pk for s in created]
