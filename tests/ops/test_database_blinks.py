"""A database that blinks: its backends are terminated, and reads still answer 200.

PostgreSQL only: pg_terminate_backend is how a restart, a failover or a proxy's idle timeout
looks to tierdesk. SQLite has no connection to lose.
"""

import urllib.request

import psycopg
import pytest
from django.db import connection

from tests.chat.conftest import start_server  # noqa: F401
from tests.sla.test_worker_processes import database_url
from tierdesk.accounts.services import issue_token
from tierdesk.tickets.models import Ticket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends"),
]


def terminate(*, pid=None):
    """Terminate one backend, or every other backend of the test database; how many went."""
    with psycopg.connect(database_url(), autocommit=True) as admin:
        if pid is not None:
            return admin.execute("select count(*) from pg_terminate_backend(%s)", [pid]).fetchone()[
                0
            ]
        return admin.execute(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid() "
            "and pid <> %s",
            [connection.connection.info.backend_pid if connection.connection else 0],
        ).fetchone()[0]


def get(server, path, token):
    request = urllib.request.Request(
        f"{server.http}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_next_read_after_the_backends_were_terminated_answers_200(
    start_server,  # noqa: F811
    alice,
    ticket,
):
    _, token = issue_token(user=alice, name="probe")
    server = start_server()
    assert get(server, f"/api/v1/tickets/{ticket.pk}", token) == 200  # the pool holds one now
    assert terminate() >= 1
    assert get(server, f"/api/v1/tickets/{ticket.pk}", token) == 200
    assert get(server, "/api/v1/tickets", token) == 200


def test_a_read_whose_connection_drops_mid_request_is_answered(alice, ticket, api):
    client = api(alice)
    queries = []

    def drop_before_the_second_query(execute, sql, params, many, context):
        queries.append(sql)
        if len(queries) == 2:
            terminate(pid=connection.connection.info.backend_pid)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_before_the_second_query):
        response = client.get(f"/tickets/{ticket.pk}")
    assert response.status_code == 200
    assert response.body["id"] == ticket.pk
    assert len(queries) > 2  # the view ran again on a fresh connection


def test_a_write_whose_connection_drops_is_not_run_twice(carol, api):
    client = api(carol)
    calls = []

    def drop_on_insert(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and not calls:
            calls.append(sql)
            terminate(pid=connection.connection.info.backend_pid)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_on_insert):
        response = client.post("/tickets", {"subject": "Blink", "body": "x", "channel": "email"})
    assert response.status_code == 500
    assert response.body["error"]["code"] == "server_error"
    connection.close()
    assert not Ticket.objects.filter(subject="Blink").exists()  # rolled back, never retried


def test_a_warm_pool_after_a_restart_gives_a_live_connection_at_once(db):
    # Four idle connections, all ended at once (a restart): the checkout skips the dead
    # ones without sleeping between them. psycopg_pool's own loop sleeps 1 + 2 + 4 s
    # here, past this 5 s timeout.
    from psycopg_pool import ConnectionPool

    from tierdesk.postgres.base import RecoveringPool

    pool = RecoveringPool(
        database_url(),
        min_size=4,
        max_size=4,
        timeout=5,
        check=ConnectionPool.check_connection,
        open=True,
    )
    try:
        pool.wait(timeout=10)
        pids = []
        for _ in range(4):
            with pool.connection() as conn:
                pids.append(conn.info.backend_pid)
        for pid in set(pids):
            terminate(pid=pid)
        with pool.connection() as conn:
            assert conn.execute("select 1").fetchone() == (1,)
            assert conn.info.backend_pid not in pids
        assert pool.get_stats()["connections_lost"] >= 1
    finally:
        pool.close()


def test_the_pool_django_builds_is_the_recovering_one(db):
    from tierdesk.postgres.base import RecoveringPool

    assert type(connection.pool) is RecoveringPool
