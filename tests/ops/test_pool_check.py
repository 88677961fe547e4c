"""The pool asks the database about a connection only when it sat idle a while.

PostgreSQL only: SQLite has no pool and no connection to lose.
"""

import psycopg
import pytest
from django.db import connection

from tests.sla.test_worker_processes import database_url
from tierdesk.db_pool import RECENT_S, check_if_idle

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="checks PostgreSQL connections"
)


@pytest.fixture
def dead_connection(db):
    """A connection whose backend was terminated behind its back."""
    conn = psycopg.connect(database_url(), autocommit=True)
    with psycopg.connect(database_url(), autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s)", [conn.info.backend_pid])
    yield conn
    conn.close()


def test_a_connection_never_handed_out_is_asked(dead_connection):
    with pytest.raises(psycopg.OperationalError):
        check_if_idle(dead_connection)


def test_a_connection_handed_out_a_moment_ago_is_not_asked_again(dead_connection):
    dead_connection._tierdesk_handed_out = 10**9  # far in the future of monotonic()
    check_if_idle(dead_connection)  # no round trip: the dead backend goes unnoticed here


def test_a_connection_idle_past_the_grace_is_asked(dead_connection):
    from time import monotonic

    dead_connection._tierdesk_handed_out = monotonic() - RECENT_S - 1
    with pytest.raises(psycopg.OperationalError):
        check_if_idle(dead_connection)
