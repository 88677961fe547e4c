"""Tiers as data: channels and hours, SLA targets per priority and metric, business calendars."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tierdesk.accounts.models import Seniority
from tierdesk.domain.durations import hours_minutes


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEB = "web", "Web form and portal"
    CHAT = "chat", "Live chat"
    PHONE = "phone", "Phone"
    API = "api", "API"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


# Higher sorts first in queues; kept beside the choices so that order is data, not code.
PRIORITY_WEIGHT = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_RESPONSE = "next_response", "Next response"
    PERIODIC_UPDATE = "periodic_update", "Periodic update"
    RESOLUTION = "resolution", "Resolution"


class ProactiveCare(models.TextChoices):
    NONE = "none", "None"
    LIMITED = "limited", "Limited"
    PROACTIVE = "proactive", "Proactive"
    PERSONALIZED = "personalized", "Highly personalized"


def default_pausing_statuses() -> dict[str, list[str]]:
    waiting = ["pending", "on_hold"]
    return {
        Metric.FIRST_RESPONSE: [],
        Metric.NEXT_RESPONSE: waiting,
        Metric.PERIODIC_UPDATE: waiting,
        Metric.RESOLUTION: waiting,
    }


class BusinessCalendar(models.Model):
    """Opening hours in one time zone; holidays from the `holidays` package plus custom days."""

    name = models.CharField(max_length=80, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    always_open = models.BooleanField(default=False)
    holiday_country = models.CharField(max_length=8, blank=True)
    holiday_subdivision = models.CharField(max_length=16, blank=True)
    # Bumped by every edit, so that the compiled calendar cached per process is refreshed.
    revision = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.name


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class WeeklyHours(models.Model):
    """One open interval on a weekday; end <= start runs past midnight into the next day."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="weekday_0_to_6"),
        ]

    def __str__(self) -> str:
        return f"{self.calendar} · {WEEKDAYS[self.weekday]} {self.start:%H:%M}–{self.end:%H:%M}"


class CalendarDay(models.Model):
    """A custom day: closed when start and end are empty, else open in [start, end)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["day", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True, end__isnull=True)
                | models.Q(start__isnull=False, end__isnull=False),
                name="calendar_day_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        hours = f"open {self.start:%H:%M}–{self.end:%H:%M}" if self.start and self.end else "closed"
        note = f" · {self.note}" if self.note else ""
        return f"{self.calendar} · {self.day:%a %d %b %Y} {hours}{note}"


class Tier(models.Model):
    name = models.CharField(max_length=40, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True)  # 1 = entry tier
    routing_priority = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)
    support_scope = models.CharField(max_length=120, blank=True)
    proactive_care = models.CharField(
        max_length=16, choices=ProactiveCare.choices, default=ProactiveCare.NONE
    )
    account_manager_required = models.BooleanField(default=False)
    min_seniority = models.PositiveSmallIntegerField(
        choices=Seniority.choices, default=Seniority.JUNIOR
    )
    phone_answer_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    # A waiting chat is answered within this many seconds, or it counts against the tier.
    chat_answer_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    # The share of clocks (per metric) the tier promises to meet: the bar for attainment
    # on the dashboard and in the tier review.
    attainment_goal_percent = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # metric -> the ticket statuses during which that metric's clock stops counting.
    pausing_statuses = models.JSONField(default=default_pausing_statuses)
    # Bumped by every new policy or calendar version: the key of the cached version
    # timeline (tiers.terms), so a fresh tier row says whether the cache still holds.
    terms_stamp = models.PositiveIntegerField(default=0, editable=False)
    # The highest priority a customer may give a ticket they open; agents may raise it.
    max_customer_priority = models.CharField(
        max_length=16, choices=Priority.choices, default=Priority.HIGH
    )

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    def customer_priority(self, wanted: str) -> str:
        """`wanted`, or the highest priority this tier lets a customer choose when lower."""
        ceiling = Priority(self.max_customer_priority)
        return ceiling if PRIORITY_WEIGHT[Priority(wanted)] > PRIORITY_WEIGHT[ceiling] else wanted


class ChannelCoverage(models.Model):
    """A channel the tier includes and the calendar it is staffed on; no row, no channel."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="coverage")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tier", "channel"], name="one_coverage_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.tier} · {self.get_channel_display()} on {self.calendar}"


class SlaTarget(models.Model):
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(max_length=16, choices=Priority.choices)
    metric = models.CharField(max_length=24, choices=Metric.choices)
    target_seconds = models.PositiveIntegerField()
    business_time = models.BooleanField(default=True)
    warn_percent = models.PositiveSmallIntegerField(default=75)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "priority", "metric"], name="one_target_per_tier_priority_metric"
            ),
            models.CheckConstraint(
                condition=models.Q(target_seconds__gt=0), name="target_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(warn_percent__gt=0, warn_percent__lt=100),
                name="warn_percent_between_0_and_100",
            ),
        ]

    def __str__(self) -> str:
        kind = "business" if self.business_time else "calendar"
        return (
            f"{self.tier} · {self.get_priority_display().lower()} · "
            f"{self.get_metric_display().lower()} · {hours_minutes(self.target_seconds)} {kind}"
        )


class CalendarVersion(models.Model):
    """An immutable snapshot of everything that decides a calendar's open time.

    In force from `effective_from` until the next version's; a clock keeps the version in
    force when it started, so editing hours never rewrites business time already counted.
    `rules`: time_zone, always_open, holiday_country, holiday_subdivision, weekly (weekday
    -> merged [start, end] pairs), days ([{day, start, end, note}], start/end null: closed).
    """

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    effective_from = models.DateTimeField()
    rules = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["calendar", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "number"], name="one_calendar_version_number"
            ),
            # Also the index of calendar_version_in_force(): latest effective_from <= at.
            models.UniqueConstraint(
                fields=["calendar", "effective_from"], name="one_calendar_version_per_instant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calendar_id} v{self.number}"


class TierPolicyVersion(models.Model):
    """An immutable snapshot of what a tier promises, in force from `effective_from`.

    `rules`: targets (priority -> metric -> {target_seconds, business_time, warn_percent}),
    coverage (channel -> calendar id) and pausing_statuses (metric -> statuses).
    """

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="policy_versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateTimeField()
    rules = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["tier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "number"], name="one_policy_version_number"),
            # Also the index of policy_in_force(): latest effective_from <= at.
            models.UniqueConstraint(
                fields=["tier", "effective_from"], name="one_policy_version_per_instant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier_id} v{self.number}"
