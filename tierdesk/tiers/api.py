"""Tier endpoints: everyone signed in reads the terms; only admins change them."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Status

from tierdesk.errors import NotFound
from tierdesk.schemas import In, Out
from tierdesk.sla.services import reapply_terms
from tierdesk.tiers import selectors, services
from tierdesk.tiers.models import BusinessCalendar, Tier

router = Router(tags=["tiers"])


class CoverageOut(Out):
    channel: str
    calendar: str = Field(alias="calendar.name")
    time_zone: str = Field(alias="calendar.time_zone")
    always_open: bool = Field(alias="calendar.always_open")


class TargetOut(Out):
    priority: str
    metric: str
    target_seconds: int
    business_time: bool
    warn_percent: int


class TierOut(Out):
    id: int
    name: str
    rank: int
    routing_priority: int
    description: str
    support_scope: str
    proactive_care: str
    account_manager_required: bool
    min_seniority: int
    phone_answer_target_seconds: int | None
    coverage: list[CoverageOut]
    targets: list[TargetOut]

    @staticmethod
    def resolve_coverage(obj: Tier) -> list[object]:
        return list(obj.coverage.all())

    @staticmethod
    def resolve_targets(obj: Tier) -> list[object]:
        return list(obj.targets.all())


class TierPatchIn(In):
    description: str | None = None
    support_scope: str | None = Field(default=None, max_length=120)
    routing_priority: int | None = Field(default=None, ge=0, le=1000)
    proactive_care: Literal["none", "limited", "proactive", "personalized"] | None = None
    account_manager_required: bool | None = None
    min_seniority: Literal[1, 2, 3] | None = None
    phone_answer_target_seconds: int | None = Field(default=None, ge=1)


class TargetIn(In):
    priority: Literal["low", "normal", "high", "urgent"]
    metric: Literal["first_response", "next_response", "periodic_update", "resolution"]
    target_seconds: int = Field(gt=0, le=366 * 86400)
    business_time: bool = True
    warn_percent: int = Field(default=75, gt=0, lt=100)


class TierIn(In):
    name: str = Field(min_length=1, max_length=40)
    rank: int = Field(ge=1, le=1000)
    description: str = ""
    support_scope: str = Field(default="", max_length=120)
    routing_priority: int = Field(default=0, ge=0, le=1000)
    proactive_care: Literal["none", "limited", "proactive", "personalized"] = "none"
    account_manager_required: bool = False
    min_seniority: Literal[1, 2, 3] = 1
    phone_answer_target_seconds: int | None = Field(default=None, ge=1)


class CoverageIn(In):
    calendar_id: int


class CalendarOut(Out):
    id: int
    name: str
    time_zone: str
    always_open: bool
    holiday_country: str
    holiday_subdivision: str


ChannelName = Literal["email", "web", "chat", "phone", "api"]
PriorityName = Literal["low", "normal", "high", "urgent"]
MetricName = Literal["first_response", "next_response", "periodic_update", "resolution"]


def _tier(tier_id: int) -> Tier:
    tier = selectors.tiers_with_terms().filter(pk=tier_id).first()
    if tier is None:
        raise NotFound(f"No tier {tier_id}.")
    return tier


@router.get("", response=list[TierOut])
def list_tiers(request: HttpRequest) -> object:
    return list(selectors.tiers_with_terms())


@router.post("", response={201: TierOut})
def create_tier(request: HttpRequest, body: TierIn) -> Status[object]:
    fields = body.dict(exclude={"name", "rank"})
    tier = services.create_tier(actor=request.auth, name=body.name, rank=body.rank, fields=fields)
    return Status(201, _tier(tier.pk))


@router.get("/calendars", response=list[CalendarOut])
def list_calendars(request: HttpRequest) -> object:
    return list(BusinessCalendar.objects.order_by("name"))


@router.get("/{tier_id}", response=TierOut)
def get_tier(request: HttpRequest, tier_id: int) -> object:
    return _tier(tier_id)


@router.patch("/{tier_id}", response=TierOut)
def update_tier(request: HttpRequest, tier_id: int, body: TierPatchIn) -> object:
    services.update_tier(
        actor=request.auth, tier=_tier(tier_id), changes=body.dict(exclude_unset=True)
    )
    return _tier(tier_id)


@router.put("/{tier_id}/targets", response=TierOut)
def set_target(request: HttpRequest, tier_id: int, body: TargetIn) -> object:
    services.set_target(actor=request.auth, tier=_tier(tier_id), **body.dict())
    return _tier(tier_id)


class ReapplyOut(Out):
    tickets: int


@router.delete("/{tier_id}/targets/{priority}/{metric}", response=TierOut)
def remove_target(
    request: HttpRequest, tier_id: int, priority: PriorityName, metric: MetricName
) -> object:
    services.remove_target(
        actor=request.auth, tier=_tier(tier_id), priority=priority, metric=metric
    )
    return _tier(tier_id)


@router.put("/{tier_id}/coverage/{channel}", response=TierOut)
def set_coverage(
    request: HttpRequest, tier_id: int, channel: ChannelName, body: CoverageIn
) -> object:
    calendar = BusinessCalendar.objects.filter(pk=body.calendar_id).first()
    if calendar is None:
        raise NotFound(f"No calendar {body.calendar_id}.")
    services.set_coverage(
        actor=request.auth, tier=_tier(tier_id), channel=channel, calendar=calendar
    )
    return _tier(tier_id)


@router.delete("/{tier_id}/coverage/{channel}", response=TierOut)
def remove_coverage(request: HttpRequest, tier_id: int, channel: ChannelName) -> object:
    services.remove_coverage(actor=request.auth, tier=_tier(tier_id), channel=channel)
    return _tier(tier_id)


@router.post("/{tier_id}/reapply", response=ReapplyOut)
def reapply(request: HttpRequest, tier_id: int) -> dict[str, int]:
    """Put the tier's open tickets on its current targets (edits otherwise apply to new clocks)."""
    return {"tickets": reapply_terms(actor=request.auth, tier=_tier(tier_id))}
