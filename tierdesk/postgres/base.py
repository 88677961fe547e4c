"""Django's PostgreSQL backend, its pool skipping dead connections without waiting.

psycopg_pool checks a connection before handing it out (CONN_HEALTH_CHECKS) and, after each
failed check, sleeps before taking the next one: 1 s, then 2, 4, 8, 16 s. After a database
restart every idle connection of a warm pool is dead, so the first request walks them one
by one and the sleeps add up past the 30 s checkout timeout: it fails though the database
is back. Under repeated kills (a failover, an operator ending backends) the sleeps keep
requests waiting long after the database has recovered. A dead connection costs a local
error, not a round trip, so the next one is taken at once; a short pause remains between
checks only so that a database refusing every new connection is not polled in a tight loop.
"""

from time import monotonic, sleep

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from psycopg import Connection
from psycopg_pool import ConnectionPool, PoolTimeout

RECHECK_PAUSE_S = 0.02


class RecoveringPool(ConnectionPool[Connection]):  # type: ignore[misc]
    """psycopg_pool's ConnectionPool whose checkout goes on at once past a failed check.

    Overrides the pool's checkout loop (psycopg-pool 3.3, pinned); tests/ops pins the
    behaviour (a warm pool after a restart, repeated kills).
    """

    def _getconn_with_check_loop(self, deadline: float) -> Connection:
        while True:
            conn = self._getconn_unchecked(deadline - monotonic())
            try:
                self._check_connection(conn)
            except BaseException as error:
                self._putconn(conn, from_getconn=True)  # replaced by a fresh one in the pool
                if not isinstance(error, Exception):
                    raise  # cancellation, interrupt: no further attempt
            else:
                return conn
            if monotonic() >= deadline:
                raise PoolTimeout()
            sleep(RECHECK_PAUSE_S)


class DatabaseWrapper(PostgresWrapper):
    @property
    def pool(self) -> ConnectionPool | None:  # type: ignore[type-arg]
        pool = super().pool
        if pool is not None and type(pool) is ConnectionPool:
            # Django builds the pool itself; same fields, one method differs.
            pool.__class__ = RecoveringPool
        return pool
