"""Each KPI's formula over plain values, in one place: docs/kpis.md and the SQL cite these.

A ratio KPI with nothing to count is ``None`` (no data), never 0 and never 100.
Durations are in seconds. Instants are aware datetimes.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when there is nothing to count."""
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise ValueError(f"need 0 <= {numerator} <= {denominator}")
    return numerator / denominator if denominator else None


def _seconds(start: datetime, end: datetime) -> float:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return (end - start).total_seconds()


def first_response_seconds(created_at: datetime, first_agent_reply_at: datetime) -> float:
    """Calendar seconds from the ticket's creation to the first public reply by a human agent.

    Internal notes, automatic acknowledgements and bot answers are not responses (README,
    "How the SLA clock decides"). A ticket an agent opened with a public message has no
    first response and is left out.
    """
    return _seconds(created_at, first_agent_reply_at)


def next_response_seconds(started_at: datetime, answered_at: datetime) -> float:
    """Calendar seconds from a customer's message awaiting an answer (the next-response
    clock's start) to the agent's public reply that answered it."""
    return _seconds(started_at, answered_at)


def resolution_seconds(created_at: datetime, solved_at: datetime) -> float:
    """Calendar seconds from creation to the (latest) solve of the ticket."""
    return _seconds(created_at, solved_at)


def sla_attainment(met: int, breached: int) -> float | None:
    """met / (met + breached) over clocks of one metric that reached a verdict.

    Cancelled clocks (the target stopped applying) and clocks still running or paused
    without a breach are excluded: they have no verdict yet. A clock answered late counts
    as breached.
    """
    return ratio(met, met + breached)


def is_first_contact_resolution(
    *, solved: bool, agent_public_replies: int, reopened: bool, follow_ups: int
) -> bool:
    """Solved with exactly one public agent reply, never reopened and no follow-up ticket."""
    return solved and agent_public_replies == 1 and not reopened and follow_ups == 0


def first_contact_resolution_rate(fcr_tickets: int, solved_tickets: int) -> float | None:
    return ratio(fcr_tickets, solved_tickets)


def reopen_rate(reopened_tickets: int, solved_tickets: int) -> float | None:
    """Solved tickets that were reopened at least once / solved tickets."""
    return ratio(reopened_tickets, solved_tickets)


def resolution_rate(resolved_tickets: int, created_tickets: int) -> float | None:
    """Tickets created in the period and solved or closed by its end / tickets created."""
    return ratio(resolved_tickets, created_tickets)


def in_backlog(*, created_at: datetime, resolved_at: datetime | None, as_of: datetime) -> bool:
    """Open at ``as_of``: created at or before it and not solved or closed by then."""
    return created_at <= as_of and (resolved_at is None or resolved_at > as_of)


def backlog_age_seconds(created_at: datetime, as_of: datetime) -> float:
    return _seconds(created_at, as_of)


def csat(scores: Iterable[int]) -> float | None:
    """Share of CSAT answers (1-5) that are 4 or 5."""
    values = list(scores)
    if any(not 1 <= s <= 5 for s in values):
        raise ValueError("CSAT scores are 1-5")
    return ratio(sum(1 for s in values if s >= 4), len(values))


def nps(scores: Iterable[int]) -> float | None:
    """% promoters (9-10) minus % detractors (0-6), from -100 to 100 (Reichheld 2003)."""
    values = list(scores)
    if any(not 0 <= s <= 10 for s in values):
        raise ValueError("NPS scores are 0-10")
    if not values:
        return None
    promoters = sum(1 for s in values if s >= 9)
    detractors = sum(1 for s in values if s <= 6)
    return 100 * (promoters - detractors) / len(values)


def ces(scores: Iterable[int]) -> float | None:
    """Mean Customer Effort Score on the 1-7 scale (7: the easiest)."""
    values = list(scores)
    if any(not 1 <= s <= 7 for s in values):
        raise ValueError("CES scores are 1-7")
    return sum(values) / len(values) if values else None


def abandonment_rate(abandoned: int, offered: int) -> float | None:
    """Calls or chats the customer left before an agent answered / all offered."""
    return ratio(abandoned, offered)


