"""What a proposed tier or calendar change would do to open tickets, before it is saved.

Each live clock of an open ticket is re-targeted with the domain's machine exactly as
``reapply_terms`` would do now, but nothing is written: business time already counted
stays counted on the calendar it was counted on, the rest runs on the new terms. A ticket
"would breach" when one of its clocks, not breached yet, has already counted more business
time than its new target: re-applied, it is recorded breached at that instant.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from tierdesk.accounts.access import require_configurer
from tierdesk.accounts.models import User
from tierdesk.domain.sla import Calendar, machine
from tierdesk.sla.models import LIVE_STATES, SlaClock
from tierdesk.sla.recorder import value_of
from tierdesk.sla.services import second
from tierdesk.tickets.models import OPEN_STATUSES
from tierdesk.tiers.calendars import calendar_from_rules
from tierdesk.tiers.models import BusinessCalendar, Channel, Tier
from tierdesk.tiers.selectors import tiers_on_calendar
from tierdesk.tiers.terms import CALENDAR_TIME, calendar_of_version
from tierdesk.tiers.versions import calendar_rules_of, policy_rules_of


@dataclass(frozen=True, slots=True)
class Preview:
    """Counts of open tickets; a ticket counts once, by its most serious change."""

    open_tickets: int  # open tickets with a live clock under these terms
    would_breach: int  # breached at once if the change is re-applied
    due_sooner: int  # still in time, but a clock falls due earlier
    due_later: int  # a clock falls due later, none earlier
    at: datetime

    @property
    def shortens(self) -> bool:
        """Some ticket would be late, or late sooner: a tier change is previewed then."""
        return self.would_breach > 0 or self.due_sooner > 0

    @property
    def moves(self) -> bool:
        """Some due time would move: a calendar change is previewed then, since cutting hours
        or adding a holiday makes customers wait longer without breaching anything at once."""
        return self.shortens or self.due_later > 0


# row -> (target seconds, warn percent, calendar of the time still to count), None: no target.
NewTerms = Callable[[SlaClock], tuple[int, int, Calendar] | None]


def _count(rows: Iterable[SlaClock], new_terms: NewTerms, at: datetime) -> Preview:
    t = second(at)
    verdicts: dict[int, int] = {}  # ticket -> 0 unchanged or later, 1 sooner, 2 breach
    later: set[int] = set()
    for row in rows:
        verdicts.setdefault(row.ticket_id, 0)
        terms = new_terms(row)
        calendar = calendar_of_version(row.calendar_version_id)
        now = machine.advance(value_of(row), t, calendar).clock
        if terms is None or now.breached_at is not None:
            continue  # cancelled by the change, or late already: nothing new to say
        target, warn_percent, new_calendar = terms
        moved = machine.retarget(
            now, t, calendar, target=target, warn_percent=warn_percent, new_calendar=new_calendar
        ).clock
        if moved.breached_at is not None:
            verdicts[row.ticket_id] = 2
        elif now.due is not None and moved.due is not None and moved.due < now.due:
            verdicts[row.ticket_id] = max(verdicts[row.ticket_id], 1)
        elif now.due is not None and moved.due is not None and moved.due > now.due:
            later.add(row.ticket_id)
    values = list(verdicts.values())
    return Preview(
        open_tickets=len(verdicts),
        would_breach=values.count(2),
        due_sooner=values.count(1),
        due_later=len({i for i in later if verdicts[i] == 0}),
        at=at,
    )


def _live_clocks(tier_ids: Iterable[int]) -> Iterable[SlaClock]:
    return SlaClock.objects.filter(
        tier_id__in=list(tier_ids),
        state__in=LIVE_STATES,
        stopped_at=None,
        ticket__status__in=OPEN_STATUSES,
    ).order_by("ticket_id", "id")


def _terms_from(
    policies: Mapping[int, dict[str, Any]], calendars: Callable[[int], Calendar]
) -> NewTerms:
    """A clock's terms under its tier's (proposed) policy rules, read as terms_in_force does."""

    def new_terms(row: SlaClock) -> tuple[int, int, Calendar] | None:
        rules = policies[row.tier_id]
        target = rules["targets"].get(row.priority, {}).get(row.metric)
        if target is None:
            return None
        coverage = rules["coverage"]
        calendar_id = coverage.get(row.channel, coverage.get(Channel.EMAIL))
        business = target["business_time"] and calendar_id is not None
        calendar = calendars(int(calendar_id)) if business else CALENDAR_TIME
        return int(target["target_seconds"]), int(target["warn_percent"]), calendar

    return new_terms


def _current_calendar(calendar_id: int) -> Calendar:
    calendar = BusinessCalendar.objects.prefetch_related("hours", "days").get(pk=calendar_id)
    return calendar_from_rules(calendar_rules_of(calendar))


def _cached(read: Callable[[int], Calendar]) -> Callable[[int], Calendar]:
    seen: dict[int, Calendar] = {}

    def get(calendar_id: int) -> Calendar:
        if calendar_id not in seen:
            seen[calendar_id] = read(calendar_id)
        return seen[calendar_id]

    return get


def current_policy_rules(tier: Tier) -> dict[str, Any]:
    return policy_rules_of(Tier.objects.prefetch_related("targets", "coverage").get(pk=tier.pk))


def preview_policy(
    *, actor: User, tier: Tier, rules: dict[str, Any], at: datetime | None = None
) -> Preview:
    """The open tickets of ``tier`` under proposed policy ``rules`` (policy_rules_of's shape)."""
    require_configurer(actor)
    at = at or timezone.now()
    new_terms = _terms_from({tier.pk: rules}, _cached(_current_calendar))
    return _count(_live_clocks([tier.pk]), new_terms, at)


def preview_calendar(
    *,
    actor: User,
    calendar: BusinessCalendar,
    rules: dict[str, Any],
    at: datetime | None = None,
) -> Preview:
    """The open tickets timed on ``calendar`` under its proposed ``rules`` (calendar_rules)."""
    require_configurer(actor)
    at = at or timezone.now()
    proposed = calendar_from_rules(rules)
    tiers = tiers_on_calendar(calendar)
    policies = {t.pk: current_policy_rules(t) for t in tiers}

    def read(calendar_id: int) -> Calendar:
        return proposed if calendar_id == calendar.pk else _current_calendar(calendar_id)

    new_terms = _terms_from(policies, _cached(read))

    def on_this_calendar(row: SlaClock) -> bool:
        coverage = policies[row.tier_id]["coverage"]
        return coverage.get(row.channel, coverage.get(Channel.EMAIL)) == calendar.pk

    rows = [r for r in _live_clocks(policies) if on_this_calendar(r)]
    return _count(rows, new_terms, at)
