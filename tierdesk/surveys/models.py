"""Surveys (CSAT, NPS, CES): the rules that say who is asked, and each survey sent."""

from django.db import models

from tierdesk.customers.models import Contact
from tierdesk.tickets.models import Ticket, TicketEvent
from tierdesk.tiers.models import Channel, Tier


class SurveyKind(models.TextChoices):
    CSAT = "csat", "Customer satisfaction (1-5)"
    NPS = "nps", "Net Promoter Score (0-10)"
    CES = "ces", "Customer effort (1-7)"


# Kind -> (lowest, highest) score; the check constraints and the forms read this table.
SCALES: dict[str, tuple[int, int]] = {
    SurveyKind.CSAT: (1, 5),
    SurveyKind.NPS: (0, 10),
    SurveyKind.CES: (1, 7),
}


class SurveyRule(models.Model):
    """Who is asked: a kind for a tier (all when null) and a channel (all when null).

    The most specific rule wins (tier and channel, then tier, then channel, then neither);
    a disabled rule there means nobody in that scope is asked.
    """

    kind = models.CharField(max_length=8, choices=SurveyKind.choices)
    tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.CASCADE, related_name="survey_rules"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, null=True, blank=True)
    enabled = models.BooleanField(default=True)
    # At most one survey of this kind to the same contact per this many days (0: no limit).
    min_days_between = models.PositiveIntegerField(default=0)
    # Minutes between the trigger (the solve, the chat's end, the NPS wave) and the email.
    delay_minutes = models.PositiveIntegerField(default=0)
    # Days the survey stays open for answers and changes after it is sent.
    open_days = models.PositiveIntegerField(default=7)

    class Meta:
        ordering = ["kind", "tier", "channel"]
        constraints = [
            # One rule per scope; null means "all", so each null pattern is its own index.
            models.UniqueConstraint(
                fields=["kind", "tier", "channel"],
                condition=models.Q(tier__isnull=False, channel__isnull=False),
                name="survey_rule_tier_channel",
            ),
            models.UniqueConstraint(
                fields=["kind", "tier"],
                condition=models.Q(tier__isnull=False, channel__isnull=True),
                name="survey_rule_tier",
            ),
            models.UniqueConstraint(
                fields=["kind", "channel"],
                condition=models.Q(tier__isnull=True, channel__isnull=False),
                name="survey_rule_channel",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(tier__isnull=True, channel__isnull=True),
                name="survey_rule_all",
            ),
            models.CheckConstraint(
                condition=models.Q(open_days__gte=1), name="survey_rule_open_days"
            ),
        ]

    def __str__(self) -> str:
        tier = self.tier.name if self.tier else "all tiers"
        return f"{self.kind} · {tier} · {self.channel or 'all channels'}"


def _in_scale(kind: str) -> models.Q:
    low, high = SCALES[kind]
    return models.Q(kind=kind, score__gte=low, score__lte=high)


class Survey(models.Model):
    """One question to one contact: created by a trigger, sent once, answered and changed
    until ``closes_at``. Only the SHA-256 digest of its link's token is stored."""

    kind = models.CharField(max_length=8, choices=SurveyKind.choices)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="surveys")
    # The ticket asked about (CSAT and CES); null for NPS, which asks about the relationship.
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    # The event that caused it (a solve, a chat's end): one survey of a kind per trigger.
    trigger = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField()
    send_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    score = models.SmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One answer per survey: an answer is its score with the instant it was first given.
            models.CheckConstraint(
                condition=models.Q(score__isnull=True, answered_at__isnull=True)
                | models.Q(score__isnull=False, answered_at__isnull=False),
                name="survey_one_answer",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True)
                | _in_scale(SurveyKind.CSAT)
                | _in_scale(SurveyKind.NPS)
                | _in_scale(SurveyKind.CES),
                name="survey_score_in_scale",
            ),
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=False) | models.Q(kind=SurveyKind.NPS),
                name="survey_ticket_kinds_have_ticket",
            ),
            models.UniqueConstraint(fields=["trigger", "kind"], name="survey_once_per_trigger"),
        ]
        indexes = [
            # last_survey() for the rules' "at most once per N days".
            models.Index(fields=["contact", "kind", "-created_at"], name="survey_contact_last"),
            # The survey KPIs, anchored on the answer. Covering (PostgreSQL): an agent's CSAT
            # then joins these answers to the agent's tickets (ticket_assignee) by hash,
            # both read from their indexes alone, instead of reading every ticket.
            models.Index(
                fields=["kind", "answered_at"],
                include=["id", "ticket", "contact", "score"],
                name="survey_kpi",
            ),
            models.Index(fields=["ticket", "kind"], name="survey_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} to {self.contact_id}"

    @property
    def scale(self) -> tuple[int, int]:
        return SCALES[self.kind]
