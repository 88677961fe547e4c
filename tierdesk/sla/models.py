"""SLA clocks per ticket, metric and cycle with the terms they run under; alerts, escalations."""

from django.conf import settings
from django.db import models

from tierdesk.accounts.models import AgentGroup
from tierdesk.customers.models import Organization
from tierdesk.tickets.models import KPI_SLICE_FIELDS, Ticket
from tierdesk.tiers.models import Metric, Tier


class ClockState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    ACHIEVED = "achieved", "Achieved"
    BREACHED = "breached", "Breached"
    CANCELLED = "cancelled", "Cancelled"


# States whose clock has not stopped: a breached clock still counts how late it is.
LIVE_STATES = (ClockState.RUNNING, ClockState.PAUSED, ClockState.BREACHED)


class SlaClock(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="clocks")
    metric = models.CharField(max_length=24, choices=Metric.choices)
    cycle = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=16, choices=ClockState.choices)
    # The terms the clock runs under, copied at start so later policy edits leave it alone.
    target_seconds = models.PositiveIntegerField()
    business_time = models.BooleanField()
    # The calendar and tier policy versions in force when the clock started (or when a
    # manager re-applied a newer one): later edits never rewrite time already counted.
    calendar_version = models.ForeignKey(
        "tiers.CalendarVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    policy_version = models.ForeignKey(
        "tiers.TierPolicyVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    warn_percent = models.PositiveSmallIntegerField(default=75)
    started_at = models.DateTimeField()
    # Business seconds counted before running_since; running_since is empty while paused.
    elapsed_seconds = models.BigIntegerField(default=0)
    running_since = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    achieved_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # How many ledger rows the clock has: the next row's seq, kept on the locked clock row.
    ledger_seq = models.PositiveIntegerField(default=0)
    # The ticket's KPI slices, copied so that the clock KPIs group and filter without
    # joining a million tickets; kept equal to the ticket's by the ticket services
    # (tickets.services._save, sla.services.copy_ticket_slices) in the same transaction.
    tier = models.ForeignKey(Tier, null=True, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, null=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=16, blank=True)
    priority = models.CharField(max_length=16, blank=True)
    group = models.ForeignKey(
        AgentGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["ticket", "metric", "cycle"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "cycle"], name="one_clock_per_ticket_metric_cycle"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="clock_due"),  # clocks_to_sweep()
            models.Index(fields=["state", "warn_at"], name="clock_warn"),  # clocks_to_sweep()
            # kpis: the clock KPIs, anchored on started_at per metric. Covering (PostgreSQL):
            # every column a clock KPI reads or slices by, so that a board reads the index
            # alone, never the wide clock rows (docs/kpis.md).
            models.Index(
                fields=["metric", "started_at"],
                include=[
                    "id",
                    "state",
                    "achieved_at",
                    "elapsed_seconds",
                    *KPI_SLICE_FIELDS,
                ],
                name="clock_kpi",
            ),
            # kpis: an agent's own clock KPIs (agent_numbers, the agent filter).
            models.Index(fields=["assignee", "metric", "started_at"], name="clock_kpi_agent"),
        ]

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES and self.stopped_at is None


class Transition(models.TextChoices):
    """One per fact of the pure clock machine (tierdesk.domain.sla.machine.Fact)."""

    STARTED = "started", "Started"
    PAUSED = "paused", "Paused"
    RESUMED = "resumed", "Resumed"
    RETARGETED = "retargeted", "Target changed"
    REAPPLIED = "reapplied", "Tier policy re-applied"
    WARNED = "warned", "Warning threshold passed"
    BREACHED = "breached", "Breached"
    ACHIEVED = "achieved", "Achieved"
    SATISFIED_LATE = "satisfied_late", "Satisfied late"
    CANCELLED = "cancelled", "Cancelled"


class SlaLedgerEntry(models.Model):
    """Append-only: every transition of every clock, with the clock as it stood after it.

    Replaying a clock's rows through the pure machine rebuilds the clock row exactly, so
    each stored number can be explained and defended.
    """

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="ledger")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()  # when the fact happened (a threshold's own second for alerts)
    observed_at = models.DateTimeField()  # when tierdesk saw it: the change or the sweep
    transition = models.CharField(max_length=16, choices=Transition.choices)
    cause = models.ForeignKey(
        "tickets.TicketEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    running = models.BooleanField()
    elapsed_seconds = models.BigIntegerField()
    target_seconds = models.PositiveIntegerField()
    warn_percent = models.PositiveSmallIntegerField()
    business_time = models.BooleanField()
    calendar_version = models.ForeignKey(
        "tiers.CalendarVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["clock", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "seq"], name="one_ledger_row_per_clock_seq"),
        ]


class AlertKind(models.TextChoices):
    WARNING = "warning", "Warning"
    BREACH = "breach", "Breach"


class SlaAlert(models.Model):
    """A warning or breach, recorded once per clock: the constraint makes a second worker lose."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clock", "kind"], name="one_alert_per_clock_kind"),
        ]


class EscalationAction(models.TextChoices):
    NOTIFY_ASSIGNEE = "notify_assignee", "Notify the assignee"
    NOTIFY_GROUP_LEAD = "notify_group_lead", "Notify the group lead"
    NOTIFY_ACCOUNT_MANAGER = "notify_account_manager", "Notify the account manager"
    RAISE_PRIORITY = "raise_priority", "Raise the priority one step"
    REASSIGN_TO_GROUP = "reassign_to_group", "Reassign to a group"


class EscalationRule(models.Model):
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="escalation_rules")
    on = models.CharField(max_length=16, choices=AlertKind.choices)
    metric = models.CharField(max_length=24, choices=Metric.choices, blank=True)  # blank: any
    action = models.CharField(max_length=32, choices=EscalationAction.choices)
    group = models.ForeignKey(
        AgentGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["tier", "on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action="reassign_to_group") | models.Q(group__isnull=False),
                name="reassign_needs_group",
            ),
        ]

    def __str__(self) -> str:
        metric = self.get_metric_display().lower() if self.metric else "any metric"
        action = self.get_action_display().lower()
        return f"{self.tier} · on {self.get_on_display().lower()} of {metric}: {action}"


class Notification(models.Model):
    """An in-app notice to a person; email and chat delivery hang off it later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(Ticket, null=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
