"""Tickets, their conversation, attachments, tags and the append-only event log."""

from django.conf import settings
from django.db import models

from tierdesk.accounts.models import AgentGroup
from tierdesk.customers.models import Contact, Organization
from tierdesk.tiers.models import Channel, Priority, Tier


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending (waiting on customer)"
    ON_HOLD = "on_hold", "On hold"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)

# Which status may follow which; closed is final (a later message opens a follow-up).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


# The ticket's columns the KPIs slice by (tierdesk.kpis.catalog.TICKET_SLICES); the SLA
# clocks keep a copy of them (tierdesk.sla.services.copy_ticket_slices).
KPI_SLICE_FIELDS = ("tier", "organization", "channel", "priority", "group", "assignee")


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class TicketQuerySet(models.QuerySet["Ticket"]):
    def open(self) -> "TicketQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class Ticket(models.Model):
    subject = models.CharField(max_length=200)
    requester = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="tickets")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="tickets")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="tickets")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    group = models.ForeignKey(
        AgentGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    opened_by_agent = models.BooleanField(default=False)
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The nearest due time of the ticket's running SLA clocks, kept by the SLA service.
    sla_due_at = models.DateTimeField(null=True, blank=True)
    # Kept by the ticket services with each message and reopen, in the same transaction, so
    # that the KPIs read one row per ticket (docs/kpis.md, "How the KPIs stay fast"):
    # the first public human agent message, how many there are, and how many reopens.
    first_response_at = models.DateTimeField(null=True, blank=True)
    public_agent_replies = models.PositiveIntegerField(default=0)
    reopens = models.PositiveIntegerField(default=0)

    objects = TicketQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "sla_due_at"], name="ticket_queue"),  # agent_queue()
            # queue_page(): open tickets by due time, counted per saved view without the table.
            models.Index(
                fields=["sla_due_at", "id", "assignee"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="ticket_open_by_due",
            ),
            # queue_page() filtered by priority ("urgent"): counted and paged by due time
            # from the index alone, not by reading every open ticket.
            models.Index(
                fields=["priority", "sla_due_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="ticket_open_by_priority",
            ),
            # queue_page() sorted by last update (the customers' default order too).
            models.Index(
                fields=["updated_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="ticket_open_by_update",
            ),
            models.Index(
                fields=["organization", "-created_at"], name="ticket_org"
            ),  # tickets_for()
            # With the ticket's id (PostgreSQL): an agent's tickets are read from the index
            # alone when a KPI joins them to its rows (an agent's CSAT).
            models.Index(fields=["assignee", "status"], include=["id"], name="ticket_assignee"),
            models.Index(fields=["-created_at"], name="ticket_recent"),
            # kpis: resolution_time, first_contact_resolution, reopen_rate, backlog. Covering
            # (PostgreSQL): what those KPIs read and slice by, so that a range of solves is
            # read from the index alone instead of one ticket row per solve (docs/kpis.md).
            # The backlog's own index, ticket_open, is made by migration 0007.
            models.Index(
                fields=["solved_at"],
                include=[
                    "id",
                    "created_at",
                    "closed_at",
                    "public_agent_replies",
                    "reopens",
                    *KPI_SLICE_FIELDS,
                ],
                name="ticket_solved",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class MessageKind(models.TextChoices):
    PUBLIC = "public", "Public reply"
    INTERNAL = "internal", "Internal note"


class AuthorKind(models.TextChoices):
    AGENT = "agent", "Agent"
    CUSTOMER = "customer", "Customer"
    SYSTEM = "system", "Automatic"
    BOT = "bot", "Bot"


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    author_kind = models.CharField(max_length=16, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    body = models.TextField()
    created_at = models.DateTimeField()
    # The channel the message came in or went out by, and its id there (an email's
    # Message-ID, a chat message id, a call id): threading and de-duplication are queries.
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    external_id = models.CharField(max_length=255, blank=True)
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_thread")]
        constraints = [
            # One message per id per channel: a redelivered email or chat frame is the same
            # message (message_by_external_id()).
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="one_message_per_external_id",
            ),
        ]


class Attachment(models.Model):
    """An uploaded file; it joins a message when a reply or note names it."""

    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    # Empty for files that came in with a message (an email attachment): nobody signed in.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="uploads",
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()


class EventKind(models.TextChoices):
    CREATED = "created", "Ticket created"
    MESSAGE_ADDED = "message_added", "Public reply"
    NOTE_ADDED = "note_added", "Internal note"
    STATUS_CHANGED = "status_changed", "Status changed"
    PRIORITY_CHANGED = "priority_changed", "Priority changed"
    ASSIGNEE_CHANGED = "assignee_changed", "Assignee changed"
    GROUP_CHANGED = "group_changed", "Group changed"
    TAGS_CHANGED = "tags_changed", "Tags changed"
    TIER_CHANGED = "tier_changed", "Tier changed"
    REOPENED = "reopened", "Reopened"
    FOLLOW_UP_CREATED = "follow_up_created", "Follow-up ticket created"
    CLOCK_STARTED = "clock_started", "SLA clock started"
    CLOCK_PAUSED = "clock_paused", "SLA clock paused"
    CLOCK_RESUMED = "clock_resumed", "SLA clock resumed"
    CLOCK_ACHIEVED = "clock_achieved", "SLA target achieved"
    CLOCK_SATISFIED_LATE = "clock_satisfied_late", "SLA target met late"
    CLOCK_RECOMPUTED = "clock_recomputed", "SLA due time recomputed"
    CLOCK_CANCELLED = "clock_cancelled", "SLA clock cancelled"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACHED = "sla_breached", "SLA breached"
    ESCALATED = "escalated", "Escalation action"
    # Live contacts (tierdesk/live): calls and chats waiting in a queue for an agent.
    CALL_OFFERED = "call_offered", "Call offered"
    CALL_ANSWERED = "call_answered", "Call answered"
    CALL_ABANDONED = "call_abandoned", "Call abandoned"
    CALL_ENDED = "call_ended", "Call ended"
    CALLBACK_REQUESTED = "callback_requested", "Callback requested"
    CALLBACK_COMPLETED = "callback_completed", "Callback completed"
    CHAT_OFFERED = "chat_offered", "Chat waiting"
    CHAT_ACCEPTED = "chat_accepted", "Chat accepted"
    CHAT_ABANDONED = "chat_abandoned", "Chat abandoned"
    CHAT_ENDED = "chat_ended", "Chat ended"
    # Surveys (tierdesk/surveys).
    SURVEY_SENT = "survey_sent", "Survey sent"
    SURVEY_ANSWERED = "survey_answered", "Survey answered"


class AppendOnly(Exception):
    pass


class TicketEvent(models.Model):
    """What happened to a ticket, by whom and when; written with the change, never edited."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="event_history")]

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnly("ticket events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnly("ticket events are append-only")
