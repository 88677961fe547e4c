"""SLA clock changes driven by ticket changes, called inside the ticket service's transaction.

The rules live in the pure machine (``tierdesk.domain.sla.machine``); this module loads the
clock rows, applies the machine's transitions with the terms each clock runs under, and
hands every step to the one recorder.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from tierdesk.accounts.access import require_configurer
from tierdesk.accounts.models import User
from tierdesk.audit.models import Subject
from tierdesk.audit.services import record_change
from tierdesk.compiled import columns_of, read_models
from tierdesk.compiled_writes import insert
from tierdesk.domain.sla import Calendar, machine
from tierdesk.sla import escalation
from tierdesk.sla.models import LIVE_STATES, Notification, SlaClock, Transition
from tierdesk.sla.recorder import (
    CLOCK_FIELDS,
    Batch,
    collect,
    instant,
    store,
    update_clocks,
    value_of,
)
from tierdesk.tickets.models import (
    KPI_SLICE_FIELDS,
    AuthorKind,
    MessageKind,
    Status,
    Ticket,
    TicketEvent,
)
from tierdesk.tiers.models import BusinessCalendar, Metric, Tier
from tierdesk.tiers.selectors import tiers_on_calendar
from tierdesk.tiers.terms import Terms, calendar_of_version, pausing_statuses, terms_in_force

SAVED_FIELDS = [*CLOCK_FIELDS, "business_time", "calendar_version", "policy_version"]


def second(at: datetime) -> int:
    """The epoch second of an instant: clocks count whole seconds, the fraction is dropped."""
    return math.floor(at.timestamp())


def calendar_of(row: SlaClock) -> Calendar:
    return calendar_of_version(row.calendar_version_id)


@dataclass(slots=True)
class Held:
    """A locked ticket's clock rows, read once for every hook of one service call, and the
    events, alerts and ledger rows the call writes, inserted together when it ends."""

    stamp: int  # the tier's terms_stamp, read with the ticket in this transaction
    rows: list[SlaClock] | None = None  # the clocks in play (_clocks_in_play); None: not read
    pending: Batch = field(default_factory=Batch)

    def flush(self) -> None:
        self.pending.save()
        self.pending = Batch()


HELD = "_sla_held"


@contextmanager
def held_clocks(ticket: Ticket, *, new: bool = False) -> Iterator[None]:
    """Inside, the hooks read the ticket's clocks once and its terms from the tier's cache.

    For the ticket service's use cases, which hold the ticket row locked and its tier
    freshly read in the same transaction (``new``: the ticket was just created, so it has
    no clocks yet). Every ticket event recorded inside (``defer_event``) and every clock
    step's rows are inserted on the way out, one INSERT per table, in the order recorded.
    Outside, every hook reads and writes the database as it goes.
    """
    held = Held(stamp=ticket.tier.terms_stamp, rows=[] if new else None)
    setattr(ticket, HELD, held)
    try:
        yield
        held.flush()
    finally:
        delattr(ticket, HELD)


def held_clocks_of(ticket: Ticket) -> list[SlaClock]:
    """The held new ticket's clock rows as they stand, in the order the API lists them.

    Of a ticket that had clocks before, only those in play (``_clocks_in_play``).
    """
    held = _held(ticket)
    assert held is not None, "only inside held_clocks()"
    return sorted(_held_rows(ticket, held), key=lambda r: (r.metric, r.cycle))


def defer_event(ticket: Ticket, event: TicketEvent) -> bool:
    """Keep ``event`` for the held ticket's single INSERT; False when nothing is held.

    Its id is set when the service call ends; until then it may be named as a cause.
    """
    held = _held(ticket)
    if held is None:
        return False
    held.pending.events.append(event)
    return True


def _held(ticket: Ticket) -> Held | None:
    held: Held | None = getattr(ticket, HELD, None)
    return held


def _held_rows(ticket: Ticket, held: Held) -> list[SlaClock]:
    if held.rows is None:
        held.rows = _clocks_in_play(ticket)
        for row in held.rows:
            row.ticket = ticket
    return held.rows


def _clocks_in_play(ticket: Ticket) -> list[SlaClock]:
    """The live clocks and each metric's latest cycle, locked: every row a change reads.

    A change moves only live clocks, numbers a new cycle after the metric's latest and asks
    which metrics the ticket ever had; earlier, finished cycles are history it never reads.
    A chat gains a clock with about every message, so reading them all made each message
    cost more than the one before. The statement is built once from the model: the ORM
    compiling its subquery took more CPU than reading a chat's every clock.
    """
    return read_models(SlaClock, _in_play_sql(), [ticket.pk, *LIVE_STATES])


@cache
def _in_play_sql() -> str:
    meta, quote = SlaClock._meta, connection.ops.quote_name
    table = quote(meta.db_table)
    ticket, metric, cycle, state, stopped = (
        quote(meta.get_field(name).column)
        for name in ("ticket", "metric", "cycle", "state", "stopped_at")
    )
    lock = " FOR UPDATE OF c" if connection.features.has_select_for_update_of else ""
    states = ", ".join(["%s"] * len(LIVE_STATES))
    # Identifiers come from the model's own meta, quoted; every value is a parameter.
    return (
        f"SELECT {columns_of(SlaClock, 'c')} FROM {table} c WHERE c.{ticket} = %s"  # noqa: S608
        f" AND ((c.{state} IN ({states}) AND c.{stopped} IS NULL)"
        f" OR NOT EXISTS (SELECT 1 FROM {table} l WHERE l.{ticket} = c.{ticket}"
        f" AND l.{metric} = c.{metric} AND l.{cycle} > c.{cycle}))"
        f" ORDER BY c.{metric}, c.{cycle}{lock}"
    )


class Change:
    """One ticket change's clock work: steps collected, then written and escalated together."""

    def __init__(
        self, ticket: Ticket, at: datetime, actor: User | None, cause: TicketEvent | None
    ) -> None:
        self.ticket, self.at, self.actor, self.cause = ticket, second(at), actor, cause
        self.batch = Batch()
        self.rows: dict[int, SlaClock] = {}
        self.started: list[tuple[SlaClock, machine.Step]] = []

    def apply(
        self,
        row: SlaClock,
        step: machine.Step,
        *,
        reason: str = "",
        retarget_as: str = Transition.RETARGETED,
    ) -> None:
        due_before = row.due_at
        collect(
            self.batch,
            row,
            step,
            ticket=self.ticket,
            observed_at=self.at,
            due_before=due_before,
            actor=self.actor,
            cause=self.cause,
            reason=reason,
            retarget_as=retarget_as,
        )
        self.rows[row.pk] = row

    def finish(self) -> None:
        if self.started:
            self._insert_started()
        if self.rows:
            update_clocks(list(self.rows.values()), SAVED_FIELDS)
        held = _held(self.ticket)
        if held is None:
            self.batch.save()
        else:
            held.pending.alerts.extend(self.batch.alerts)
            held.pending.events.extend(self.batch.events)
            held.pending.ledger.extend(self.batch.ledger)
            if self.batch.escalate:
                held.flush()  # escalations write events of their own, after these
        if not self.batch.escalate:
            return
        rules = escalation.rules_for([self.ticket.tier_id])
        for row, kind, at in self.batch.escalate:
            escalation.escalate(ticket=self.ticket, clock=row, on=kind, at=at, rules=rules)

    def _insert_started(self) -> None:
        """New clocks in one INSERT, already holding their first step's values.

        The ledger and the events name each clock's id, so they are collected once the
        INSERT has returned the ids; collecting stores the same values again and counts
        the ledger sequence up from zero to what was inserted.
        """
        rows = [row for row, _ in self.started]
        for row, step in self.started:
            store(row, step.clock, self.at)
            row.ledger_seq = len(step.events)
        insert(rows)
        for row, step in self.started:
            row.ledger_seq = 0
            collect(
                self.batch,
                row,
                step,
                ticket=self.ticket,
                observed_at=self.at,
                due_before=None,
                actor=self.actor,
                cause=self.cause,
            )
        held = _held(self.ticket)
        if held is not None and held.rows is not None:
            held.rows.extend(rows)


