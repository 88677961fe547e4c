"""Survey endpoints: the staff list, the rules (managers and admins), a contact's opt-out."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tierdesk.customers.selectors import contact_for
from tierdesk.errors import NotFound
from tierdesk.schemas import In, Out
from tierdesk.surveys import selectors, services
from tierdesk.surveys.models import SurveyKind
from tierdesk.tiers.models import Channel, Tier

router = Router(tags=["surveys"])


class SurveyOut(Out):
    id: int
    kind: SurveyKind
    contact_id: int
    ticket_id: int | None
    sent_at: datetime | None
    closes_at: datetime
    answered_at: datetime | None
    updated_at: datetime | None
    score: int | None
    comment: str


class SurveyFilters(In):
    kind: SurveyKind | None = None
    ticket: int | None = None
    contact: int | None = None
    answered: bool | None = None


class RuleOut(Out):
    id: int
    kind: SurveyKind
    tier_id: int | None
    channel: Channel | None
    enabled: bool
    min_days_between: int
    delay_minutes: int
    open_days: int


class RuleIn(In):
    kind: SurveyKind
    tier_id: int | None = None
    channel: Channel | None = None
    enabled: bool = True
    min_days_between: int = Field(default=0, ge=0, le=3650)
    delay_minutes: int = Field(default=0, ge=0, le=43_200)
    open_days: int = Field(default=7, ge=1, le=365)


class RulePatchIn(In):
    enabled: bool | None = None
    min_days_between: int | None = Field(default=None, ge=0, le=3650)
    delay_minutes: int | None = Field(default=None, ge=0, le=43_200)
    open_days: int | None = Field(default=None, ge=1, le=365)


class OptOutIn(In):
    opted_out: bool = True


class OptOutOut(Out):
    contact_id: int = Field(alias="id")
    survey_opt_out_at: datetime | None


@router.get("/surveys", response=list[SurveyOut])
@paginate(LimitOffsetPagination)
def list_surveys(request: HttpRequest, filters: Query[SurveyFilters]) -> object:
    return selectors.survey_list(
        user=request.auth,
        kind=filters.kind,
        ticket_id=filters.ticket,
        contact_id=filters.contact,
        answered=filters.answered,
    )


@router.get("/surveys/rules", response=list[RuleOut])
def list_rules(request: HttpRequest) -> object:
    return selectors.rules_visible_to(request.auth)


def _tier(tier_id: int | None) -> Tier | None:
    if tier_id is None:
        return None
    tier = Tier.objects.filter(pk=tier_id).first()
    if tier is None:
        raise NotFound(f"No tier {tier_id}.")
    return tier


@router.post("/surveys/rules", response={201: RuleOut})
def create_rule(request: HttpRequest, body: RuleIn) -> Status[object]:
    return Status(
        201,
        services.create_rule(
            actor=request.auth,
            kind=body.kind,
            tier=_tier(body.tier_id),
            channel=body.channel,
            enabled=body.enabled,
            min_days_between=body.min_days_between,
            delay_minutes=body.delay_minutes,
            open_days=body.open_days,
        ),
    )


@router.patch("/surveys/rules/{rule_id}", response=RuleOut)
def change_rule(request: HttpRequest, rule_id: int, body: RulePatchIn) -> object:
    rule = selectors.rule_for(request.auth, rule_id)
    return services.change_rule(
        actor=request.auth, rule=rule, changes=body.model_dump(exclude_unset=True)
    )


@router.delete("/surveys/rules/{rule_id}", response={204: None})
def delete_rule(request: HttpRequest, rule_id: int) -> Status[None]:
    services.delete_rule(actor=request.auth, rule=selectors.rule_for(request.auth, rule_id))
    return Status(204, None)


@router.post("/contacts/{contact_id}/survey-opt-out", response=OptOutOut)
def survey_opt_out(request: HttpRequest, contact_id: int, body: OptOutIn) -> object:
    """Record that a contact wants no more surveys (staff or the contact), or, for the
    contact themself only, that they accept them again."""
    contact = contact_for(request.auth, contact_id)
    return services.set_opt_out(
        actor=request.auth, contact=contact, opted_out=body.opted_out, at=timezone.now()
    )
