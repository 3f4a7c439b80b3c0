"""Reading NHS CSV and Excel files safely: type, encoding, layout."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pcnhub.register.importers.errors import Problems

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def normalise_header(cell: object) -> str:
    """Header cells carry line breaks, doubled and stray spaces: fold them away."""
    return re.sub(r"\s+", " ", str(cell or "")).strip().lower()


def read_text(path: Path, problems: Problems) -> str:
    data = path.read_bytes()
    if not data.strip():
        problems.reject(None, None, "the file is empty")
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        problems.reject(
            None, None, "this is an Excel workbook, not a CSV file: wrong file type"
        )
    if b"\x00" in data[:4096]:
        problems.reject(None, None, "this is a binary file, not a CSV file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        problems.reject(
            row,
            None,
            f"undecodable text: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            "is not UTF-8 (save the file as UTF-8 CSV)",
        )
        raise AssertionError("unreachable") from exc


def csv_rows(path: Path, problems: Problems) -> list[list[str]]:
    text = read_text(path, problems)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.reject(None, None, f"not a readable CSV file: {exc}")
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        problems.reject(None, None, "the file is empty")
    return rows


@dataclass(frozen=True)
class Layout:
    """A known set of headings; ``columns`` maps our field names to headings."""

    name: str
    columns: dict[str, str]

    def find(self, header: Sequence[object]) -> tuple[dict[str, int], list[str]]:
        positions = {normalise_header(cell): i for i, cell in enumerate(header)}
        found, missing = {}, []
        for field, heading in self.columns.items():
            key = normalise_header(heading)
            if key in positions:
                found[field] = positions[key]
            else:
                missing.append(heading)
        return found, missing


def match_layout(
    header: Sequence[object],
    layouts: Sequence[Layout],
    problems: Problems,
    row: int = 1,
) -> tuple[Layout, dict[str, int]]:
    """Pick the layout the header belongs to, or reject naming what is missing."""
    best: tuple[int, Layout, dict[str, int], list[str]] | None = None
    for layout in layouts:
        found, missing = layout.find(header)
        if not missing:
            return layout, found
        if best is None or len(found) > best[0]:
            best = (len(found), layout, found, missing)
    assert best is not None
    score, layout, _, missing = best
    if score < len(layout.columns) / 2:
        known = "; ".join(layout.name for layout in layouts)
        problems.reject(
            row,
            None,
            "unknown layout: the headings do not match any layout this importer "
            f"knows ({known}); headings found: "
            + ", ".join(repr(normalise_header(h)) for h in header if h),
        )
    problems.reject(
        row,
        None,
        f"missing columns for the {layout.name} layout: "
        + ", ".join(repr(normalise_header(m)) for m in missing),
    )
    raise AssertionError("unreachable")


def workbook_sheets(path: Path, problems: Problems) -> dict[str, list[tuple]]:
    """All sheets' rows as tuples of cell values (read-only, values only)."""
    import openpyxl

    data_start = path.read_bytes()[:8]
    if not data_start.strip():
        problems.reject(None, None, "the file is empty")
    if not data_start.startswith(ZIP_MAGIC):
        problems.reject(
            None, None, "this is not an Excel .xlsx workbook: wrong file type"
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        problems.reject(None, None, f"the workbook cannot be opened: {exc}")
    try:
        return {
            sheet.title: [tuple(r) for r in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def numbered(
    rows: Sequence[Sequence[object]], first: int
) -> Iterator[tuple[int, Sequence[object]]]:
    for offset, row in enumerate(rows):
        if any(cell_text(c) for c in row):
            yield first + offset, row
