"""Whether one change waits for the row locks another holds (PostgreSQL; SQLite has none)."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite has one writer at a time: no row locks"
)


def runs_beside[R](hold: Callable[[], object], run: Callable[[], R], *, wait_s: int = 15) -> R:
    """Run ``hold`` in a transaction kept open, then ``run`` in another thread beside it.

    Returns what ``run`` returns; raises TimeoutError when it waited on ``hold``'s locks.
    """
    holding, release = threading.Event(), threading.Event()

    def held() -> None:
        try:
            with transaction.atomic():
                hold()
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    def beside() -> R:
        try:
            return run()
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(held)
        assert holding.wait(30)
        try:
            result = pool.submit(beside).result(timeout=wait_s)
        finally:
            release.set()
        first.result()
    return result
