"""Inserts and updates whose SQL is built once per model and column set, then rerun.

Django's insert and update compilers rebuild a statement's text on every ``save`` or
``bulk_create``: for a chat message's few rows (the message, its events, a clock, the
ledger, the ticket) that building cost more CPU than PostgreSQL takes to store them. Here
the text is made once from the model's own meta and kept; each call only prepares its
values with the fields' own ``pre_save`` and ``get_db_prep_save``, as the ORM does.

Like ``bulk_create``, ``insert`` sends no model signals; it is for the append-only rows
the services write in bulk already. A value that is an expression (``F()``, a database
default) is left to the ORM, which knows how to compile it.
"""

from collections.abc import Sequence
from functools import cache

from django.db import connections, router
from django.db.models import Field, Model

__all__ = ["insert", "update", "update_each"]


@cache
def _insert_fields(model: type[Model], *, with_pk: bool) -> tuple[Field, ...]:
    meta = model._meta
    return tuple(
        f
        for f in meta.concrete_fields
        if not getattr(f, "generated", False) and (with_pk or f is not meta.pk)
    )


@cache
def _insert_sql(model: type[Model], alias: str, rows: int, *, with_pk: bool) -> str:
    connection = connections[alias]
    quote, meta = connection.ops.quote_name, model._meta
    fields = _insert_fields(model, with_pk=with_pk)
    row = "({})".format(", ".join(["%s"] * len(fields)))
    # Identifiers come from the model's own meta, quoted; every value is a parameter.
    return "INSERT INTO {} ({}) VALUES {} RETURNING {}".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join([row] * rows),
        quote(meta.pk.column),
    )


def insert(objs: Sequence[Model]) -> None:
    """Insert new rows of one model and set their primary keys, as ``bulk_create`` does."""
    if not objs:
        return
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    with_pk = objs[0].pk is not None
    if any(type(o) is not model or (o.pk is not None) != with_pk for o in objs):
        model._default_manager.bulk_create(objs)  # mixed batches: the ORM sorts them out
        return
    fields = _insert_fields(model, with_pk=with_pk)
    params: list[object] = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        for f in fields:
            value = f.pre_save(obj, add=True)
            if hasattr(value, "resolve_expression"):
                model._default_manager.bulk_create(objs)
                return
            params.append(f.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, alias, len(objs), with_pk=with_pk), params)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        if not with_pk:
            obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias


@cache
def _update_sql(model: type[Model], alias: str, names: tuple[str, ...]) -> str:
    connection = connections[alias]
    quote, meta = connection.ops.quote_name, model._meta
    return "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(f"{quote(meta.get_field(n).column)} = %s" for n in names),
        quote(meta.pk.column),
    )


def update(obj: Model, names: Sequence[str]) -> None:
    """Save the named fields of a stored row, as ``save(update_fields=...)`` does."""
    model = type(obj)
    alias = obj._state.db or router.db_for_write(model)
    connection = connections[alias]
    names = tuple(dict.fromkeys(names))  # a field named twice is set once
    meta = model._meta
    values = []
    for name in names:
        f = meta.get_field(name)
        value = f.pre_save(obj, add=False)
        if hasattr(value, "resolve_expression"):
            obj.save(update_fields=names)
            return
        values.append(f.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(model, alias, names), [*values, obj.pk])
        if cursor.rowcount != 1:
            raise model.NotUpdated("Save with update_fields did not affect any rows.")


def update_each(rows: Sequence[Model], names: Sequence[str]) -> None:
    """Save the named fields of stored rows of one model: one prepared UPDATE run per row.

    ``bulk_update`` builds a CASE per field over the whole batch, which cost several times
    the CPU of the rest of a chat message or of the breach sweep; an ``executemany`` of one
    statement is pipelined by the driver.
    """
    if not rows:
        return
    model = type(rows[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    names = tuple(dict.fromkeys(names))
    fields = [model._meta.get_field(name) for name in names]
    params = [
        [f.get_db_prep_save(f.pre_save(row, add=False), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_update_sql(model, alias, names), params)
