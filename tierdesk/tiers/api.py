"""Tier and calendar endpoints: everyone signed in reads a tier's terms; managers read calendars
and versions; only admins change them."""

from datetime import date, datetime, time
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Status

from tierdesk.errors import NotFound
from tierdesk.schemas import In, Out
from tierdesk.sla.services import reapply_terms
from tierdesk.tiers import selectors, services
from tierdesk.tiers.models import BusinessCalendar, Metric, Tier
from tierdesk.tiers.services import ANSWER_TARGET_MAX, CustomDay, Hours

CUSTOMER_METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE)

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
    chat_answer_target_seconds: int | None
    attainment_goal_percent: int
    max_customer_priority: str
    pausing_statuses: dict[str, list[str]]
    coverage: list[CoverageOut]
    targets: list[TargetOut]

    @staticmethod
    def resolve_coverage(obj: Tier) -> list[object]:
        return list(obj.coverage.all())

    @staticmethod
    def resolve_targets(obj: Tier, context: dict[str, Any]) -> list[object]:
        targets = list(obj.targets.all())
        request = (context or {}).get("request")
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        if getattr(user, "is_agent", False):
            return targets
        # Customers see the response times their tier promises, never internal targets.
        return [t for t in targets if t.metric in CUSTOMER_METRICS]


class TierPatchIn(In):
    description: str | None = None
    support_scope: str | None = Field(default=None, max_length=120)
    routing_priority: int | None = Field(default=None, ge=0, le=1000)
    proactive_care: Literal["none", "limited", "proactive", "personalized"] | None = None
    account_manager_required: bool | None = None
    min_seniority: Literal[1, 2, 3] | None = None
    phone_answer_target_seconds: int | None = Field(default=None, ge=1, le=ANSWER_TARGET_MAX)
    chat_answer_target_seconds: int | None = Field(default=None, ge=1, le=ANSWER_TARGET_MAX)
    attainment_goal_percent: int | None = Field(default=None, ge=1, le=100)
    max_customer_priority: Literal["low", "normal", "high", "urgent"] | None = None


class TargetIn(In):
    priority: Literal["low", "normal", "high", "urgent"]
    metric: Literal["first_response", "next_response", "periodic_update", "resolution"]
    target_seconds: int = Field(gt=0, le=366 * 86400)
    business_time: bool = True
    warn_percent: int = Field(default=75, gt=0, lt=100)
    effective_from: datetime | None = None


class TierIn(In):
    name: str = Field(min_length=1, max_length=40)
    rank: int = Field(ge=1, le=1000)
    description: str = ""
    support_scope: str = Field(default="", max_length=120)
    routing_priority: int = Field(default=0, ge=0, le=1000)
    proactive_care: Literal["none", "limited", "proactive", "personalized"] = "none"
    account_manager_required: bool = False
    min_seniority: Literal[1, 2, 3] = 1
    phone_answer_target_seconds: int | None = Field(default=None, ge=1, le=ANSWER_TARGET_MAX)
    chat_answer_target_seconds: int | None = Field(default=None, ge=1, le=ANSWER_TARGET_MAX)
    attainment_goal_percent: int = Field(default=90, ge=1, le=100)
    max_customer_priority: Literal["low", "normal", "high", "urgent"] = "high"


class CoverageIn(In):
    calendar_id: int
    effective_from: datetime | None = None


class HoursOut(Out):
    weekday: int
    start: time
    end: time


class DayOut(Out):
    day: date
    start: time | None
    end: time | None
    note: str


class VersionOut(Out):
    number: int
    effective_from: datetime
    created_at: datetime
    created_by: str | None = Field(default=None, alias="created_by.username")


class VersionWithRulesOut(VersionOut):
    rules: dict[str, object]


class CalendarOut(Out):
    id: int
    name: str
    time_zone: str
    always_open: bool
    holiday_country: str
    holiday_subdivision: str
    hours: list[HoursOut]
    days: list[DayOut]
    versions: list[VersionOut]

    @staticmethod
    def resolve_hours(obj: BusinessCalendar) -> list[object]:
        return list(obj.hours.all())

    @staticmethod
    def resolve_days(obj: BusinessCalendar) -> list[object]:
        return list(obj.days.all())

    @staticmethod
    def resolve_versions(obj: BusinessCalendar) -> list[object]:
        return list(obj.versions.all())


class HoursIn(In):
    weekday: int
    start: time
    end: time


class ShiftIn(In):
    start: time
    end: time


class DayIn(In):
    day: date
    hours: list[ShiftIn] = Field(default_factory=list, description="none: closed all day")
    note: str = Field(default="", max_length=120)
    effective_from: datetime | None = None


class CalendarIn(In):
    name: str = Field(min_length=1, max_length=80)
    time_zone: str = Field(min_length=1, max_length=64)
    always_open: bool = False
    holiday_country: str = Field(default="", max_length=8)
    holiday_subdivision: str = Field(default="", max_length=16)
    hours: list[HoursIn] = Field(default_factory=list)
    days: list[DayIn] = Field(default_factory=list)


