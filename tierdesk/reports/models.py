"""Tier reviews: a period's PDF report and the figures it was built from."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReviewState(models.TextChoices):
    QUEUED = "queued", "Queued"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class TierReview(models.Model):
    # Dates inclusive, read as whole UTC days (as the KPI API reads them).
    period_start = models.DateField()
    period_end = models.DateField()
    state = models.CharField(max_length=16, choices=ReviewState.choices, default=ReviewState.QUEUED)
    # Who asked; empty with scheduled=True when the schedule queued it.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    generated_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="tier-reviews/", blank=True)
    # The computed figures, so pages and the API show them without reading the PDF.
    figures = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set while a worker builds the report: a stale claim means the worker died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-period_end", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end"],
                condition=Q(scheduled=True),
                name="one_scheduled_review_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="review_period_order"
            ),
        ]
        indexes = [models.Index(fields=["state", "claimed_at"], name="review_stalled")]

    def __str__(self) -> str:
        return f"Tier review {self.period_start} – {self.period_end}"
