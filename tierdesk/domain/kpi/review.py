"""The tier review's judgements over plain numbers: where misses cluster, which organizations
sit near a tier boundary, and the recommendations a support manager acts on.

No database and no clock: the selectors hand in counts, these functions say what they
mean. docs/tier-review.md states every threshold and why.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
METRIC_LABELS = {
    "first_response": "first-response",
    "next_response": "next-response",
    "periodic_update": "periodic-update",
    "resolution": "resolution",
}
CHANNEL_LABELS = {"email": "email", "web": "web", "api": "API", "phone": "phone", "chat": "chat"}

# A window of this many consecutive hours on one weekday is a cluster when it holds at
# least CLUSTER_MIN_SHARE of the misses and CLUSTER_MIN_MISSES of them: a two-hour window
# of a 40-hour business week would hold 5% if misses were spread evenly.
CLUSTER_HOURS = 2
CLUSTER_MIN_SHARE = 0.2
CLUSTER_MIN_MISSES = 3
# Attainment that fell by at least this many points against the previous period is named.
TREND_DROP_POINTS = 5.0
# CSAT (% of 4-5 answers) below this bar is named, once there are enough answers to judge.
CSAT_BAR_PERCENT = 80.0
CSAT_MIN_ANSWERS = 5
# Contacts refused on one channel in the period that make the channel worth selling.
REFUSED_OFTEN = 5
# Boundary rules (docs/tier-review.md, "Customers near a tier boundary").
UPGRADE_REFUSALS = 3
UPGRADE_VOLUME_FACTOR = 2.0
UPGRADE_MIN_TICKETS = 5
UPGRADE_URGENT_SHARE = 0.25
DOWNGRADE_VOLUME_FACTOR = 0.25


@dataclass(frozen=True, slots=True)
class MissCell:
    """Clocks with a verdict that started in one weekday (0 = Monday) and hour."""

    weekday: int
    hour: int
    misses: int
    clocks: int


@dataclass(frozen=True, slots=True)
class Cluster:
    weekday: int
    start_hour: int
    hours: int
    misses: int
    total_misses: int

    @property
    def share(self) -> float:
        return self.misses / self.total_misses

    def describe(self) -> str:
        end = (self.start_hour + self.hours) % 24
        return (
            f"{self.start_hour:02d}:00–{end:02d}:00 on {WEEKDAYS[self.weekday]}s "
            f"({self.misses} of {self.total_misses} misses)"
        )


def miss_cluster(cells: Sequence[MissCell], *, hours: int = CLUSTER_HOURS) -> Cluster | None:
    """The window of ``hours`` consecutive hours on one weekday holding the most misses, if it
    holds enough of them to call it a cluster; ties go to the earliest in the week.

    Windows wrap past midnight into the next day's hours of the same weekday row only
    (a window is one weekday), so 23:00-01:00 is not a window.
    """
    grid = [[0] * 24 for _ in WEEKDAYS]
    for cell in cells:
        grid[cell.weekday][cell.hour] += cell.misses
    total = sum(map(sum, grid))
    if total == 0:
        return None
    best: Cluster | None = None
    for weekday, row in enumerate(grid):
        for start in range(24 - hours + 1):
            misses = sum(row[start : start + hours])
            if best is None or misses > best.misses:
                best = Cluster(weekday, start, hours, misses, total)
    assert best is not None
    if best.misses < CLUSTER_MIN_MISSES or best.share < CLUSTER_MIN_SHARE:
        return None
    return best


def percent(value: float | None) -> str:
    """A ratio as a whole percent (0.714 -> "71%"); no data stays visible as "no data"."""
    return "no data" if value is None else f"{round(value * 100)}%"


@dataclass(frozen=True, slots=True)
class Attainment:
    """One metric's verdicts in the period and, when known, the previous period's ratio."""

    metric: str
    met: int
    breached: int
    previous: float | None = None

    @property
    def value(self) -> float | None:
        total = self.met + self.breached
        return self.met / total if total else None


def attainment_findings(
    *,
    tier: str,
    goal_percent: int,
    attainment: Attainment,
    cluster: Cluster | None,
) -> list[str]:
    """Below goal (with where the misses cluster) and a fall against the previous period."""
    value = attainment.value
    if value is None:
        return []
    label = METRIC_LABELS.get(attainment.metric, attainment.metric)
    found: list[str] = []
    if value * 100 < goal_percent:
        head = f"{tier} {label} attainment {percent(value)} against {goal_percent}%"
        if cluster is not None:
            found.append(
                f"{head}: the misses cluster {cluster.describe()}; add cover in that window."
            )
        else:
            found.append(
                f"{head}: the {attainment.breached} misses spread over the week; "
                "review staffing across the tier's hours."
            )
    previous = attainment.previous
    if previous is not None and (previous - value) * 100 >= TREND_DROP_POINTS:
        found.append(
            f"{tier} {label} attainment fell from {percent(previous)} to {percent(value)} "
            "against the previous period."
        )
    return found


def csat_finding(*, tier: str, csat: float | None, answers: int) -> list[str]:
    """CSAT under the bar, judged only with enough answers."""
    if csat is None or answers < CSAT_MIN_ANSWERS or csat * 100 >= CSAT_BAR_PERCENT:
        return []
    return [
        f"{tier} CSAT {percent(csat)} is below the {CSAT_BAR_PERCENT:.0f}% bar "
        f"({answers} answers): read the low-rated tickets."
    ]


def refused_findings(
    *, tier: str, refused: Mapping[str, int], offered_by: Mapping[str, str]
) -> list[str]:
    """Channels customers of the tier tried often without having them: an upsell.

    ``refused``: channel -> contacts refused in the period; ``offered_by``: channel -> the
    lowest higher tier that includes it (absent when none does).
    """
    found = []
    for channel, n in sorted(refused.items(), key=lambda kv: (-kv[1], kv[0])):
        if n < REFUSED_OFTEN:
            continue
        label = CHANNEL_LABELS.get(channel, channel)
        upsell = offered_by.get(channel)
        tail = f"offer {upsell} to the organizations asking." if upsell else "review the hours."
        found.append(f"{n} {tier} contacts by {label} were refused: {tail}")
    return found


def cost_findings(
    cost_per_ticket: Mapping[str, float | None], ranks: Mapping[str, int]
) -> dict[str, list[str]]:
    """A tier that costs more per ticket than a higher tier serves its customers at a loss
    against the promise (tiers carry no price yet, so the comparison is between tiers)."""
    found: dict[str, list[str]] = {}
    known = sorted(
        ((ranks[name], name, cost) for name, cost in cost_per_ticket.items() if cost is not None),
    )
    for i, (_, name, cost) in enumerate(known):
        dearer_than = [(n, c) for _, n, c in known[i + 1 :] if c < cost]
        if dearer_than:
            other, other_cost = min(dearer_than, key=lambda nc: nc[1])
            found.setdefault(name, []).append(
                f"{name} costs {cost:.2f} per ticket, more than {other} ({other_cost:.2f}): "
                "look for work that a lower tier should not need (repeat contacts, reopens)."
            )
    return found


@dataclass(frozen=True, slots=True)
class OrgUsage:
    """One organization's use of its tier in the period."""

    organization: str
    tickets: int
    urgent: int
    # channel -> contacts refused in the period (not in the tier, or outside its hours)
    refused: Mapping[str, int]
    attainment: float | None = None


