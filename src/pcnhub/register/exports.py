"""Query results as CSV or JSON, with stable columns (CLI and web share them).

Every CSV the web pages and commands give is written here, so every cell passes
:func:`pcnhub.core.spreadsheet.safe_cell`; JSON keeps the values as they are
(dates as ISO text). ``commissioner_inferred`` says the commissioner was reached
through a succession (a merger), not named by a file (``True``/``False`` in
CSV, as Python and spreadsheets write them).
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import IO, Any

from pcnhub.core.spreadsheet import safe_cell


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


NETWORK_COLUMNS = [
    "pcn_code",
    "pcn_name",
    "commissioner_code",
    "practices",
    "registered_population",
    "weighted_population",
    "commissioner_inferred",
]
UNCOVERED_COLUMNS = [
    "practice_code",
    "practice_name",
    "commissioner_code",
    "registered_patients",
    "commissioner_inferred",
]
PRACTICE_COLUMNS = [
    "practice_code",
    "practice_name",
    "pcn_code",
    "commissioner_code",
    "registered_patients",
    "weighted_patients",
    "list_date",
    "weighted_list_date",
    "commissioner_inferred",
]


def write_rows(out: IO[str], rows: Sequence[Any], columns: list[str], fmt: str) -> None:
    """Dataclass rows, their ``columns`` only, as CSV or JSON."""
    records = [
        {c: _plain(d[c]) for c in columns} for d in map(dataclasses.asdict, rows)
    ]
    write_records(out, records, columns, fmt)


def write_records(
    out: IO[str], records: Sequence[dict[str, Any]], columns: list[str], fmt: str
) -> None:
    """Records as JSON (whole), or as CSV with ``columns`` (empty for None) and
    formula-like text neutralised."""
    if fmt == "json":
        # One write: a command's stdout (Django's OutputWrapper) ends each write
        # with a newline, which json.dump's many small writes would scatter.
        out.write(json.dumps(list(records), indent=2, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {c: "" if record[c] is None else safe_cell(record[c]) for c in columns}
        )