def _pauses(policy_version_id: int, metric: str, status: str) -> bool:
    return status in pausing_statuses(policy_version_id=policy_version_id).get(metric, [])


def _terms(ticket: Ticket, at: datetime) -> dict[str, Terms]:
    held = _held(ticket)
    return terms_in_force(
        tier_id=ticket.tier_id,
        priority=ticket.priority,
        channel=ticket.channel,
        at=at,
        stamp=held.stamp if held is not None else None,
    )


def _last_cycle(ticket: Ticket, metric: str) -> int | None:
    held = _held(ticket)
    if held is not None:
        return max((r.cycle for r in _held_rows(ticket, held) if r.metric == metric), default=None)
    last: int | None = (
        SlaClock.objects.filter(ticket=ticket, metric=metric)
        .order_by("-cycle")
        .values_list("cycle", flat=True)
        .first()
    )
    return last


def _start(change: Change, metric: str, terms: Terms) -> SlaClock:
    """A new clock, inserted with the others when the change finishes."""
    ticket = change.ticket
    last = _last_cycle(ticket, metric)
    calendar = calendar_of_version(terms.calendar_version_id)
    step = machine.start(
        at=change.at,
        target=terms.target_seconds,
        warn_percent=terms.warn_percent,
        calendar=calendar,
        paused=_pauses(terms.policy_version_id, metric, ticket.status),
    )
    row = SlaClock(
        ticket=ticket,
        **ticket_slices(ticket),
        metric=metric,
        cycle=(last or 0) + 1,
        business_time=terms.business_time,
        calendar_version_id=terms.calendar_version_id,
        policy_version_id=terms.policy_version_id,
        started_at=instant(change.at),
        target_seconds=terms.target_seconds,
        warn_percent=terms.warn_percent,
        state=step.clock.state.value,
    )
    change.started.append((row, step))
    return row


