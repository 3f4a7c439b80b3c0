"""A network's staff list from a CSV or Excel file: every row a new post.

All or nothing: every row is checked first, and any problem (naming the file,
row and column) rejects the whole file. The columns are those of the staff page's
form (docs/data-formats.md, "A network's staff list"); headings are matched
ignoring case, spaces and underscores. A row may name a person's key from
another post of theirs (``person_key``) so that the same person is one person;
otherwise they get a new key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from pcnhub.audit.services import Actor, record
from pcnhub.register.importers.errors import Problems, shown
from pcnhub.register.importers.reading import (
    cell_text,
    csv_rows,
    normalise_header,
    numbered,
    workbook_sheets,
)
from pcnhub.workforce.models import StaffPostVersion
from pcnhub.workforce.staff import (
    StaffEntry,
    network_subjects,
    record_post,
    validate,
)

REQUIRED = ("name", "role", "wte", "salary", "employer", "start", "funding")
OPTIONAL = (
    "person_key",
    "end",
    "pay_band",
    "employer_name",
    "london",
    "on_costs",
    "baseline_exception",
    "commissioner_agreed",
    "written_agreement",
    "within_two_years_of_cct",
)
DECIMALS = ("wte", "salary", "on_costs")
DATES = ("start", "end")
FLAGS = ("commissioner_agreed", "written_agreement", "within_two_years_of_cct")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
MAX_ROWS = 5000


@dataclass(frozen=True)
class StaffRow:
    row: int
    person_key: str
    entry: StaffEntry


def _key(heading: object) -> str:
    return normalise_header(heading).lower().replace(" ", "_").replace("-", "_")


def _rows(path: Path, problems: Problems) -> tuple[list[str], list[tuple]]:
    if path.suffix.lower() == ".xlsx":
        sheets = workbook_sheets(path, problems)
        first = next(iter(sheets.values()), [])
        if not first:
            problems.reject(None, None, "the workbook's first sheet is empty")
        return [_key(h) for h in first[0]], [tuple(r) for r in first[1:]]
    rows = csv_rows(path, problems)
    return [_key(h) for h in rows[0]], [tuple(r) for r in rows[1:]]


def _heading(columns: Sequence[str], problems: Problems) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.reject(1, None, f"the heading lacks column(s) {', '.join(missing)}")
    unknown = [c for c in columns if c and c not in REQUIRED + OPTIONAL]
    if unknown:
        problems.reject(1, None, f"unknown column(s) {', '.join(unknown)}")


def _value(column: str, raw: object, row: int, problems: Problems) -> object:
    text = cell_text(raw)
    if column in DATES:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            problems.add(row, column, f"{shown(text)} is not a date (YYYY-MM-DD)")
            return None
    if column in DECIMALS:
        if not text:
            return None
        try:
            return Decimal(text.replace(",", "").lstrip("£"))
        except InvalidOperation:
            problems.add(row, column, f"{shown(text)} is not a number")
            return None
    if column in FLAGS and text:
        if text.lower() in YES | NO:
            return text.lower() in YES
        problems.add(row, column, f"{shown(text)} is not yes or no")
        return None
    return text


#: Stand-ins for a cell that is empty or unreadable (already reported), so that
#: the row's other cells are still checked.
STAND_INS: dict[str, object] = {
    "name": "?",
    "role": "",
    "wte": Decimal(1),
    "salary": Decimal(0),
    "employer": "other",
    "start": date.min,
    "funding": "arrs",
}


def _entry(
    cells: dict[str, object], row: int, network: str, problems: Problems
) -> StaffRow | None:
    before = len(problems.items)
    values = {c: _value(c, cells.get(c), row, problems) for c in REQUIRED + OPTIONAL}
    unread = {p.column for p in problems.items[before:]}
    for column in REQUIRED:
        if values[column] in (None, "") and column not in unread:
            problems.add(row, column, "is empty")
            unread.add(column)
    person_key = str(values.pop("person_key") or "")
    fields = {k: v for k, v in values.items() if v is not None and v != ""}
    entry = StaffEntry(**(STAND_INS | fields))  # type: ignore[arg-type]
    for field, messages in validate(entry, network).items():
        if field not in unread:
            for message in messages:
                problems.add(row, field, message)
    return None if unread else StaffRow(row, person_key, entry)


def read_staff_list(path: Path, network: str, name: str = "") -> list[StaffRow]:
    """Every row of the file as a post to record; ``ImportRejected`` naming
    each problem's row and column if any row is bad."""
    problems = Problems(name or path.name)
    columns, rows = _rows(path, problems)
    _heading(columns, problems)
    if len(rows) > MAX_ROWS:
        problems.reject(None, None, f"more than {MAX_ROWS:,} rows: split the file")
    found = []
    for row, cells in numbered(rows, 2):
        staff_row = _entry(
            dict(zip(columns, cells, strict=False)), row, network, problems
        )
        if staff_row is not None:
            found.append(staff_row)
    problems.raise_if_any()
    if not found:
        problems.reject(None, None, "the file holds no staff rows")
    return found


def import_staff_list(
    actor: Actor, network: str, path: Path, name: str = ""
) -> list[StaffPostVersion]:
    """Record every row of the file as a new post of ``network``, or none."""
    rows = read_staff_list(path, network, name)
    file = name or path.name
    with transaction.atomic():
        versions = [
            record_post(
                actor,
                network,
                r.entry,
                person_key=r.person_key,
                reason=f"staff list {file}, row {r.row}",
            )
            for r in rows
        ]
        record(
            actor,
            "workforce.staff_list_imported",
            "staff list",
            file,
            after={"network": network, "posts": len(versions)},
            subjects=network_subjects(network, rows[0].entry.start),
        )
    return versions
