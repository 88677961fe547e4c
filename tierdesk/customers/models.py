"""The CRM: organizations in a tier, their contacts, and one timeline of every interaction."""

from django.conf import settings
from django.db import models

from tierdesk.tiers.models import Channel, Tier


class LifecycleStage(models.TextChoices):
    ACQUISITION = "acquisition", "Acquisition"
    SERVICE = "service", "Service"
    GROWTH = "growth", "Growth"
    RETENTION = "retention", "Retention"


class RelationshipLevel(models.TextChoices):
    BASIC = "basic", "Basic"
    REACTIVE = "reactive", "Reactive"
    ACCOUNTABLE = "accountable", "Accountable"
    PROACTIVE = "proactive", "Proactive"
    PARTNERSHIP = "partnership", "Partnership"


class Organization(models.Model):
    name = models.CharField(max_length=120, unique=True)
    domain = models.CharField(max_length=120, blank=True)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="organizations")
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_organizations",
    )
    lifecycle_stage = models.CharField(
        max_length=16, choices=LifecycleStage.choices, default=LifecycleStage.SERVICE
    )
    relationship_level = models.CharField(
        max_length=16, choices=RelationshipLevel.choices, default=RelationshipLevel.BASIC
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=32, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    created_at = models.DateTimeField()
    # When the contact asked never to be surveyed again (null: they may be asked).
    survey_opt_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["phone"], name="contact_phone")]  # contact_for_caller()

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class InteractionKind(models.TextChoices):
    TICKET_OPENED = "ticket_opened", "Ticket opened"
    MESSAGE = "message", "Message"
    CHANNEL_REFUSED = "channel_refused", "Contact on a channel outside the tier"
    TIER_CHANGED = "tier_changed", "Tier changed"
    NOTE = "note", "Note"
    CALL = "call", "Call"
    CHAT = "chat", "Chat"
    SURVEY_ANSWERED = "survey_answered", "Survey answered"


class Interaction(models.Model):
    """One line of an organization's timeline; tickets, calls, chats and surveys all land here."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="interactions"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    kind = models.CharField(max_length=24, choices=InteractionKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    occurred_at = models.DateTimeField()
    summary = models.CharField(max_length=300)
    # A plain id, not a foreign key: the CRM sits below tickets in the dependency order.
    ticket_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "-occurred_at"], name="org_timeline"
            ),  # timeline()
        ]
