"""The inbound log (every email received and what became of it) and the outbox."""

from django.db import models

from tierdesk.sla.models import Notification
from tierdesk.tickets.models import Message, Ticket


class Outcome(models.TextChoices):
    CREATED = "created", "Ticket created"
    THREADED = "threaded", "Added to a ticket"
    DUPLICATE = "duplicate", "Received before"
    IGNORED = "ignored", "Ignored (automatic mail or loop)"
    REFUSED = "refused", "Refused"


class InboundEmail(models.Model):
    """One received email, whatever happened to it: nothing that arrives goes unrecorded."""

    received_at = models.DateTimeField()
    message_id = models.CharField(max_length=255)
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The sender's HTML after nh3: never stored or shown unsanitized.
    html = models.TextField(blank=True)
    skipped_files = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at"], name="inbound_recent"),
            models.Index(fields=["message_id"], name="inbound_message_id"),
        ]


class Delivery(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundKind(models.TextChoices):
    REPLY = "reply", "Reply to the customer"
    NOTICE = "notice", "Automatic notice to a sender"
    NOTIFICATION = "notification", "Notification to staff"
    # Its own kind: a survey is not an answer to a sender and must not use up their
    # notices of the day (NOTICES_PER_SENDER_PER_DAY).
    SURVEY = "survey", "Survey to a customer"


class OutboundEmail(models.Model):
    """An email to send: kept until sent, retried with backoff, failures visible, never lost."""

    kind = models.CharField(max_length=16, choices=OutboundKind.choices)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One email per public message; reverse accessor used by the API and the ticket page.
    ticket_message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="email_delivery"
    )
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to = models.CharField(max_length=320)
    subject = models.CharField(max_length=250)
    text = models.TextField()
    # Threading and loop-prevention headers, written once so every retry sends the same mail.
    headers = models.JSONField(default=dict)
    message_id = models.CharField(max_length=255, unique=True)
    state = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),  # due_outbox()
            models.Index(fields=["to", "kind", "-created_at"], name="outbox_recent_notices"),
        ]
