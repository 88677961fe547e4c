"""What the OpenAPI document says beyond Ninja's own: refusals, and times of day without zone.

Ninja describes only the success of each operation, while every endpoint can also refuse in
the one error shape (``tierdesk.api``): a missing or bad token, a role or an organization
that may not see the row, an id that is not there, a state that forbids the change, a body
too large or invalid. A client generated from the document must know those answers exist.

Times of day (opening hours, a closed day's hours) are local to the calendar's time zone and
carry no offset. JSON Schema's ``time`` format is RFC 3339's ``full-time``, which requires
one; the document says ``partial-time`` with its pattern, which is what the API reads and
writes.
"""

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}

REFUSALS = {
    "400": "The request cannot be read.",
    "401": "No valid token or session.",
    "403": "This role or organization may not do this.",
    "404": "No such row, or one this user may not see.",
    "409": "The row's state does not allow this now.",
    "413": "The body or an uploaded file is too large.",
    "422": "Some fields are invalid; `fields` names each.",
}
# Answered only where an operation says so: a service that is not set up yet.
EXTRA = {("post", "/api/v1/phone/events"): {"503": "Phone events are not configured."}}


PARTIAL_TIME = {"format": "partial-time", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"}


def _local_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time":
            node.update(PARTIAL_TIME)
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def with_refusals(schema: dict[str, Any]) -> dict[str, Any]:
    _local_times(schema.get("components", {}))
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, text in (REFUSALS | EXTRA.get((method, path), {})).items():
                responses.setdefault(status, {"description": text, "content": body})
    return schema
