"""Live contacts: calls and chats waiting for an agent, their answer clock and outcome.

One row per call or chat (``channel`` + ``external_id``), written only by
``tierdesk.live.services``; the KPI catalogue aggregates these rows.
"""

from django.conf import settings
from django.db import models

from tierdesk.customers.models import Contact
from tierdesk.tickets.models import Ticket
from tierdesk.tiers.models import Channel, Tier


class LiveChannel(models.TextChoices):
    PHONE = Channel.PHONE.value, Channel.PHONE.label
    CHAT = Channel.CHAT.value, Channel.CHAT.label


class Outcome(models.TextChoices):
    WAITING = "waiting", "Waiting"
    ANSWERED = "answered", "Answered"
    ABANDONED = "abandoned", "Abandoned"
    ENDED = "ended", "Ended"  # answered, then ended


class LiveContact(models.Model):
    channel = models.CharField(max_length=16, choices=LiveChannel.choices)
    # The telephony system's call id or the chat's id.
    external_id = models.CharField(max_length=255)
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="live_contacts")
    # The customer's tier when the contact was offered: KPIs slice by the promise then made.
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="live_contacts")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="live_contacts"
    )
    queue = models.CharField(max_length=80, blank=True)
    offered_at = models.DateTimeField()
    # Frozen at offer time; null when the tier promises no answer time on this channel.
    answer_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    answer_due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answered_live_contacts",
    )
    # Seconds from offer to answer or to abandonment.
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)
    answered_in_time = models.BooleanField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(null=True, blank=True)
    callback_requested_at = models.DateTimeField(null=True, blank=True)
    callback_number = models.CharField(max_length=32, blank=True)
    callback_completed_at = models.DateTimeField(null=True, blank=True)
    callback_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="completed_callbacks",
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.WAITING)

    class Meta:
        ordering = ["offered_at", "id"]
        constraints = [
            # One row per call or chat: a redelivered "offered" event is the same contact.
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="one_live_contact_per_external_id"
            ),
        ]
        indexes = [
            models.Index(fields=["outcome", "answer_due_at"], name="live_waiting"),  # waiting()
            models.Index(fields=["offered_at"], name="live_offered"),  # kpis catalogue
            models.Index(
                fields=["callback_requested_at"], name="live_callbacks"
            ),  # callback_completion
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.external_id}"


class WebhookRefusal(models.Model):
    """A phone webhook request refused with 401: why, from where and when (nothing else kept)."""

    reason = models.CharField(max_length=32)
    detail = models.CharField(max_length=300, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["-at"], name="webhook_refusal_recent")]


class WebhookReceipt(models.Model):
    """A signature already accepted, kept for the replay window so a replay is refused."""

    signature = models.CharField(max_length=64, unique=True)
    timestamp = models.DateTimeField()
    received_at = models.DateTimeField(db_index=True)