class HoursPutIn(In):
    hours: list[HoursIn]
    effective_from: datetime | None = None


class CalendarPatchIn(In):
    time_zone: str | None = Field(default=None, min_length=1, max_length=64)
    always_open: bool | None = None
    holiday_country: str | None = Field(default=None, max_length=8)
    holiday_subdivision: str | None = Field(default=None, max_length=16)
    effective_from: datetime | None = None


class PausingIn(In):
    pausing_statuses: dict[str, list[str]]
    effective_from: datetime | None = None


def _hours(rows: list[HoursIn]) -> list[Hours]:
    return [Hours(h.weekday, h.start, h.end) for h in rows]


def _day(row: DayIn) -> CustomDay:
    return CustomDay(row.day, tuple((s.start, s.end) for s in row.hours), row.note)


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
    return list(selectors.calendars_for(request.auth))


@router.post("/calendars", response={201: CalendarOut})
def create_calendar(request: HttpRequest, body: CalendarIn) -> Status[object]:
    calendar = services.create_calendar(
        actor=request.auth,
        name=body.name,
        time_zone=body.time_zone,
        always_open=body.always_open,
        holiday_country=body.holiday_country,
        holiday_subdivision=body.holiday_subdivision,
        hours=_hours(body.hours),
        days=[_day(d) for d in body.days],
    )
    return Status(201, selectors.calendar_for(request.auth, calendar.pk))


@router.get("/calendars/{calendar_id}", response=CalendarOut)
def get_calendar(request: HttpRequest, calendar_id: int) -> object:
    return selectors.calendar_for(request.auth, calendar_id)


@router.patch("/calendars/{calendar_id}", response=CalendarOut)
def edit_calendar(request: HttpRequest, calendar_id: int, body: CalendarPatchIn) -> object:
    """Time zone, 24/7 and holidays; a new version in force from effective_from (now)."""
    services.edit_calendar(
        actor=request.auth,
        calendar=selectors.calendar_for(request.auth, calendar_id),
        **body.dict(exclude_unset=True),
    )
    return selectors.calendar_for(request.auth, calendar_id)


@router.put("/calendars/{calendar_id}/hours", response=CalendarOut)
def set_hours(request: HttpRequest, calendar_id: int, body: HoursPutIn) -> object:
    """Replace the weekly hours (overlapping ones are stored merged) as a new version."""
    services.edit_calendar(
        actor=request.auth,
        calendar=selectors.calendar_for(request.auth, calendar_id),
        hours=_hours(body.hours),
        effective_from=body.effective_from,
    )
    return selectors.calendar_for(request.auth, calendar_id)


@router.post("/calendars/{calendar_id}/days", response={201: CalendarOut})
def set_custom_day(request: HttpRequest, calendar_id: int, body: DayIn) -> Status[object]:
    """Add or replace a custom day: closed (no hours) or open only in its hours."""
    services.set_custom_day(
        actor=request.auth,
        calendar=selectors.calendar_for(request.auth, calendar_id),
        day=_day(body),
        effective_from=body.effective_from,
    )
    return Status(201, selectors.calendar_for(request.auth, calendar_id))


@router.delete("/calendars/{calendar_id}/days/{day}", response=CalendarOut)
def remove_custom_day(
    request: HttpRequest, calendar_id: int, day: date, effective_from: datetime | None = None
) -> object:
    services.remove_custom_day(
        actor=request.auth,
        calendar=selectors.calendar_for(request.auth, calendar_id),
        day=day,
        effective_from=effective_from,
    )
    return selectors.calendar_for(request.auth, calendar_id)


@router.get("/calendars/{calendar_id}/versions", response=list[VersionWithRulesOut])
def calendar_versions(request: HttpRequest, calendar_id: int) -> object:
    return list(selectors.calendar_versions(request.auth, calendar_id).select_related("created_by"))


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
    tier = _tier(tier_id)
    services.set_coverage(
        actor=request.auth,
        tier=tier,
        channel=channel,
        calendar=selectors.calendar_for(request.auth, body.calendar_id),
        effective_from=body.effective_from,
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


@router.put("/{tier_id}/pausing-statuses", response=TierOut)
def set_pausing_statuses(request: HttpRequest, tier_id: int, body: PausingIn) -> object:
    """Which waiting statuses pause each metric, as a new policy version."""
    services.set_pausing_statuses(
        actor=request.auth,
        tier=_tier(tier_id),
        mapping=body.pausing_statuses,
        effective_from=body.effective_from,
    )
    return _tier(tier_id)


@router.get("/{tier_id}/policy-versions", response=list[VersionWithRulesOut])
def policy_versions(request: HttpRequest, tier_id: int) -> object:
    return list(selectors.policy_versions(request.auth, tier_id).select_related("created_by"))
