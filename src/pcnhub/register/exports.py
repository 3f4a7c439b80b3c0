"""Query results as CSV or JSON, with stable columns (CLI and web share them)."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any


def _plain(value: Any) -> Any:
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
]
UNCOVERED_COLUMNS = [
    "practice_code",
    "practice_name",
    "commissioner_code",
    "registered_patients",
]


def write_rows(out: IO[str], rows: Sequence[Any], columns: list[str], fmt: str) -> None:
    records = [{c: _plain(dataclasses.asdict(r)[c]) for c in columns} for r in rows]
    if fmt == "json":
        json.dump(records, out, indent=2)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
