"""The parse+validate+write floor of one import, in a fresh Python process.

``python benchmarks/_write_floor.py RESULT.json SOURCE_URL EMPTY_URL KIND PATH [AS_AT]``

1. parse and validate: the importer's own ``read`` of PATH (timed);
2. the rows the import just wrote (its latest successful run of that file in
   SOURCE_URL: organisations, versions, links, list sizes, successions) are read
   back (not timed);
3. write: the same rows go into the real tables of EMPTY_URL, an empty migrated
   register, with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) over a bare
   driver connection (timed), then rolled back so the register stays empty.

The floor is 1 + 3: what the import cannot do without. Django's set-up, which
every import's own seconds include, is measured apart (``setup_seconds``).
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


def _rows_of_run(file_name: str) -> list[tuple[str, list[str], list[tuple]]]:
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
    out = []
    for model, by in (
        (Organisation, "first_recorded_by"),
        (OrganisationVersion, "opened_by"),
        (Relationship, "opened_by"),
        (ListSize, "recorded_by"),
        (Succession, "recorded_by"),
    ):
        fields = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key or f.name == "code"
        ]
        names = [f.attname for f in fields]
        rows = list(model.objects.filter(**{by: run}).values_list(*names))
        out.append((model._meta.db_table, [f.column for f in fields], rows))
    return out


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _write(url: str, tables: list[tuple[str, list[str], list[tuple]]]) -> float:
    scheme = urlsplit(url).scheme.split("+")[0]
    if scheme == "sqlite":
        path = url.split("://", 1)[1]
        conn = sqlite3.connect(path[1:] if path.startswith("/") else path)
        start = time.perf_counter()
        for table, columns, rows in tables:
            if not rows:
                continue
            cols = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" * len(columns))
            conn.executemany(
                f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
                ([_sqlite_value(v) for v in row] for row in rows),
            )
        seconds = time.perf_counter() - start
        conn.rollback()
        conn.close()
        return seconds
    import psycopg

    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        with conn.cursor() as cur:
            for table, columns, rows in tables:
                if not rows:
                    continue
                cols = ", ".join(f'"{c}"' for c in columns)
                with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
        seconds = time.perf_counter() - start
        conn.rollback()  # the foreign keys are deferred: nothing is checked
    return seconds


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
    tables = _rows_of_run(file.name)
    write_seconds = _write(empty, tables)
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
