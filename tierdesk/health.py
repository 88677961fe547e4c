"""Liveness and readiness for load balancers and orchestrators: /healthz and /readyz.

Liveness says only that the process answers (restart it if not); readiness says whether it
can serve now: the database answers and has every migration applied, and the channel
layer's Redis answers when one is configured. Neither needs a login nor touches a session.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


_migrated = False  # once every migration is applied, a running process need not look again


def _database() -> str:
    global _migrated
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    if not _migrated:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return f"{len(pending)} migrations not applied"
        _migrated = True
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    return "ok"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, check in (("database", _database), ("redis", _redis)):
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready", said by name
            checks[name] = f"failed: {type(error).__name__}"
    ready = all(v in ("ok", "not configured") for v in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )
