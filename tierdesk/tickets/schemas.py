"""API shapes for tickets, messages, clocks and events."""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from ninja import Field
from pydantic import field_validator

from tierdesk.schemas import In, Out
from tierdesk.sla.services import clock_view, reply_due_at
from tierdesk.tickets.models import MessageKind, Ticket
from tierdesk.tickets.selectors import conversation

StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
PriorityName = Literal["low", "normal", "high", "urgent"]
ChannelName = Literal["email", "web", "chat", "phone", "api"]


class Ref(Out):
    id: int
    name: str


class PersonRef(Out):
    id: int
    name: str
    email: str


class ClockOut(Out):
    id: int  # for /tickets/{id}/clocks/{clock_id}/explain
    metric: str
    cycle: int
    state: str
    target_seconds: int
    business_time: bool
    elapsed_seconds: int
    remaining_seconds: int
    overdue: bool
    due_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    achieved_at: datetime | None = Field(
        description="When the metric's event happened, on time or late (then state is breached)."
    )
    stopped_at: datetime | None
    started_at: datetime
    running: bool
    policy_version_id: int | None


class ClockRef(Out):
    id: int
    metric: str
    cycle: int


class ClockExplanationOut(Out):
    """Why a clock is due when it is: the steps of its ledger, the time counted and skipped.

    ``steps`` and ``spans`` are described in docs/sla-explain.md; ``text`` says the same in
    English, times in the calendar's zone.
    """

    clock: ClockRef
    audience: Literal["agent", "customer"]
    now: datetime
    time_zone: str
    state: Literal["running", "paused", "achieved", "cancelled"]
    target_seconds: int
    business_time: bool
    elapsed_seconds: int
    left_seconds: int
    due: datetime | None
    steps: list[dict[str, Any]]
    spans: list[dict[str, Any]]
    text: str


class TicketOut(Out):
    id: int
    subject: str
    status: str
    priority: str
    channel: str
    tier: Ref
    organization: Ref
    requester: PersonRef
    assignee: PersonRef | None
    group: Ref | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    sla_due_at: datetime | None = Field(
        description="The nearest due time of the ticket's clocks; empty for customers."
    )
    reply_due_at: datetime | None = Field(
        description="When the next answer is promised (first or next response), for everyone."
    )
    clocks: list[ClockOut] = Field(description="The SLA clocks; agents only, empty for customers.")

    @staticmethod
    def resolve_assignee(obj: Ticket) -> dict[str, object] | None:
        a = obj.assignee
        return (
            {"id": a.pk, "name": a.get_full_name() or a.username, "email": a.email} if a else None
        )

    @staticmethod
    def resolve_tags(obj: Ticket) -> list[str]:
        return sorted(t.name for t in obj.tags.all())

    @staticmethod
    def resolve_clocks(obj: Ticket, context: dict[str, Any]) -> list[dict[str, object]]:
        if not _reader_is_agent(context):
            return []  # customers see when their answer is due, never internal clocks
        now = timezone.now()
        return [clock_view(c, now) for c in obj.clocks.all()]

    @staticmethod
    def resolve_sla_due_at(obj: Ticket, context: dict[str, Any]) -> datetime | None:
        return obj.sla_due_at if _reader_is_agent(context) else None

    @staticmethod
    def resolve_reply_due_at(obj: Ticket) -> datetime | None:
        return reply_due_at(obj.clocks.all())


class TicketPageOut(Out):
    items: list[TicketOut]
    count: int = Field(description="Matching tickets, exact up to 1,000.")
    count_capped: bool = Field(
        description="True when more than 1,000 match: count is then 1,000 (show it as 1,000+)."
    )
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page; empty on the last page."
    )


def _reader_is_agent(context: dict[str, Any] | None) -> bool:
    request = (context or {}).get("request")
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return bool(getattr(user, "is_agent", False))


class AttachmentOut(Out):
    id: int
    filename: str
    content_type: str
    size: int


class DeliveryOut(Out):
    """How the message's email is doing: queued (with its next attempt), sent, or failed."""

    state: Literal["queued", "sent", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str


class MessageOut(Out):
    id: int
    ticket_id: int = Field(
        description="The ticket the message is on: a customer's reply on a closed ticket "
        "lands on the follow-up it opened, so this differs from the ticket replied to."
    )
    kind: str
    author_kind: str
    author_name: str
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]
    channel: str
    delivery: DeliveryOut | None = Field(
        description="The email carrying this message to the customer, if any; agents only."
    )

    @staticmethod
    def resolve_delivery(obj: object, context: dict[str, Any]) -> object | None:
        if not _reader_is_agent(context):
            return None  # SMTP errors name our mail servers: staff only
        # The mail app sits above tickets: reach its row by the reverse accessor, no import.
        try:
            return getattr(obj, "email_delivery", None)
        except ObjectDoesNotExist:
            return None

    @staticmethod
    def resolve_author_name(obj: object) -> str:
        contact = getattr(obj, "contact", None)
        author = getattr(obj, "author", None)
        if contact is not None:
            return str(contact.name)
        if author is not None:
            return str(author.get_full_name() or author.username)
        return "tierdesk"

    @staticmethod
    def resolve_attachments(obj: object) -> list[object]:
        return list(obj.attachments.all())  # type: ignore[attr-defined]


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]

    @staticmethod
    def resolve_messages(obj: Ticket, context: dict[str, Any]) -> list[object]:
        user = context["request"].auth
        if "messages" in getattr(obj, "_prefetched_objects_cache", {}):  # a ticket just opened
            return [m for m in obj.messages.all() if user.is_agent or m.kind == MessageKind.PUBLIC]
        return list(conversation(user=user, ticket=obj))


class EventOut(Out):
    id: int
    kind: str
    actor_id: int | None
    at: datetime
    before: object | None
    after: object | None
    data: dict[str, object]


class TicketIn(In):
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)
    channel: ChannelName = "web"
    priority: PriorityName = "normal"
    requester_id: int | None = None
    tags: list[str] = Field(default_factory=list, max_length=20)
    attachments: list[int] = Field(default_factory=list, max_length=20)


class ReplyIn(In):
    body: str = Field(min_length=1)
    attachments: list[int] = Field(default_factory=list, max_length=20)
    status: StatusName | None = None


class NoteIn(In):
    body: str = Field(min_length=1)
    attachments: list[int] = Field(default_factory=list, max_length=20)


class TicketPatchIn(In):
    status: StatusName | None = None
    priority: PriorityName | None = None
    assignee_id: int | None = Field(default=None, description="0 unassigns")
    group_id: int | None = Field(default=None, description="0 removes the group")


class TagsIn(In):
    add: list[str] = Field(default_factory=list, max_length=20)
    remove: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("add", "remove")
    @classmethod
    def short(cls, names: list[str]) -> list[str]:
        if any(len(n) > 50 for n in names):
            raise ValueError("tags are at most 50 characters")
        return names


class TicketQuery(In):
    status: list[StatusName] | None = None
    priority: list[PriorityName] | None = None
    channel: ChannelName | None = None
    organization_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    tier_id: int | None = None
    tag: str | None = None
    q: str | None = Field(default=None, max_length=200)
    created_after: datetime | None = None
    created_before: datetime | None = None
    order: Literal["-created_at", "created_at", "sla_due_at", "-updated_at"] = "-created_at"
