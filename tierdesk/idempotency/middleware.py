"""Idempotency-Key on API writes: a client's retry after a lost answer never writes twice.

A POST, PUT, PATCH or DELETE under /api/ carrying `Idempotency-Key` runs inside one
transaction together with the record of its answer: either both commit or neither does.
The same client sending the same key again gets the first answer replayed (with header
`Idempotent-Replayed: true`) and nothing is written; the same key with another body is a
422; a retry that arrives while the first is still running waits for it (the unique row
is locked) and then replays it. Answers of 5xx are not kept, so such a request can be
retried. Keys live TIERDESK_IDEMPOTENCY_HOURS (default 24) and are pruned by the worker.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tierdesk.api_guard import error_response
from tierdesk.idempotency.models import IdempotentRequest

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
HEADER = "Idempotency-Key"


def _client(request: HttpRequest) -> str | None:
    credential = request.headers.get("Authorization") or request.COOKIES.get(
        settings.SESSION_COOKIE_NAME
    )
    return hashlib.sha256(credential.encode()).hexdigest() if credential else None


def _replay(stored: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        bytes(stored.response), status=stored.status, content_type=stored.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def prune(*, now: datetime) -> int:
    horizon = now - timedelta(hours=settings.TIERDESK_IDEMPOTENCY_HOURS)
    return IdempotentRequest.objects.filter(created_at__lt=horizon).delete()[0]


class IdempotencyKeys:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES or not request.path.startswith("/api/"):
            return self.get_response(request)
        client = _client(request)
        if client is None:
            return self.get_response(request)  # anonymous: refused by the API anyway
        if not 1 <= len(key) <= 255 or not key.isprintable():
            return error_response(
                422,
                "invalid",
                "Idempotency-Key must be 1 to 255 printable characters.",
                {HEADER: "1 to 255 printable characters"},
            )
        try:
            digest = hashlib.sha256(request.body).hexdigest()
        except RequestDataTooBig:
            return self.get_response(request)  # refused with a 413, nothing to remember
        try:
            with transaction.atomic():
                stored = (
                    IdempotentRequest.objects.select_for_update()
                    .filter(client=client, key=key)
                    .first()
                )
                if stored is not None:
                    return self._answer_again(stored, request, digest)
                response = self.get_response(request)
                if response.status_code >= 500 or getattr(response, "streaming", False):
                    return response
                IdempotentRequest.objects.create(
                    client=client,
                    key=key,
                    method=request.method or "",
                    path=request.path,
                    body_digest=digest,
                    status=response.status_code,
                    content_type=response.get("Content-Type", "application/json"),
                    response=response.content,
                    created_at=timezone.now(),
                )
                return response
        except IntegrityError:
            # A concurrent first use of the key committed while this one ran: answer as it.
            stored = IdempotentRequest.objects.get(client=client, key=key)
            return self._answer_again(stored, request, digest)

    @staticmethod
    def _answer_again(stored: IdempotentRequest, request: HttpRequest, digest: str) -> HttpResponse:
        if (stored.method, stored.path, stored.body_digest) != (
            request.method,
            request.path,
            digest,
        ):
            return error_response(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was used for another request; use a new key.",
                {HEADER: "already used for another request"},
            )
        return _replay(stored)
