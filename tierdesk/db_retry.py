"""A read whose database connection dropped mid-request runs once more on a fresh connection.

GET and HEAD change nothing, so running the view again is safe and the client sees a 200
instead of a 500 when the database blinked (a restart, a failover, an idle connection cut
by a proxy). Writes are never run twice here: their clients retry with an Idempotency-Key
(tierdesk.idempotency). Connections that died while idle are replaced before use by the
pool's health check (tierdesk.db_pool); after a drop, every idle connection of the pool is
checked before the second read, since what killed one backend often killed them all.
"""

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.urls import resolve

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _connection_dropped() -> bool:
    """Close the connection if the error left it unusable; True when it was closed."""
    if connection.connection is not None:
        connection.close_if_unusable_or_obsolete()
        if connection.connection is not None:
            return False
    pool = getattr(connection, "pool", None)
    if pool is not None:
        pool.check()
    return True


class RetryReadsOnDroppedConnection:
    def __init__(self, get_response: object) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)  # type: ignore[operator,no-any-return]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.method not in SAFE_METHODS or getattr(request, "_tierdesk_db_retried", False):
            return None
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if connection.in_atomic_block or not _connection_dropped():
            return None  # a query the database refused, not a lost connection
        request._tierdesk_db_retried = True  # type: ignore[attr-defined]
        log.warning("Connection lost on %s %s; reading again", request.method, request.path)
        match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
        try:
            response = match.func(request, *match.args, **match.kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
        except Exception:
            log.exception("The second read of %s failed too", request.path)
            return None  # the first error's 500, in the usual shape
        return response  # type: ignore[no-any-return]