def answered_within(wait_seconds: Sequence[float | None], limit_seconds: float) -> float | None:
    """Offered calls or chats answered within ``limit_seconds`` / all offered.

    ``None`` in ``wait_seconds`` is an abandoned contact: it counts as offered, not answered
    (the abandonment-inclusive service level).
    """
    offered = len(wait_seconds)
    answered = sum(1 for w in wait_seconds if w is not None and w <= limit_seconds)
    return ratio(answered, offered)


# A caller who hangs up within this many seconds has not waited for us (a misdial, a
# hang-up at the greeting): left out of abandonment and answered-within, kept on the rows.
SHORT_ABANDON_SECONDS = 5


def counts_as_offered(*, abandoned: bool, wait_seconds: float) -> bool:
    """Whether a finished live contact counts in abandonment and answered-within.

    Answered ones always do; abandoned ones once they waited SHORT_ABANDON_SECONDS or more
    (an abandon at exactly 5 s counts).
    """
    return not abandoned or wait_seconds >= SHORT_ABANDON_SECONDS


def answered_in_time(wait_seconds: float, target_seconds: float) -> bool:
    """Late means strictly after the target, as for every SLA clock: the due second is met."""
    return wait_seconds <= target_seconds


def answered_within_target(in_time: int, answered: int, abandoned: int) -> float | None:
    """Contacts answered within their tier's target / (answered + abandoned).

    Each contact is measured against the target frozen when it was offered, so one figure
    can mix tiers; contacts whose tier promises no answer time are left out.
    """
    return ratio(in_time, answered + abandoned)


def callback_completion(completed: int, requested: int) -> float | None:
    """Callbacks made / callbacks requested (by the request's instant)."""
    return ratio(completed, requested)


def deflection_rate(self_served: int, self_served_plus_tickets: int) -> float | None:
    """Sessions that ended in self-service (article, bot) without a ticket / all sessions."""
    return ratio(self_served, self_served_plus_tickets)


def bot_containment(bot_resolved: int, bot_conversations: int) -> float | None:
    """Bot conversations that ended without a hand-off to a human / bot conversations."""
    return ratio(bot_resolved, bot_conversations)


def retention(customers_at_start: int, of_them_still_at_end: int) -> float | None:
    """Customers (organizations) present at the period's start still customers at its end;
    customers won during the period are not counted (so it cannot exceed 100%)."""
    return ratio(of_them_still_at_end, customers_at_start)


@dataclass(frozen=True, slots=True)
class StatusSpan:
    status: str
    start: datetime
    end: datetime


def status_spans(
    events: Sequence[tuple[datetime, str]], *, start: datetime, end: datetime
) -> list[StatusSpan]:
    """One agent's status events (sorted by instant) cut into spans inside [start, end).

    The status in force at ``start`` is the last event before it; before any event the
    agent is offline.
    """
    spans: list[StatusSpan] = []
    current, since = "offline", start
    for at, status in events:
        if at <= start:
            current = status
            continue
        if at >= end:
            break
        if at > since:
            spans.append(StatusSpan(current, since, at))
        current, since = status, at
    if end > since:
        spans.append(StatusSpan(current, since, end))
    return spans


def occupancy(spans: Iterable[StatusSpan]) -> float | None:
    """Busy time / (busy + available) time: the share of logged-in, on-duty time spent on
    contacts. Breaks and offline time count in neither."""
    busy = available = timedelta(0)
    for span in spans:
        if span.status == "busy":
            busy += span.end - span.start
        elif span.status == "available":
            available += span.end - span.start
    total = busy + available
    return busy / total if total else None


def cost_to_serve(
    *, cost_per_hour: float, busy_seconds: float, tier_handled_share: float, tickets: int
) -> float | None:
    """Agent cost of the busy time attributed to a tier, per ticket of that tier.

    ``tier_handled_share`` is the tier's share of handled work (its agent public replies
    over all agent public replies in the period).
    """
    if not 0 <= tier_handled_share <= 1:
        raise ValueError("tier_handled_share must be in [0, 1]")
    if tickets == 0:
        return None
    return cost_per_hour * busy_seconds / 3600 * tier_handled_share / tickets
