"""ORM queries compiled to SQL once per shape and run again with new parameters.

Turning a queryset into SQL costs Django about as much as PostgreSQL takes to run a hot
indexed read: the token lookup of every API request, or a list page's clocks, spent more
time being compiled than being answered. A ``Compiled`` query is still written with the
ORM (the same SQL, the same model instances or ``values()`` rows, the same converters);
only the compiling is done once per shape (say, the number of ids in an ``IN``), and the
next calls swap in their parameters.

The contract that makes swapping safe: ``build(params)`` must compile to exactly
``params`` as its SQL parameters, in order. It is checked on every first compile, so a
query that inlines or transforms a value fails loudly instead of running stale SQL.
"""

from collections.abc import Callable, Hashable, Sequence
from copy import copy
from threading import Lock
from typing import Any

from django.db import connections
from django.db.models import QuerySet

MAX_SHAPES = 256


class Compiled:
    def __init__(self, build: Callable[[Sequence[Any]], QuerySet[Any, Any]]) -> None:
        self.build = build
        self._shapes: dict[Hashable, tuple[QuerySet[Any, Any], Any, str]] = {}
        self._lock = Lock()

    def _compiled(self, shape: Hashable, params: Sequence[Any]) -> tuple[Any, Any, str]:
        found = self._shapes.get(shape)
        if found is not None:
            return found
        qs = self.build(params)
        compiler = qs.query.get_compiler(using=qs.db)
        sql, compiled_params = compiler.as_sql()
        if list(compiled_params) != list(params):
            raise ValueError(
                f"{self.build!r} compiles to parameters {compiled_params!r}, not {params!r}"
            )
        with self._lock:
            if len(self._shapes) >= MAX_SHAPES:
                self._shapes.clear()
            self._shapes[shape] = (qs, compiler, sql)
        return qs, compiler, sql

    def run(self, params: Sequence[Any], *, shape: Hashable = None) -> list[Any]:
        """The query's rows for these parameters (model instances or ``values()`` rows)."""
        qs, compiler, sql = self._compiled(shape, params)
        bound = copy(compiler)  # the compiled one is shared: each call binds its own
        bound.connection = connections[qs.db]  # this thread's connection
        frozen = tuple(params)
        bound.as_sql = lambda *args, **kwargs: (sql, frozen)
        chained = qs._chain()
        chained.query.get_compiler = lambda *args, **kwargs: bound
        return list(chained)
