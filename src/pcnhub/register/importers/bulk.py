"""Writing rows as tuples: the fastest each database offers, inside the caller's
transaction.

An import decides everything in memory and then writes it (:mod:`.writer`).
Building a model instance per row only to hand it to ``bulk_create`` or
``bulk_update`` costs more than the write itself (issue 16), so the rows go
straight to the database: ``executemany`` on SQLite, ``COPY`` on PostgreSQL, and
updates ``executemany UPDATE ... WHERE id`` (SQLite) or ``UPDATE ... FROM`` a
table staged with ``COPY`` (PostgreSQL). Table and column names come from the
models' ``_meta``. Nothing here commits: the caller's ``transaction.atomic``
keeps an import all-or-nothing.

Rows carry no ids back: nothing written here is referred to by id later in the
same import (new versions, links and list sizes are found again by their natural
keys when a later import loads the register).

Reading goes the same way (:func:`values`): the register an import loads is tens
of thousands of rows, and Django's per-row converters cost more than the query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Context, Decimal
from itertools import islice
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models

BATCH = 2000

Convert = Callable[[Any], Any]


def _field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)  # type: ignore[return-value]


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(_field(model, name).column)


def _converters(
    model: type[models.Model], columns: Sequence[str]
) -> list[Convert | None]:
    """What each value needs before the database takes it (None: nothing).

    Python's sqlite3 adapters for dates are deprecated, and Django stores dates
    and decimals as text; PostgreSQL's COPY takes the Python values as they are,
    but JSON must be marked as such.
    """
    if connection.vendor != "sqlite":
        from psycopg.types.json import Jsonb

        return [
            Jsonb if _field(model, name).get_internal_type() == "JSONField" else None
            for name in columns
        ]
    out: list[Convert | None] = []
    for name in columns:
        field = _field(model, name)
        internal = field.get_internal_type()
        if internal == "DateField":
            out.append(_iso)
        elif internal == "DecimalField":
            out.append(str)
        elif internal == "JSONField":
            out.append(lambda v, f=field: f.get_db_prep_save(v, connection))
        else:
            out.append(None)
    return out


def _field_path(model: type[models.Model], name: str) -> models.Field:
    """The field a ``values_list`` name ends at (``run__kind``: ImportRun.kind)."""
    *hops, last = name.split("__")
    for hop in hops:
        model = _field(model, hop).related_model  # type: ignore[assignment]
    return _field(model, last)


Column = Callable[[tuple], list]


def _reader(field: models.Field) -> Column | None:
    """What a column read back needs to be what Django would give (None:
    nothing), as the backends' own converters do it: SQLite holds dates as ISO
    text and decimals as numbers of 15 significant digits; both hold JSON as
    text. A whole column at a time: a call per value costs more than the value.
    """
    internal = field.get_internal_type()
    if internal == "JSONField":
        return lambda col: [json.loads(v) if v.__class__ is str else v for v in col]
    if connection.vendor != "sqlite":
        return None
    if internal == "DateField":
        iso = date.fromisoformat
        return lambda col: [iso(v) if v.__class__ is str else v for v in col]
    if internal == "DecimalField":
        create = Context(prec=15).create_decimal_from_float
        quantum = Decimal(1).scaleb(-field.decimal_places)  # type: ignore[attr-defined]
        context = field.context  # type: ignore[attr-defined]
        return lambda col: [
            None if v is None else create(v).quantize(quantum, context=context)
            for v in col
        ]
    return None


def values(queryset: models.QuerySet, *names: str) -> list[tuple]:
    """``queryset.values_list(*names)`` as a list, read with a bare cursor.

    Django builds the SQL (filters, joins, ordering exactly as the queryset says);
    only turning each row into values is done here, column by column.
    """
    try:
        sql, params = queryset.values_list(*names).query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (e.g. ``__in=[]``)
        return []
    readers = [_reader(_field_path(queryset.model, name)) for name in names]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows or not any(readers):
        return [tuple(r) for r in rows]
    columns = [
        col if read is None else read(col)
        for col, read in zip(zip(*rows, strict=True), readers, strict=True)
    ]
    return list(zip(*columns, strict=True))


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _prepared(
    rows: Iterable[Sequence[Any]], converters: list[Convert | None]
) -> Iterable[tuple]:
    if not any(converters):
        yield from (tuple(r) for r in rows)
        return
    pairs = [(i, c) for i, c in enumerate(converters) if c is not None]
    for row in rows:
        values = list(row)
        for i, convert in pairs:
            if values[i] is not None:
                values[i] = convert(values[i])
        yield tuple(values)


def _chunks(rows: Iterable[tuple], size: int = BATCH) -> Iterable[list[tuple]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, field names) into the
    model's table; returns how many were written. Django's field defaults are
    not applied: give every column that may not be null."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(_column(model, c) for c in columns)
    n = 0
    with connection.cursor() as cursor:
        converters = _converters(model, columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in _prepared(rows, converters):
                    copy.write_row(row)
                    n += 1
            return n
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
        for chunk in _chunks(_prepared(rows, converters)):
            cursor.executemany(sql, chunk)
            n += len(chunk)
    return n


def update_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fixed: dict[str, Any] | None = None,
) -> int:
    """Update rows by id: each row is ``(id, value, ...)`` for ``columns``
    (``columns[0]`` is the primary key); ``fixed`` sets the same value in every
    row updated (e.g. the run that closed them). Returns the rows given."""
    fixed = fixed or {}
    key, *varying = columns
    table = connection.ops.quote_name(model._meta.db_table)
    key_col = _column(model, key)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rows = list(rows)
            if not rows:
                return 0
            stage = connection.ops.quote_name(f"pcnhub_stage_{model._meta.db_table}")
            types = [
                _field(model, c).db_type(connection)
                if not isinstance(_field(model, c), models.ForeignKey)
                else _field(model, c).target_field.rel_db_type(connection)
                for c in columns
            ]
            types = ["bigint" if t in {"bigserial", "serial"} else t for t in types]
            staged = ", ".join(
                f"{connection.ops.quote_name(f'c{i}')} {t}" for i, t in enumerate(types)
            )
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({staged}) ON COMMIT DROP")
            names = ", ".join(f"c{i}" for i in range(len(columns)))
            with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            sets = [
                f"{_column(model, c)} = s.c{i}" for i, c in enumerate(varying, start=1)
            ]
            params = []
            for name, value in fixed.items():
                sets.append(f"{_column(model, name)} = %s")
                params.append(value)
            cursor.execute(
                f"UPDATE {table} AS t SET {', '.join(sets)} "
                f"FROM {stage} AS s WHERE t.{key_col} = s.c0",
                params,
            )
            cursor.execute(f"DROP TABLE {stage}")
            return len(rows)
        sets = [f"{_column(model, c)} = %s" for c in varying]
        sets += [f"{_column(model, name)} = %s" for name in fixed]
        sql = f"UPDATE {table} SET {', '.join(sets)} WHERE {key_col} = %s"
        extra = tuple(fixed.values())
        converters = _converters(model, columns)
        for chunk in _chunks(_prepared(rows, converters)):
            cursor.executemany(sql, [(*r[1:], *extra, r[0]) for r in chunk])
            n += len(chunk)
    return n


def close_rows(
    model: type[models.Model], closings: Iterable[tuple[int, Any]], run_id: int
) -> int:
    """Close dated rows: ``(id, valid_to)`` pairs, each closed by ``run_id``."""
    return update_rows(model, ["id", "valid_to"], closings, {"closed_by": run_id})
