"""Writes for workforce planning: agent status changes and rosters."""

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils import timezone

from tierdesk.accounts.models import User
from tierdesk.errors import Conflict, Invalid
from tierdesk.workforce.access import require_planner, require_status_setter
from tierdesk.workforce.models import AgentStatus, AgentStatusEvent, Roster, RosterShift


@transaction.atomic
def set_agent_status(
    *, actor: User, agent: User, status: str, at: datetime | None = None
) -> AgentStatusEvent:
    """Record that `agent` is in `status` from `at` (now by default) on."""
    require_status_setter(actor=actor, agent=agent)
    if status not in AgentStatus.values:
        raise Invalid(
            f"Unknown status {status!r}; use one of {', '.join(AgentStatus.values)}.",
            fields={"status": f"one of {', '.join(AgentStatus.values)}"},
        )
    if not agent.is_agent:
        raise Invalid("Only agents have a status on the floor.", fields={"agent": "not an agent"})
    return AgentStatusEvent.objects.create(
        agent=agent, status=status, at=at or timezone.now(), set_by=actor
    )


def _zone(time_zone: str) -> str:
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(
            f"Unknown time zone {time_zone!r}.", fields={"time_zone": "an IANA zone name"}
        ) from exc
    return time_zone


@transaction.atomic
def create_roster(
    *,
    actor: User,
    name: str,
    time_zone: str,
    shifts: list[tuple[User, int, time, time]],
    at: datetime | None = None,
) -> Roster:
    """A roster and its weekly shifts (agent, weekday 0 = Monday, start, end) in one go."""
    require_planner(actor)
    if not shifts:
        raise Invalid("A roster needs at least one shift.", fields={"shifts": "empty roster"})
    for index, (agent, weekday, start, end) in enumerate(shifts):
        if not agent.is_agent:
            raise Invalid(
                f"{agent.username} is not an agent.",
                fields={f"shifts.{index}.agent": "not an agent"},
            )
        if not 0 <= weekday <= 6:
            raise Invalid(
                "Weekday runs from 0 (Monday) to 6 (Sunday).",
                fields={f"shifts.{index}.weekday": "0..6"},
            )
        if start == end:
            raise Invalid(
                "A shift must not start and end at the same time.",
                fields={f"shifts.{index}.end": "equals start"},
            )
    try:
        with transaction.atomic():
            roster = Roster.objects.create(
                name=name, time_zone=_zone(time_zone), created_at=at or timezone.now()
            )
    except IntegrityError as exc:
        raise Conflict(f"A roster named {name!r} exists already.") from exc
    RosterShift.objects.bulk_create(
        RosterShift(roster=roster, agent=agent, weekday=weekday, start=start, end=end)
        for agent, weekday, start, end in shifts
    )
    return roster
