"""What a customer's plan gives them: channels with hours, response times, account manager.

Read from the tier policy and calendar versions in force now. Customers see the response
times their tier promises (first and next response per priority) and never resolution
targets, warning shares or clocks.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from tierdesk.accounts.models import User
from tierdesk.customers.models import Contact
from tierdesk.errors import NotFound
from tierdesk.tiers.coverage import ChannelHours, Opening, channel_hours, describe_hours, openings
from tierdesk.tiers.models import Channel, Metric, Priority, Tier
from tierdesk.tiers.terms import policy_in_force

WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class HoursGroup:
    """Channels staffed on one calendar: its hours, whether open now, the week ahead."""

    channels: tuple[ChannelHours, ...]
    description: str
    open_now: bool
    always_open: bool
    opens_at: datetime
    week: tuple[Opening, ...]


@dataclass(frozen=True, slots=True)
class ResponseTime:
    priority: str
    first_response: str
    next_response: str


@dataclass(frozen=True, slots=True)
class Plan:
    tier: Tier
    organization_name: str
    groups: tuple[HoursGroup, ...]
    response_times: tuple[ResponseTime, ...]
    account_manager: User | None
    zone: tzinfo
    at: datetime


def customer_plan(*, user: User, at: datetime, tz: tzinfo) -> Plan:
    """The plan of the signed-in customer's organization; hours shown in ``tz``."""
    contact: Contact | None = getattr(user, "contact", None)
    if contact is None:
        raise NotFound("Plans are shown to customers; this login has no customer contact.")
    organization = contact.organization
    tier = organization.tier
    hours = [h for h in channel_hours(tier_id=tier.pk, at=at) if h.channel != Channel.API]
    return Plan(
        tier=tier,
        organization_name=organization.name,
        groups=tuple(_groups(hours, at=at, tz=tz)),
        response_times=tuple(_response_times(tier.pk, at)),
        account_manager=organization.account_manager,
        zone=tz,
        at=at,
    )


def _groups(hours: list[ChannelHours], *, at: datetime, tz: tzinfo) -> list[HoursGroup]:
    by_version: dict[int, list[ChannelHours]] = {}
    for h in hours:
        by_version.setdefault(h.calendar_version_id, []).append(h)
    groups = []
    for channels in by_version.values():
        calendar = channels[0].calendar
        week = ()
        if not calendar.always_open:
            days = openings(calendar, start=at.astimezone(tz).date(), days=WEEK_DAYS, tz=tz)
            week = tuple(o for o in days if o.end > at)  # today's finished hours are gone
        groups.append(
            HoursGroup(
                channels=tuple(channels),
                description=describe_hours(calendar),
                open_now=channels[0].open_now,
                always_open=calendar.always_open,
                opens_at=channels[0].opens_at.astimezone(tz),
                week=week,
            )
        )
    return groups


def _response_times(tier_id: int, at: datetime) -> list[ResponseTime]:
    targets = policy_in_force(tier_id=tier_id, at=at).rules["targets"]
    rows = []
    for priority in Priority:
        promised = targets.get(priority.value, {})
        first = promised.get(Metric.FIRST_RESPONSE)
        following = promised.get(Metric.NEXT_RESPONSE)
        if first is None and following is None:
            continue
        rows.append(
            ResponseTime(
                priority=str(priority.label),
                first_response=_promise(first),
                next_response=_promise(following),
            )
        )
    return rows


def _promise(target: dict[str, object] | None) -> str:
    if target is None:
        return "—"
    text = duration_text(timedelta(seconds=int(str(target["target_seconds"]))))
    return f"{text} (business hours)" if target["business_time"] else f"{text}, around the clock"


def duration_text(span: timedelta) -> str:
    """'48 hours', '1 hour 30 minutes', '15 minutes', '45 seconds'."""
    seconds = int(span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        f"{n} {unit}{'s' if n != 1 else ''}"
        for n, unit in ((hours, "hour"), (minutes, "minute"), (seconds, "second"))
        if n
    ]
    return " ".join(parts) or "0 seconds"
