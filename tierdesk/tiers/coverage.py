"""When a tier's channels are open: the gate for new contact and the hours customers see.

Everything is read from the tier policy and calendar versions in force at the instant
asked about, so an edit that takes effect tomorrow neither opens nor closes a channel
today. The decision itself (``gate``) is a plain function of the tier's channel hours.

Live channels (phone, chat) need someone at the other end right now: outside their hours
they are refused. Asynchronous channels (email, web, api) are accepted at any hour; their
clocks start at the next opening, as every business-time clock does.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

from tierdesk.domain.sla import Calendar, Shift, is_open, next_closing, next_opening
from tierdesk.tiers.models import Channel
from tierdesk.tiers.terms import calendar_of_version, calendar_version_in_force, policy_in_force

LIVE_CHANNELS = frozenset({Channel.PHONE, Channel.CHAT})
# Shown to people in this order; the API is for integrations and never offered in prose.
CHANNEL_ORDER = (Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.WEB, Channel.API)
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Refusal = Literal["", "not_in_tier", "closed"]


@dataclass(frozen=True, slots=True)
class ChannelHours:
    """One channel a tier includes, the calendar it is staffed on, and its state at ``at``."""

    channel: str
    calendar: Calendar
    calendar_version_id: int
    at: datetime
    open_now: bool
    opens_at: datetime  # ``at`` itself when open now

    @property
    def live(self) -> bool:
        return self.channel in LIVE_CHANNELS

    @property
    def label(self) -> str:
        return str(Channel(self.channel).label)


@dataclass(frozen=True, slots=True)
class Gate:
    """Whether contact by ``channel`` at ``at`` is accepted, and what to say when it is not."""

    channel: str
    at: datetime
    included: tuple[ChannelHours, ...]
    refusal: Refusal

    @property
    def accepted(self) -> bool:
        return self.refusal == ""

    @property
    def hours(self) -> ChannelHours | None:
        return next((h for h in self.included if h.channel == self.channel), None)

    @property
    def live_open_now(self) -> list[ChannelHours]:
        return [h for h in self.included if h.live and h.open_now and h.channel != self.channel]

    @property
    def written(self) -> list[ChannelHours]:
        """Channels a person can write through at any hour (the API is for integrations)."""
        return [h for h in self.included if not h.live and h.channel != Channel.API]


def channel_hours(*, tier_id: int, at: datetime) -> list[ChannelHours]:
    """Every channel the tier's policy in force at ``at`` includes, in display order.

    One query for the policy and one per distinct calendar (compiled calendars are cached
    per version, which never changes).
    """
    coverage: dict[str, int] = policy_in_force(tier_id=tier_id, at=at).rules["coverage"]
    return _hours(coverage, at)


def _hours(
    coverage: dict[str, int], at: datetime, tier_id: int | None = None, stamp: int | None = None
) -> list[ChannelHours]:
    versions = {
        calendar_id: calendar_version_in_force(
            calendar_id=calendar_id, at=at, tier_id=tier_id, stamp=stamp
        ).pk
        for calendar_id in sorted(set(coverage.values()))
    }
    hours = []
    for channel in _ordered(coverage):
        version_id = versions[coverage[channel]]
        calendar = calendar_of_version(version_id)
        opens_at = next_opening(at, calendar)
        hours.append(
            ChannelHours(
                channel=channel,
                calendar=calendar,
                calendar_version_id=version_id,
                at=at,
                open_now=is_open(at, calendar),
                opens_at=opens_at,
            )
        )
    return hours


def _ordered(channels: Iterable[str]) -> list[str]:
    rank = {c: i for i, c in enumerate(CHANNEL_ORDER)}
    return sorted(channels, key=lambda c: (rank.get(c, len(rank)), c))


def gate(*, channel: str, at: datetime, included: Sequence[ChannelHours]) -> Gate:
    """The decision: not in the tier, a live channel outside its hours, or accepted."""
    match = next((h for h in included if h.channel == channel), None)
    refusal: Refusal = ""
    if match is None:
        refusal = "not_in_tier"
    elif match.live and not match.open_now:
        refusal = "closed"
    return Gate(channel=channel, at=at, included=tuple(included), refusal=refusal)


def channel_gate(*, tier_id: int, channel: str, at: datetime, stamp: int | None = None) -> Gate:
    """``gate`` at ``at``; a written channel the tier includes costs one query, no calendar.

    Its ``included`` is then empty: nothing needs saying about hours to accept it. With
    the tier's ``terms_stamp`` the versions come from the tier's cached timeline.
    """
    policy = policy_in_force(tier_id=tier_id, at=at, stamp=stamp)
    coverage: dict[str, int] = policy.rules["coverage"]
    if channel in coverage and channel not in LIVE_CHANNELS:
        return Gate(channel=channel, at=at, included=(), refusal="")
    return gate(channel=channel, at=at, included=_hours(coverage, at, tier_id, stamp))


def refusal_message(g: Gate, *, tier_name: str, tz: tzinfo | None = None) -> str:
    """A polite answer naming what the tier includes and when and where to reach us now.

    ``tz``: the zone to state the next opening in (the customer's own, when known); else
    the channel's calendar zone.
    """
    what = Channel(g.channel).label.lower()
    if g.refusal == "not_in_tier":
        offered = _or(h.label.lower() for h in g.included if h.channel != Channel.API)
        return (
            f"{tier_name} tier has no {what}; please contact us by {offered}, or upgrade your plan."
        )
    hours = g.hours
    assert hours is not None  # a closed channel is one the tier includes
    when = when_text(hours.opens_at, tz or hours.calendar.tz, since=g.at)
    parts = [
        f"{tier_name} tier's {what} is closed now; it is open "
        f"{describe_hours(hours.calendar)} and opens again {when}."
    ]
    live = g.live_open_now
    if live:
        verb = "is" if len(live) == 1 else "are"
        parts.append(f"{_and(h.label for h in live)} {verb} open now.")
    written = g.written
    if written:
        parts.append(
            f"You can write to us any time by {_or(h.label.lower() for h in written)}; "
            "we answer from the next opening."
        )
    return " ".join(parts)


def when_text(instant: datetime, tz: tzinfo, *, since: datetime) -> str:
    """'today at 09:00 GMT', 'tomorrow at …' or 'on Tue 29 Dec at …', in ``tz``."""
    local = instant.astimezone(tz)
    days = (local.date() - since.astimezone(tz).date()).days
    clock = f"{local:%H:%M} {local.tzname()}"
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    return f"on {WEEKDAY_NAMES[local.weekday()]} {local.day} {local:%b} at {clock}"


def describe_hours(calendar: Calendar) -> str:
    """The weekly hours in the calendar's own zone: 'Mon–Fri 09:00–17:00 London time, …'."""
    if calendar.always_open:
        return "around the clock, every day"
    runs: list[tuple[int, int, tuple[Shift, ...]]] = []
    for day in range(7):
        shifts = calendar.weekly.get(day, ())
        if not shifts:
            continue
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == shifts:
            runs[-1] = (runs[-1][0], day, shifts)
        else:
            runs.append((day, day, shifts))
    pieces = []
    for first, last, shifts in runs:
        days = WEEKDAY_NAMES[first] if first == last else f"{WEEKDAY_NAMES[first]}–"
        if first != last:
            days += WEEKDAY_NAMES[last]
        pieces.append(f"{days} {', '.join(_shift_text(s) for s in shifts)}")
    text = "; ".join(pieces) + f" {_zone_name(calendar.tz)} time"
    if calendar.holiday_country:
        text += " (closed on public holidays)"
    return text


def _shift_text(shift: Shift) -> str:
    return f"{shift.start:%H:%M}–{'24:00' if shift.end == time(0) else f'{shift.end:%H:%M}'}"


def _zone_name(tz: tzinfo) -> str:
    key = str(getattr(tz, "key", tz))
    return key.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True, slots=True)
class Opening:
    start: datetime
    end: datetime

    @property
    def crosses_midnight(self) -> bool:
        return self.start.date() != (self.end - timedelta(seconds=1)).date()


def openings(calendar: Calendar, *, start: date, days: int, tz: tzinfo) -> list[Opening]:
    """Open stretches from local midnight of ``start`` for ``days`` days, shown in ``tz``.

    Holidays and custom days are simply missing; a stretch under way at the first midnight
    shows from that midnight. A 24/7 calendar has no stretches to list: say so instead.
    """
    if calendar.always_open:
        raise ValueError("a 24/7 calendar is one endless opening; describe it, do not list it")
    cursor = datetime.combine(start, time(0), tzinfo=tz)
    end = datetime.combine(start + timedelta(days=days), time(0), tzinfo=tz)
    found: list[Opening] = []
    while (opened := next_opening(cursor, calendar)) < end:
        cursor = next_closing(opened, calendar)
        found.append(Opening(opened.astimezone(tz), cursor.astimezone(tz)))
    return found


def _or(items: Iterable[str]) -> str:
    return _join(list(items), "or")


def _and(items: Iterable[str]) -> str:
    return _join(list(items), "and")


def _join(items: list[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
