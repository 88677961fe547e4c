"""SLA clock changes driven by ticket changes, called inside the ticket service's transaction."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from tierdesk.accounts.models import Role, User
from tierdesk.domain.sla import Calendar, add_business_seconds, business_seconds_between
from tierdesk.errors import NotAllowed
from tierdesk.sla.models import (
    LIVE_STATES,
    AlertKind,
    ClockState,
    Notification,
    SlaAlert,
    SlaClock,
)
from tierdesk.tickets.models import AuthorKind, EventKind, MessageKind, Status, Ticket, TicketEvent
from tierdesk.tiers.calendars import domain_calendar
from tierdesk.tiers.models import (
    BusinessCalendar,
    Channel,
    ChannelCoverage,
    Metric,
    SlaTarget,
    Tier,
)

CALENDAR_TIME = Calendar.twenty_four_seven(ZoneInfo("UTC"))


@dataclass(frozen=True, slots=True)
class Terms:
    target_seconds: int
    business_time: bool
    calendar: BusinessCalendar | None
    warn_percent: int


def _event(
    ticket: Ticket, kind: str, at: datetime, actor: User | None, clock: SlaClock, **data: object
) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        at=at,
        data={"clock_id": clock.pk, "metric": clock.metric, "cycle": clock.cycle, **data},
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def terms_for(ticket: Ticket) -> dict[str, Terms]:
    """Each metric's target for the ticket's tier, priority and channel, in two queries."""
    targets = SlaTarget.objects.filter(tier_id=ticket.tier_id, priority=ticket.priority)
    coverage = {
        c.channel: c.calendar
        for c in ChannelCoverage.objects.filter(tier_id=ticket.tier_id).select_related("calendar")
    }
    # A channel the tier lacks (an agent logged it anyway) runs on the tier's email hours.
    calendar = coverage.get(ticket.channel) or coverage.get(Channel.EMAIL)
    return {
        t.metric: Terms(
            target_seconds=t.target_seconds,
            business_time=t.business_time and calendar is not None,
            calendar=calendar if t.business_time else None,
            warn_percent=t.warn_percent,
        )
        for t in targets
    }


def _calendar(clock: SlaClock) -> Calendar:
    if clock.business_time and clock.calendar is not None:
        return domain_calendar(clock.calendar)
    return CALENDAR_TIME


def elapsed_at(clock: SlaClock, at: datetime) -> int:
    """Business seconds the clock has counted up to `at`."""
    if clock.running_since is None:
        return clock.elapsed_seconds
    return clock.elapsed_seconds + business_seconds_between(
        clock.running_since, at, _calendar(clock)
    )


def _schedule(clock: SlaClock) -> None:
    """Due and warning instants from what is left, counted from running_since."""
    assert clock.running_since is not None
    calendar = _calendar(clock)
    remaining = clock.target_seconds - clock.elapsed_seconds
    if clock.breached_at is None:
        clock.due_at = add_business_seconds(clock.running_since, max(remaining, 0), calendar)
    warn_after = clock.target_seconds * clock.warn_percent // 100 - clock.elapsed_seconds
    # Past the warning share already (a shorter target after a change): warn at once.
    clock.warn_at = (
        add_business_seconds(clock.running_since, max(warn_after, 0), calendar)
        if clock.warned_at is None and clock.breached_at is None and remaining > 0
        else None
    )


def _pauses(ticket: Ticket, metric: str, status: str) -> bool:
    return status in ticket.tier.pausing_statuses.get(metric, [])


def _start(ticket: Ticket, metric: str, terms: Terms, at: datetime, actor: User | None) -> SlaClock:
    last = SlaClock.objects.filter(ticket=ticket, metric=metric).order_by("-cycle").first()
    clock = SlaClock(
        ticket=ticket,
        metric=metric,
        cycle=last.cycle + 1 if last else 1,
        state=ClockState.RUNNING,
        target_seconds=terms.target_seconds,
        business_time=terms.business_time,
        calendar=terms.calendar,
        warn_percent=terms.warn_percent,
        started_at=at,
        running_since=at,
    )
    if _pauses(ticket, metric, ticket.status):
        clock.state, clock.running_since, clock.paused_at = ClockState.PAUSED, None, at
    else:
        _schedule(clock)
    clock.save()
    _event(
        ticket,
        EventKind.CLOCK_STARTED,
        at,
        actor,
        clock,
        due_at=_iso(clock.due_at),
        target_seconds=clock.target_seconds,
    )
    return clock


def _pause(clock: SlaClock, at: datetime, actor: User | None) -> None:
    if clock.running_since is None:
        return
    clock.elapsed_seconds = elapsed_at(clock, at)
    clock.running_since, clock.paused_at, clock.due_at, clock.warn_at = None, at, None, None
    if clock.state == ClockState.RUNNING:
        clock.state = ClockState.PAUSED
    clock.save()
    _event(
        clock.ticket,
        EventKind.CLOCK_PAUSED,
        at,
        actor,
        clock,
        elapsed_seconds=clock.elapsed_seconds,
    )


def _resume(clock: SlaClock, at: datetime, actor: User | None) -> None:
    if clock.running_since is not None:
        return
    clock.running_since, clock.paused_at = at, None
    if clock.state == ClockState.PAUSED:
        clock.state = ClockState.RUNNING
    _schedule(clock)
    clock.save()
    _event(clock.ticket, EventKind.CLOCK_RESUMED, at, actor, clock, due_at=_iso(clock.due_at))


def _breach(clock: SlaClock, breached_at: datetime, actor: User | None) -> bool:
    """Record the breach once; False when it was recorded already."""
    if clock.breached_at is not None:
        return False
    clock.state, clock.breached_at = ClockState.BREACHED, breached_at
    SlaAlert.objects.create(
        clock=clock, kind=AlertKind.BREACH, at=breached_at, recorded_at=timezone.now()
    )
    _event(
        clock.ticket, EventKind.SLA_BREACHED, breached_at, actor, clock, due_at=_iso(clock.due_at)
    )
    return True


def _stop(clock: SlaClock, at: datetime, actor: User | None) -> None:
    """The metric's event happened: achieved if it came by the due second, else breached."""
    at = at.replace(microsecond=0)
    if clock.running_since is not None:
        late = clock.due_at is not None and at > clock.due_at
    else:
        late = clock.elapsed_seconds > clock.target_seconds
    clock.elapsed_seconds = elapsed_at(clock, at)
    clock.running_since, clock.paused_at, clock.warn_at, clock.stopped_at = None, None, None, at
    if late or clock.breached_at is not None:
        _breach(clock, clock.due_at or at, actor)
    else:
        clock.state, clock.achieved_at = ClockState.ACHIEVED, at
        _event(
            clock.ticket,
            EventKind.CLOCK_ACHIEVED,
            at,
            actor,
            clock,
            elapsed_seconds=clock.elapsed_seconds,
        )
    clock.save()


def _cancel(clock: SlaClock, at: datetime, actor: User | None, reason: str) -> None:
    clock.elapsed_seconds = elapsed_at(clock, at)
    # A recorded breach stays a breach: cancelling only stops the clock.
    if clock.breached_at is None:
        clock.state = ClockState.CANCELLED
    clock.cancelled_at, clock.stopped_at = at, at
    clock.running_since, clock.due_at, clock.warn_at = None, None, None
    clock.save()
    _event(clock.ticket, EventKind.CLOCK_CANCELLED, at, actor, clock, reason=reason)


def _live(ticket: Ticket, *metrics: str) -> list[SlaClock]:
    qs = (
        SlaClock.objects.select_for_update(of=("self",))
        .select_related("calendar")
        .filter(ticket=ticket, state__in=LIVE_STATES, stopped_at=None)
    )
    if metrics:
        qs = qs.filter(metric__in=metrics)
    clocks = list(qs)
    for clock in clocks:
        clock.ticket = ticket
    return clocks


def nearest_due(ticket: Ticket) -> datetime | None:
    """The ticket's nearest due time, which the agent queue sorts by; the ticket service
    stores it with the rest of each change, so the hooks below leave the ticket row alone."""
    return (
        SlaClock.objects.filter(ticket=ticket, state__in=LIVE_STATES, stopped_at=None)
        .exclude(due_at=None)
        .aggregate(nearest=Min("due_at"))["nearest"]
    )


def start_clocks(*, ticket: Ticket, at: datetime, actor: User | None = None) -> None:
    terms = terms_for(ticket)
    metrics = [Metric.RESOLUTION]
    # An agent's public message opens the ticket, so there is no first response to wait for.
    metrics.append(Metric.PERIODIC_UPDATE if ticket.opened_by_agent else Metric.FIRST_RESPONSE)
    for metric in metrics:
        if metric in terms:
            _start(ticket, metric, terms[metric], at, actor)


def on_agent_reply(*, ticket: Ticket, at: datetime, actor: User | None) -> None:
    """Only a human agent's public reply: stops first and next response, restarts updates."""
    terms = terms_for(ticket)
    for clock in _live(ticket, Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE, Metric.PERIODIC_UPDATE):
        _stop(clock, at, actor)
    if Metric.PERIODIC_UPDATE in terms:
        _start(ticket, Metric.PERIODIC_UPDATE, terms[Metric.PERIODIC_UPDATE], at, actor)


def on_customer_message(*, ticket: Ticket, at: datetime, actor: User | None) -> None:
    """A customer message after an agent reply starts a next-response clock."""
    if _live(ticket, Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE):
        return
    terms = terms_for(ticket)
    if Metric.NEXT_RESPONSE in terms:
        _start(ticket, Metric.NEXT_RESPONSE, terms[Metric.NEXT_RESPONSE], at, actor)


