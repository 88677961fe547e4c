"""Rosters (who is scheduled when) and agent status events (what each agent was doing)."""

from django.conf import settings
from django.db import models


class AgentStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    BUSY = "busy", "Busy"
    BREAK = "break", "On break"
    OFFLINE = "offline", "Offline"


# The states in which an agent counts as working the floor, for adherence.
WORKING_STATES = (AgentStatus.AVAILABLE, AgentStatus.BUSY)


class Roster(models.Model):
    """A weekly schedule; shifts are read in the roster's time zone."""

    name = models.CharField(max_length=80, unique=True)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RosterShift(models.Model):
    """One agent on one weekday from start to end; end <= start runs past midnight."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_shifts"
    )
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start", "agent_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="roster_shift_weekday_0_to_6"
            ),
        ]


class AgentStatusEvent(models.Model):
    """From `at` on, the agent was in `status` until their next event; append-only."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="status_events"
    )
    status = models.CharField(max_length=16, choices=AgentStatus.choices)
    at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["agent", "at"], name="status_timeline"),  # status_timelines()
            models.Index(fields=["at"], name="status_recent"),  # status_timelines() window
        ]
