"""Rate limits for forms anyone may post: attempts counted per key in Django's cache.

Fixed windows (an hour by default): simple, and a sender who waits for the next window
can write again. The counts live in the configured cache, so several server processes
share them only on a shared cache (Redis through ``REDIS_URL``); with the default
in-process cache each process counts on its own.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    per_window: int
    window_seconds: int


def hit(limit: Limit, key: str, *, now: float | None = None) -> int | None:
    """Count one attempt by ``key``; over the limit, the whole seconds until it resets."""
    now = time.time() if now is None else now
    window = int(now // limit.window_seconds)
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    cache_key = f"tierdesk:limit:{limit.scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=limit.window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr: this is the first attempt again
        cache.set(cache_key, 1, timeout=limit.window_seconds)
        count = 1
    if count <= limit.per_window:
        return None
    return max(1, math.ceil((window + 1) * limit.window_seconds - now))