def _is_live(row: SlaClock) -> bool:
    return row.state in LIVE_STATES and row.stopped_at is None


# The ticket's columns the KPIs slice by, copied onto its clocks.
SLICE_FIELDS = KPI_SLICE_FIELDS


def ticket_slices(ticket: Ticket) -> dict[str, object]:
    return {
        "tier_id": ticket.tier_id,
        "organization_id": ticket.organization_id,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "group_id": ticket.group_id,
        "assignee_id": ticket.assignee_id,
    }


def copy_ticket_slices(ticket: Ticket) -> None:
    """The ticket's slices changed (assigned, re-tiered...): its clocks follow, in the same
    transaction, so the clock KPIs slice every clock by its ticket as it is now."""
    SlaClock.objects.filter(ticket_id=ticket.pk).update(**ticket_slices(ticket))


def _live(ticket: Ticket, *metrics: str) -> list[SlaClock]:
    held = _held(ticket)
    if held is not None:
        rows = _held_rows(ticket, held)
        return [r for r in rows if _is_live(r) and (not metrics or r.metric in metrics)]
    qs = SlaClock.objects.select_for_update(of=("self",)).filter(
        ticket=ticket, state__in=LIVE_STATES, stopped_at=None
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
    held = _held(ticket)
    if held is not None:
        dues = [r.due_at for r in _held_rows(ticket, held) if _is_live(r) and r.due_at]
        return min(dues, default=None)
    return (
        SlaClock.objects.filter(ticket=ticket, state__in=LIVE_STATES, stopped_at=None)
        .exclude(due_at=None)
        .aggregate(nearest=Min("due_at"))["nearest"]
    )


def _agent_has_answered(ticket: Ticket) -> bool:
    # The ticket's own count of public agent replies answers without a query when it is
    # set; rows written before it was kept still get the look at the messages.
    return (
        ticket.opened_by_agent
        or ticket.public_agent_replies > 0
        or ticket.messages.filter(kind=MessageKind.PUBLIC, author_kind=AuthorKind.AGENT).exists()
    )


def start_clocks(
    *, ticket: Ticket, at: datetime, actor: User | None = None, cause: TicketEvent | None = None
) -> None:
    change = Change(ticket, at, actor, cause)
    terms = _terms(ticket, at)
    # An agent's public message opens the ticket, so there is no first response to wait for.
    metrics = [Metric.RESOLUTION]
    metrics.append(Metric.PERIODIC_UPDATE if ticket.opened_by_agent else Metric.FIRST_RESPONSE)
    for metric in metrics:
        if metric in terms:
            _start(change, metric, terms[metric])
    change.finish()


def on_agent_reply(
    *, ticket: Ticket, at: datetime, actor: User | None, cause: TicketEvent | None = None
) -> None:
    """Only a human agent's public reply: stops first and next response, restarts updates."""
    change = Change(ticket, at, actor, cause)
    for row in _live(ticket, Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE, Metric.PERIODIC_UPDATE):
        change.apply(row, machine.stop(value_of(row), change.at, calendar_of(row)))
    terms = _terms(ticket, at)
    if Metric.PERIODIC_UPDATE in terms:
        _start(change, Metric.PERIODIC_UPDATE, terms[Metric.PERIODIC_UPDATE])
    change.finish()


def on_customer_message(
    *, ticket: Ticket, at: datetime, actor: User | None, cause: TicketEvent | None = None
) -> None:
    """A customer message once an agent has answered publicly starts a next-response clock.

    Before any public agent answer the customer is still waiting for the first response,
    also on a tier that promises none: a second message adds nothing to wait for.
    """
    if _live(ticket, Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE):
        return
    if not _agent_has_answered(ticket):
        return
    terms = _terms(ticket, at)
    if Metric.NEXT_RESPONSE in terms:
        change = Change(ticket, at, actor, cause)
        _start(change, Metric.NEXT_RESPONSE, terms[Metric.NEXT_RESPONSE])
        change.finish()


def on_status_change(
    *,
    ticket: Ticket,
    before: str,
    after: str,
    at: datetime,
    actor: User | None,
    cause: TicketEvent | None = None,
) -> None:
    change = Change(ticket, at, actor, cause)
    reason = f"status {before} -> {after}"
    for row in _live(ticket):
        clock, calendar = value_of(row), calendar_of(row)
        pauses_after = _pauses(row.policy_version_id, row.metric, after)
        pauses_before = _pauses(row.policy_version_id, row.metric, before)
        if after == Status.CLOSED:
            change.apply(row, machine.cancel(clock, change.at, calendar), reason="ticket closed")
        elif after == Status.SOLVED:
            if row.metric == Metric.RESOLUTION:
                change.apply(row, machine.stop(clock, change.at, calendar), reason=reason)
            else:
                change.apply(
                    row, machine.cancel(clock, change.at, calendar), reason="ticket solved"
                )
        elif pauses_after and not pauses_before:
            change.apply(row, machine.pause(clock, change.at, calendar), reason=reason)
        elif pauses_before and not pauses_after:
            change.apply(row, machine.resume(clock, change.at, calendar), reason=reason)
    if before == Status.SOLVED and after == Status.OPEN:
        terms = _terms(ticket, at)
        if Metric.RESOLUTION in terms:
            _start(change, Metric.RESOLUTION, terms[Metric.RESOLUTION])
    change.finish()


def _start_new_metrics(change: Change, terms: dict[str, Terms], live: set[str]) -> None:
    """Metrics the new terms promise and the ticket never had start now, from zero.

    First response only while no agent has answered, periodic updates only once one has;
    next response waits for the customer's next message as usual.
    """
    ticket = change.ticket
    held = _held(ticket)
    if held is not None:
        had = {r.metric for r in _held_rows(ticket, held)}
    else:
        had = set(SlaClock.objects.filter(ticket=ticket).values_list("metric", flat=True))
    answered = _agent_has_answered(ticket)
    wanted = {
        Metric.RESOLUTION: True,
        Metric.FIRST_RESPONSE: not answered,
        Metric.PERIODIC_UPDATE: answered,
    }
    for metric, applies in wanted.items():
        if applies and metric in terms and metric not in live and metric not in had:
            _start(change, metric, terms[metric])


def on_terms_change(
    *,
    ticket: Ticket,
    at: datetime,
    actor: User | None,
    reason: str = "ticket terms changed",
    cause: TicketEvent | None = None,
    transition: str = Transition.RETARGETED,
) -> None:
    """Priority, tier or policy changed: business time kept, new target, maybe late at once.

    The new terms are those in force at the change; time already counted stays counted on
    the calendar it was counted on.
    """
    change = Change(ticket, at, actor, cause)
    terms = _terms(ticket, at)
    live = _live(ticket)
    _start_new_metrics(change, terms, {c.metric for c in live})
    for row in live:
        clock, calendar = value_of(row), calendar_of(row)
        new = terms.get(row.metric)
        if new is None:
            change.apply(
                row,
                machine.cancel(clock, change.at, calendar),
                reason="no target under the new terms",
            )
            continue
        step = machine.retarget(
            clock,
            change.at,
            calendar,
            target=new.target_seconds,
            warn_percent=new.warn_percent,
            new_calendar=calendar_of_version(new.calendar_version_id),
        )
        row.business_time = new.business_time
        row.calendar_version_id = new.calendar_version_id
        row.policy_version_id = new.policy_version_id
        change.apply(row, step, reason=reason, retarget_as=transition)
        # A clock running under the new terms pauses on the new policy's statuses.
        if row.running_since is not None and _pauses(
            new.policy_version_id, row.metric, ticket.status
        ):
            change.apply(row, machine.pause(value_of(row), change.at, calendar_of(row)))
    change.finish()


def reapply_terms(*, actor: User, tier: Tier, at: datetime | None = None) -> int:
    """Put a tier's open tickets on its current targets and calendars (a policy re-apply).

    Running clocks keep the terms they started under until a manager does this; each ticket
    is its own transaction, so a failure part-way leaves every ticket consistent.
    """
    require_configurer(actor)
    now = at or timezone.now()
    done = 0
    for ticket_id in Ticket.objects.open().filter(tier=tier).values_list("pk", flat=True):
        with transaction.atomic():
            # Only the ticket's row: locking its tier's too would hold up every new ticket
            # of the tier (its insert must share the tier's row) until the re-apply ends.
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("tier")
                .get(pk=ticket_id)
            )
            on_terms_change(
                ticket=ticket,
                at=now,
                actor=actor,
                reason="tier policy re-applied",
                transition=Transition.REAPPLIED,
            )
            Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=nearest_due(ticket))
            done += 1
    record_change(
        actor=actor,
        at=now,
        subject=Subject.TIER,
        subject_id=tier.pk,
        action="current terms re-applied to open tickets",
        before={},
        after={"open_tickets_reapplied": done},
    )
    return done


