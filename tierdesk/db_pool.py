"""The PostgreSQL pool's health check: a round trip only for a connection that sat idle.

Checking every checkout (``ConnectionPool.check_connection``) costs each request one more
round trip to the database, a fifth of the cheapest authenticated API call. A connection
handed out moments ago was working moments ago; what dies is a connection left idle (a
database restart, a failover, a proxy's idle timeout), so only those are asked. A backend
killed within the grace is met by the request that uses it: reads run again on a fresh
connection (``db_retry``), which first has the pool check every idle connection it holds.
"""

from time import monotonic
from typing import Any

from psycopg_pool import ConnectionPool

# Seconds a connection may have been out of the pool's sight and still skip the round trip.
RECENT_S = 1.0


def check_if_idle(conn: Any) -> None:
    """Raise if the connection is broken; ask the server only when it was idle a while."""
    now = monotonic()
    last = getattr(conn, "_tierdesk_handed_out", None)
    if conn.closed or last is None or now - last > RECENT_S:
        ConnectionPool.check_connection(conn)
    # Stamped at checkout: a request longer than the grace makes the next checkout check.
    conn._tierdesk_handed_out = now
