"""The parse+validate+write floor of one import, in a fresh Python process.

``python benchmarks/_write_floor.py RESULT.json SOURCE_URL EMPTY_URL KIND PATH [AS_AT]``

1. parse and validate: the importer's own ``read`` of PATH (timed);
2. the rows the import just wrote (its latest successful run of that file in
   SOURCE_URL: organisations, versions, links, list sizes, successions) are read
   back (not timed);
3. write: the same rows go into the real tables of EMPTY_URL, an empty migrated
   register, with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) over a bare
   driver connection, and are committed, so that the deferred foreign keys are
   checked as an import's are (timed). What they refer to (every import run, and
   the organisations earlier runs recorded) is written first and committed, not
   timed; afterwards the register is emptied again.

The floor is 1 + 3: what the import cannot do without. Django's set-up and
importing the importers, which every import's own seconds include (its
start-up), are measured apart (``setup_seconds``).
RESULT.json is written as ``_child.py`` writes it, with the two parts in
``parse_seconds`` and ``write_seconds``. Table and column names come from the
models' ``_meta``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from _child import peak_rss_bytes


def _setup(url: str) -> None:
    os.environ["PCNHUB_DATABASE_URL"] = url
    os.environ["PCNHUB_DATA_COMMAND"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcnhub.settings")
    import django

    django.setup()


Tables = list[tuple[str, list[str], list[tuple]]]


def _table(model: Any, rows_of: Any, keep_pk: bool = False) -> tuple:
    fields = [
        f
        for f in model._meta.concrete_fields
        if keep_pk or not f.primary_key or f.name == "code"
    ]
    rows = list(rows_of.values_list(*(f.attname for f in fields)))
    return (model._meta.db_table, [f.column for f in fields], rows)


def _references(run_id: int) -> Tables:
    """What the run's rows refer to and the import found already there: every
    import run (without its user: a command line's runs have none) and the
    organisations earlier runs recorded. Written into the empty register before
    the clock starts, so that the timed write can be committed with its foreign
    keys checked, as an import's is."""
    from pcnhub.register.models import ImportRun, Organisation

    runs = _table(ImportRun, ImportRun.objects.order_by("id"), keep_pk=True)
    actor = runs[1].index(ImportRun._meta.get_field("actor").column)
    runs = (runs[0], runs[1], [(*r[:actor], None, *r[actor + 1 :]) for r in runs[2]])
    earlier = Organisation.objects.exclude(first_recorded_by=run_id)
    return [runs, _table(Organisation, earlier)]


def _rows_of_run(file_name: str) -> tuple[int, Tables]:
    from pcnhub.register.models import (
        ImportRun,
        ListSize,
        Organisation,
        OrganisationVersion,
        Relationship,
        Succession,
    )

    run = (
        ImportRun.objects.filter(file_name=file_name, status=ImportRun.Status.SUCCEEDED)
        .order_by("-id")
        .first()
    )
    if run is None:
        raise SystemExit(f"no successful import of {file_name} to copy")
    out = [
        _table(model, model.objects.filter(**{by: run}))
        for model, by in (
            (Organisation, "first_recorded_by"),
            (OrganisationVersion, "opened_by"),
            (Relationship, "opened_by"),
            (ListSize, "recorded_by"),
            (Succession, "recorded_by"),
        )
    ]
    return run.pk, out


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _sqlite_insert(conn: sqlite3.Connection, tables: Tables) -> None:
    for table, columns, rows in tables:
        if not rows:
            continue
        cols = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        conn.executemany(
            f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
            ([_sqlite_value(v) for v in row] for row in rows),
        )


def _write_sqlite(url: str, references: Tables, tables: Tables) -> float:
    path = url.split("://", 1)[1]
    conn = sqlite3.connect(path[1:] if path.startswith("/") else path)
    conn.execute("PRAGMA foreign_keys = ON")  # as Django's connections have it
    try:
        _sqlite_insert(conn, references)
        conn.commit()
        start = time.perf_counter()
        _sqlite_insert(conn, tables)
        conn.commit()  # the deferred foreign keys are checked here
        seconds = time.perf_counter() - start
    finally:
        conn.rollback()
        conn.execute("PRAGMA foreign_keys = OFF")
        for table, _, _ in [*references, *tables]:
            conn.execute(f'DELETE FROM "{table}"')
        conn.commit()
        conn.close()
    return seconds


def _write_postgresql(url: str, references: Tables, tables: Tables) -> float:
    import psycopg
    from psycopg.types.json import Jsonb

    def copy_in(cur: Any, batch: Tables) -> None:
        for table, columns, rows in batch:
            if not rows:
                continue
            cols = ", ".join(f'"{c}"' for c in columns)
            with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(
                        [Jsonb(v) if isinstance(v, dict | list) else v for v in row]
                    )

    with psycopg.connect(url) as conn, conn.cursor() as cur:
        try:
            copy_in(cur, references)
            conn.commit()
            start = time.perf_counter()
            copy_in(cur, tables)
            conn.commit()  # the deferred foreign keys are checked here
            seconds = time.perf_counter() - start
        finally:
            conn.rollback()
            names = ", ".join(f'"{t}"' for t, _, _ in [*references, *tables])
            cur.execute(f"TRUNCATE {names} CASCADE")
            conn.commit()
    return seconds


def _write(url: str, references: Tables, tables: Tables) -> float:
    """Write ``tables`` into the empty register at ``url`` and commit, timed;
    ``references`` go in first, untimed; all is emptied again afterwards."""
    if urlsplit(url).scheme.split("+")[0] == "sqlite":
        return _write_sqlite(url, references, tables)
    return _write_postgresql(url, references, tables)


def main() -> None:
    result_path, source, empty, kind, path, *rest = sys.argv[1:]
    as_at = date.fromisoformat(rest[0]) if rest else None
    start = time.perf_counter()
    _setup(source)
    from pcnhub.register.importers import IMPORTERS
    from pcnhub.register.importers.errors import Problems
    from pcnhub.register.imports import effective_date

    setup_seconds = time.perf_counter() - start
    file = Path(path)
    importer = IMPORTERS[kind]
    day = effective_date(kind, file, as_at)
    start = time.perf_counter()
    importer.read(file, Problems(file.name), day)
    parse_seconds = time.perf_counter() - start
    run_id, tables = _rows_of_run(file.name)
    write_seconds = _write(empty, _references(run_id), tables)
    result = {
        "exit_code": 0,
        "seconds": parse_seconds + write_seconds,
        "parse_seconds": parse_seconds,
        "write_seconds": write_seconds,
        # Django set-up and the importers' modules: not part of the floor, but
        # part of every import's own seconds (shown beside them for that reason)
        "setup_seconds": setup_seconds,
        "rows": {table: len(rows) for table, _, rows in tables},
        "peak_rss_bytes": peak_rss_bytes(),
    }
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