def reapply_calendar(*, actor: User, calendar: BusinessCalendar) -> int:
    """Re-apply every tier that staffs a channel on ``calendar``: the open tickets re-applied."""
    return sum(reapply_terms(actor=actor, tier=t) for t in tiers_on_calendar(calendar))


def elapsed_at(row: SlaClock, at: datetime) -> int:
    """Business seconds the clock has counted up to ``at``."""
    return value_of(row).elapsed_at(second(at), calendar_of(row))


def clock_view(row: SlaClock, now: datetime) -> dict[str, object]:
    """A clock as the API and the UI show it: target, due, remaining business seconds, state."""
    calendar, t = calendar_of(row), second(now)
    # Read as the sweep would record it now, so a page never waits for the sweep to be true.
    clock = machine.advance(value_of(row), t, calendar).clock
    elapsed = clock.elapsed_at(t, calendar) if clock.live else clock.elapsed
    return {
        "id": row.pk,
        "metric": row.metric,
        "cycle": row.cycle,
        "state": clock.state.value,
        "running": clock.running,
        "target_seconds": row.target_seconds,
        "business_time": row.business_time,
        "elapsed_seconds": elapsed,
        "remaining_seconds": row.target_seconds - elapsed,
        "overdue": clock.live and clock.breached_at is not None,
        "due_at": row.due_at,
        "warned_at": instant(clock.warned_at),
        "breached_at": instant(clock.breached_at),
        "achieved_at": row.achieved_at,
        "stopped_at": row.stopped_at,
        "started_at": row.started_at,
        "policy_version_id": row.policy_version_id,
    }


def reply_due_at(clocks: Iterable[SlaClock]) -> datetime | None:
    """When the customer's next answer is promised: the live first or next response's due.

    What a customer may see of the clocks (DESIGN.md): this instant, never warnings,
    breaches or resolution targets. A paused or answered clock promises nothing.
    """
    dues = [
        c.due_at
        for c in clocks
        if c.metric in (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE)
        and c.stopped_at is None
        and c.due_at is not None
    ]
    return min(dues, default=None)


def mark_read(*, notification: Notification, at: datetime) -> Notification:
    if notification.read_at is None:
        notification.read_at = at
        notification.save(update_fields=["read_at"])
    return notification