@dataclass(frozen=True, slots=True)
class Boundary:
    organization: str
    direction: str  # "upgrade" or "downgrade"
    reason: str
    tickets: int
    urgent_share: float | None
    attainment: float | None


def near_boundary(
    usage: Sequence[OrgUsage], *, tier: str, lowest: bool, highest: bool
) -> list[Boundary]:
    """Organizations that behave like the next tier up, or use far less than their tier.

    Upgrade: at least UPGRADE_REFUSALS refused contacts on channels or hours the tier lacks,
    or at least UPGRADE_VOLUME_FACTOR x the tier's median tickets per organization (and
    UPGRADE_MIN_TICKETS) with at least UPGRADE_URGENT_SHARE of them urgent. Downgrade risk:
    at most DOWNGRADE_VOLUME_FACTOR x the median, no refusals (never in the entry tier).
    Upgrades first, by tickets; then downgrades, by tickets.
    """
    if not usage:
        return []
    typical = median(u.tickets for u in usage)
    found: list[Boundary] = []
    for u in usage:
        share = u.urgent / u.tickets if u.tickets else None
        refused = sum(u.refused.values())
        reasons = []
        if not highest and refused >= UPGRADE_REFUSALS:
            parts = ", ".join(
                f"{n} by {CHANNEL_LABELS.get(c, c)}"
                for c, n in sorted(u.refused.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            reasons.append(f"{refused} contacts refused ({parts})")
        heavy = u.tickets >= max(UPGRADE_VOLUME_FACTOR * typical, UPGRADE_MIN_TICKETS)
        if not highest and heavy and share is not None and share >= UPGRADE_URGENT_SHARE:
            reasons.append(
                f"{u.tickets} tickets against a {tier} median of {typical:g}, "
                f"{percent(share)} urgent"
            )
        if reasons:
            found.append(
                Boundary(
                    u.organization, "upgrade", "; ".join(reasons), u.tickets, share, u.attainment
                )
            )
        elif (
            not lowest
            and typical > 0
            and refused == 0
            and u.tickets <= DOWNGRADE_VOLUME_FACTOR * typical
        ):
            found.append(
                Boundary(
                    u.organization,
                    "downgrade",
                    f"{u.tickets} tickets against a {tier} median of {typical:g}",
                    u.tickets,
                    share,
                    u.attainment,
                )
            )
    return sorted(
        found,
        key=lambda b: (
            b.direction != "upgrade",
            -b.tickets if b.direction == "upgrade" else b.tickets,
            b.organization,
        ),
    )


CADENCES = ("quarterly", "yearly", "off")


def due_period(today: date, cadence: str) -> tuple[date, date] | None:
    """The last complete quarter or year before ``today`` (dates inclusive), or None when off.

    From the first day after a quarter (1 Jan, 1 Apr, 1 Jul, 1 Oct) that quarter is due; the
    schedule queues each period once.
    """
    if cadence == "off":
        return None
    if cadence == "yearly":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if cadence != "quarterly":
        raise ValueError(f"cadence must be one of {', '.join(CADENCES)}, got {cadence!r}")
    this_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = this_quarter - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def _names(found: Sequence[Boundary], shown: int = 3) -> str:
    names = ", ".join(b.organization for b in found[:shown])
    return f"{names} and {len(found) - shown} more" if len(found) > shown else names


def boundary_findings(*, tier: str, next_tier: str | None, found: Sequence[Boundary]) -> list[str]:
    """What to do about the organizations near the tier's boundaries (near_boundary's list)."""
    up = [b for b in found if b.direction == "upgrade"]
    down = [b for b in found if b.direction == "downgrade"]
    said = []
    if up:
        many = len(up) > 1
        said.append(
            f"{len(up)} {tier} organization{'s' if many else ''} "
            f"behave{'' if many else 's'} like {next_tier or 'a higher tier'} "
            f"({_names(up)}): propose the upgrade."
        )
    if down:
        many = len(down) > 1
        said.append(
            f"{len(down)} {tier} organization{'s' if many else ''} "
            f"use{'' if many else 's'} under a quarter of the tier's typical volume "
            f"({_names(down)}): check they know what {tier} includes before renewal."
        )
    return said
