"""ORM queries compiled to SQL once and run again, with new parameters or the same ones.

Turning a queryset into SQL costs Django about as much as PostgreSQL takes to run a hot
indexed read: the token lookup of every API request, or a list page's rows and clocks,
spent more time being compiled than being answered. These queries are still written with
the ORM (the same SQL, the same model instances or ``values()`` rows, the same
converters); only the compiling is done once and kept, bounded, per process.

- ``Compiled``: one SQL per shape (say, the number of ids in an ``IN``); each call swaps in
  its parameters. ``build(params)`` must compile to exactly ``params`` as its SQL
  parameters, in order; checked on every first compile, so a query that inlines or
  transforms a value fails loudly instead of running stale SQL.
- ``Memoized``: one SQL per key, where the key holds everything the query is built from;
  the parameters are kept with the SQL. ``count`` counts its rows the same way.
"""

from collections.abc import Callable, Hashable, Sequence
from copy import copy
from threading import Lock
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

MAX_ENTRIES = 256

# queryset, its compiler after compiling, SQL, parameters
Entry = tuple[QuerySet[Any, Any], Any, str, tuple[Any, ...]]


def _compile(qs: QuerySet[Any, Any]) -> Entry | None:
    """The queryset with its SQL, or None for one that can match nothing (``none()``)."""
    compiler = qs.query.get_compiler(using=qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return qs, compiler, sql, tuple(params)


def _run(entry: Entry, params: tuple[Any, ...]) -> list[Any]:
    qs, compiler, sql, _ = entry
    bound = copy(compiler)  # the compiled one is shared: each call binds its own
    bound.connection = connections[qs.db]  # this thread's connection
    bound.as_sql = lambda *args, **kwargs: (sql, params)
    chained = qs._chain()
    chained.query.get_compiler = lambda *args, **kwargs: bound
    return list(chained)


class _Cache:
    def __init__(self) -> None:
        self._entries: dict[Hashable, Entry] = {}
        self._lock = Lock()

    def get(self, key: Hashable) -> Entry | None:
        return self._entries.get(key)

    def put(self, key: Hashable, entry: Entry) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:  # the oldest goes: hot keys come back
                self._entries.pop(next(iter(self._entries)), None)
            self._entries[key] = entry


class Compiled:
    def __init__(self, build: Callable[[Sequence[Any]], QuerySet[Any, Any]]) -> None:
        self.build = build
        self._cache = _Cache()

    def run(self, params: Sequence[Any], *, shape: Hashable = None) -> list[Any]:
        """The query's rows for these parameters (model instances or ``values()`` rows)."""
        entry = self._cache.get(shape)
        if entry is None:
            qs = self.build(params)
            entry = _compile(qs)
            if entry is None:
                return list(qs)
            if list(entry[3]) != list(params):
                raise ValueError(
                    f"{self.build!r} compiles to parameters {entry[3]!r}, not {tuple(params)!r}"
                )
            self._cache.put(shape, entry)
        return _run(entry, tuple(params))


class Memoized:
    def __init__(self) -> None:
        self._cache = _Cache()

    def run(self, key: Hashable, build: Callable[[], QuerySet[Any, Any]]) -> list[Any]:
        """The rows of ``build()``, compiled once for ``key``: all that ``build`` reads."""
        entry = self._cache.get(key)
        if entry is None:
            qs = build()
            entry = _compile(qs)
            if entry is None:
                return list(qs)
            self._cache.put(key, entry)
        return _run(entry, entry[3])

    def count(self, key: Hashable, build: Callable[[], QuerySet[Any, Any]]) -> int:
        """How many rows ``build()`` has (a sliced one: up to its slice), compiled once for
        ``key``; Django would rebuild ``COUNT(*)`` around the query on every call."""
        entry = self._cache.get(key)
        if entry is None:
            entry = _compile(build())
            if entry is None:
                return 0
            self._cache.put(key, entry)
        qs, _, sql, params = entry
        with connections[qs.db].cursor() as cursor:
            # The ORM's own SQL for the query, its parameters bound by the driver.
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)  # noqa: S608
            return int(cursor.fetchone()[0])
