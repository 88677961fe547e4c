"""The telephony system's webhook: POST /api/v1/phone/events, signed with HMAC (docs/phone.md)."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field
from pydantic import ValidationError as PydanticError

from tierdesk.errors import Invalid
from tierdesk.live.phone import Caller, PhoneEvent, apply_phone_event, verify_webhook

router = Router(tags=["phone"])


class CallerIn(Schema):
    phone: str = Field(min_length=1, max_length=40)
    email: str = Field(default="", max_length=254)
    name: str = Field(default="", max_length=120)


class PhoneEventIn(Schema):
    type: Literal[
        "offered", "answered", "abandoned", "ended", "callback_requested", "callback_completed"
    ]
    call_id: str = Field(min_length=1, max_length=255)
    at: datetime
    queue: str = Field(default="", max_length=80)
    caller: CallerIn | None = None
    agent: str = Field(default="", max_length=254)
    wait_seconds: int | None = Field(default=None, ge=0)
    talk_seconds: int | None = Field(default=None, ge=0)
    number: str = Field(default="", max_length=40)


class PhoneEventOut(Schema):
    call_id: str
    live_contact_id: int
    ticket_id: int
    outcome: str
    changed: bool
    wait_seconds: int | None
    answer_target_seconds: int | None
    answered_in_time: bool | None
    talk_seconds: int | None


def _parsed(body: bytes) -> PhoneEvent:
    try:
        data = PhoneEventIn.model_validate_json(body or b"{}")
    except PydanticError as exc:
        fields = {".".join(str(p) for p in e["loc"]) or "body": str(e["msg"]) for e in exc.errors()}
        raise Invalid("Some fields are invalid; see fields.", fields=fields) from None
    caller = Caller(**data.caller.model_dump()) if data.caller else None
    return PhoneEvent(**{**data.model_dump(exclude={"caller"}), "caller": caller})


@router.post("/events", auth=None, response=PhoneEventOut, summary="A telephony event")
def phone_event(request: HttpRequest) -> dict[str, object]:
    """One call event from the telephony system; see docs/phone.md for the signature."""
    verified = verify_webhook(
        body=request.body,
        timestamp=request.headers.get("X-Tierdesk-Timestamp"),
        signature=request.headers.get("X-Tierdesk-Signature"),
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    applied = apply_phone_event(_parsed(request.body), verified=verified)
    live = applied.live
    return {
        "call_id": live.external_id,
        "live_contact_id": live.pk,
        "ticket_id": live.ticket_id,
        "outcome": live.outcome,
        "changed": applied.changed,
        "wait_seconds": live.wait_seconds,
        "answer_target_seconds": live.answer_target_seconds,
        "answered_in_time": live.answered_in_time,
        "talk_seconds": live.talk_seconds,
    }
