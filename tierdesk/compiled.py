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
- ``read_models``: the rows of a hand-written SELECT of a model's every column, in the
  order ``columns_of`` names them, as model instances with the ORM's converters applied
  (``raw()`` works out the same mapping from the cursor on every call).
"""

from collections.abc import Callable, Hashable, Sequence
from copy import copy
from functools import cache
from threading import Lock
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet

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


def columns_of(model: type[Model], table: str) -> str:
    """Every concrete column of ``model`` as ``table.column``, in field order, quoted."""
    quote = connections["default"].ops.quote_name
    return ", ".join(f"{table}.{quote(f.column)}" for f in model._meta.concrete_fields)


@cache
def _converters(model: type[Model], alias: str) -> tuple[tuple[int, Any, tuple[Any, ...]], ...]:
    connection = connections[alias]
    found = []
    for i, f in enumerate(model._meta.concrete_fields):
        col = f.get_col(model._meta.db_table)
        found_here = (*connection.ops.get_db_converters(col), *f.get_db_converters(connection))
        if found_here:
            found.append((i, col, found_here))
    return tuple(found)


def read_models[M: Model](
    model: type[M], sql: str, params: Sequence[Any], *, using: str = "default"
) -> list[M]:
    """Model instances from ``sql``, which selects ``columns_of(model, ...)``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    converters = _converters(model, using)
    found = []
    for row in rows:
        values = list(row)
        for i, col, convs in converters:
            for convert in convs:
                values[i] = convert(values[i], col, connection)
        found.append(model.from_db(using, None, values))
    return found
