"""The API's outer guard: input no database can hold is refused before a view runs, and
every answer under /api/ — unknown routes, wrong methods, crashes — keeps the error shape.

Why a middleware: a NUL character or an integer past 64 bits fails deep in the database
driver (PostgreSQL refuses NUL in text, SQLite overflows on a 20-digit id), whichever
endpoint it reached. Checking once at the edge names the field for every endpoint alike,
including the ones added later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger("tierdesk.api")

API_PREFIX = "/api/"
# The largest value a signed 64-bit integer column holds (PostgreSQL bigint, SQLite INTEGER).
MAX_INT = 2**63 - 1

STATUS_CODES = {
    404: ("not_found", "There is no such API route; see /api/docs."),
    405: ("method_not_allowed", "This route does not take that method; see /api/docs."),
    500: ("server_error", "Something went wrong on our side; it has been logged."),
}


def error_response(status: int, code: str, message: str, fields: dict[str, str] | None = None):
    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status
    )


def _integer_too_large(text: str) -> bool:
    stripped = text.strip().lstrip("+-")
    return stripped.isdigit() and len(stripped) > 18 and int(stripped) > MAX_INT


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(field path, problem) for every NUL character or out-of-range integer in a JSON value."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path, "must not contain the NUL character"
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if abs(value) > MAX_INT:
            yield path, f"must be between {-MAX_INT} and {MAX_INT}"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}" if path else str(index))


def _query_problems(request: HttpRequest) -> Iterator[tuple[str, str]]:
    for name, values in request.GET.lists():
        for value in values:
            if "\x00" in value or "\x00" in name:
                yield name, "must not contain the NUL character"
            elif _integer_too_large(value):
                yield name, f"must be at most {MAX_INT}"


def _path_problems(view_kwargs: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in view_kwargs.items():
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            yield name, f"must be at most {MAX_INT}"
        elif isinstance(value, str) and ("\x00" in value or _integer_too_large(value)):
            yield name, "is not a valid id"


def _body_problems(request: HttpRequest) -> Iterator[tuple[str, str]]:
    if not request.content_type or "json" not in request.content_type:
        return
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return  # the API answers malformed JSON itself, with its own message
    yield from _walk(body, "")


class ApiGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or request.path.startswith("/api/docs"):
            return response
        shaped = STATUS_CODES.get(response.status_code)
        if shaped and not response.get("Content-Type", "").startswith("application/json"):
            return error_response(response.status_code, *shaped)
        return response

    def process_view(
        self, request: HttpRequest, view: object, args: object, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        fields: dict[str, str] = {}
        problems = [*_path_problems(view_kwargs), *_query_problems(request)]
        try:
            problems += list(_body_problems(request))
        except RequestDataTooBig:
            pass  # the API answers an oversize body itself, with a 413
        for name, problem in problems:
            fields.setdefault(name or "body", problem)
        if not fields:
            return None
        return error_response(
            422,
            "invalid",
            "Some fields hold values no record can store; see fields.",
            fields,
        )

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        log.exception("Unexpected error on %s %s", request.method, request.path)
        return error_response(500, *STATUS_CODES[500])