def on_status_change(
    *, ticket: Ticket, before: str, after: str, at: datetime, actor: User | None
) -> None:
    for clock in _live(ticket):
        if after == Status.CLOSED:
            _cancel(clock, at, actor, reason="ticket closed")
        elif after == Status.SOLVED:
            if clock.metric == Metric.RESOLUTION:
                _stop(clock, at, actor)
            else:
                _cancel(clock, at, actor, reason="ticket solved")
        elif _pauses(ticket, clock.metric, after) and not _pauses(ticket, clock.metric, before):
            _pause(clock, at, actor)
        elif _pauses(ticket, clock.metric, before) and not _pauses(ticket, clock.metric, after):
            _resume(clock, at, actor)
    if before == Status.SOLVED and after == Status.OPEN:
        terms = terms_for(ticket)
        if Metric.RESOLUTION in terms:
            _start(ticket, Metric.RESOLUTION, terms[Metric.RESOLUTION], at, actor)


def _start_new_metrics(
    ticket: Ticket, terms: dict[str, Terms], live: set[str], at: datetime, actor: User | None
) -> None:
    """Metrics the new terms promise and the ticket never had start now, from zero.

    First response only while no agent has answered, periodic updates only once one has;
    next response waits for the customer's next message as usual.
    """
    had = set(SlaClock.objects.filter(ticket=ticket).values_list("metric", flat=True))
    answered = (
        ticket.opened_by_agent
        or ticket.messages.filter(kind=MessageKind.PUBLIC, author_kind=AuthorKind.AGENT).exists()
    )
    wanted = {
        Metric.RESOLUTION: True,
        Metric.FIRST_RESPONSE: not answered,
        Metric.PERIODIC_UPDATE: answered,
    }
    for metric, applies in wanted.items():
        if applies and metric in terms and metric not in live and metric not in had:
            _start(ticket, metric, terms[metric], at, actor)


def on_terms_change(
    *, ticket: Ticket, at: datetime, actor: User | None, reason: str = "ticket terms changed"
) -> None:
    """Priority or tier changed: same business time elapsed, new target, maybe breached at once."""
    terms = terms_for(ticket)
    live = _live(ticket)
    _start_new_metrics(ticket, terms, {c.metric for c in live}, at, actor)
    for clock in live:
        new = terms.get(clock.metric)
        if new is None:
            _cancel(clock, at, actor, reason="no target under the new terms")
            continue
        before_due = clock.due_at
        running = clock.running_since is not None
        clock.elapsed_seconds = elapsed_at(clock, at)
        clock.running_since = at if running else None
        clock.target_seconds, clock.business_time = new.target_seconds, new.business_time
        clock.calendar, clock.warn_percent = new.calendar, new.warn_percent
        if clock.elapsed_seconds > clock.target_seconds and clock.breached_at is None:
            clock.due_at = at
            _breach(clock, at, actor)
        if running:
            _schedule(clock)
        clock.save()
        _event(
            ticket,
            EventKind.CLOCK_RECOMPUTED,
            at,
            actor,
            clock,
            before_due=_iso(before_due),
            due_at=_iso(clock.due_at),
            target_seconds=clock.target_seconds,
            elapsed_seconds=clock.elapsed_seconds,
            reason=reason,
        )


def reapply_terms(*, actor: User, tier: Tier, at: datetime | None = None) -> int:
    """Put a tier's open tickets on its current targets and calendars (a policy re-apply).

    Running clocks keep the terms they started under until a manager does this; each ticket
    is its own transaction, so a failure part-way leaves every ticket consistent.
    """
    if actor.role not in (Role.ADMIN, Role.MANAGER):
        raise NotAllowed("Only managers and admins can re-apply a tier's targets.")
    now = at or timezone.now()
    done = 0
    for ticket_id in Ticket.objects.open().filter(tier=tier).values_list("pk", flat=True):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().select_related("tier").get(pk=ticket_id)
            on_terms_change(ticket=ticket, at=now, actor=actor, reason="tier policy re-applied")
            Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=nearest_due(ticket))
            done += 1
    return done


def clock_view(clock: SlaClock, now: datetime) -> dict[str, object]:
    """A clock as the API and the UI show it: target, due, remaining business seconds, state."""
    elapsed = elapsed_at(clock, now) if clock.stopped_at is None else clock.elapsed_seconds
    # Past due even when no business second has passed since (the desk closed at the due
    # time): the monitor may not have swept yet, but the promise is already broken.
    overdue = clock.stopped_at is None and clock.due_at is not None and now > clock.due_at
    return {
        "metric": clock.metric,
        "cycle": clock.cycle,
        "state": clock.state,
        "target_seconds": clock.target_seconds,
        "business_time": clock.business_time,
        "elapsed_seconds": elapsed,
        "remaining_seconds": clock.target_seconds - elapsed,
        "overdue": overdue,
        "due_at": clock.due_at,
        "warned_at": clock.warned_at,
        "breached_at": clock.breached_at,
        "achieved_at": clock.achieved_at,
        "started_at": clock.started_at,
    }


def mark_read(*, notification: Notification, at: datetime) -> Notification:
    if notification.read_at is None:
        notification.read_at = at
        notification.save(update_fields=["read_at"])
    return notification
