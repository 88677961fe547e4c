"""The configuration audit trail: who changed which tier, calendar, group, agent or customer
organization, when, and what it was before and after."""

from django.conf import settings
from django.db import models


class Subject(models.TextChoices):
    TIER = "tier", "Tier"
    CALENDAR = "calendar", "Calendar"
    GROUP = "group", "Group"
    AGENT = "agent", "Agent"
    SKILL = "skill", "Skill"
    ORGANIZATION = "organization", "Organization"


class ConfigChange(models.Model):
    """One change, written by the service that made it, in the same transaction."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=16, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=80)
    # Only the fields the change touched, as they were and as they became (JSON values).
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The index of history_of(): one subject, newest first.
            models.Index(fields=["subject", "subject_id", "-at"], name="config_change_history"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.subject_id} · {self.action} · {self.at:%Y-%m-%d %H:%M}"
