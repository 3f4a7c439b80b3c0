"""Reading NHS CSV and Excel files safely: type, encoding, layout."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pcnhub.register.importers.errors import Problems

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
MB = 1 << 20

# Limits, so that a spoilt or hostile file fails fast instead of filling memory
# (an xlsx that inflated to 1.38 GB was once read for 4.5 minutes). Each is far
# above the national files (docs/data-formats.md, "Quirks and limits").
#: CSVs are read whole: the largest national file (a payments year) is 3.6 MB.
MAX_CSV_BYTES = 100 * MB
#: Rows in a CSV (heading included): epraccur, the longest, has about 15,000.
MAX_CSV_ROWS = 500_000
#: A workbook's parts, uncompressed, together: the ePCN workbook's are 4.8 MB.
MAX_WORKBOOK_BYTES = 200 * MB
#: A part bigger than RATIO_FLOOR may inflate at most this many times its
#: compressed size: the ePCN workbook's sheets inflate about 10 times, a
#: compression bomb's hundreds or thousands of times.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR = 1 * MB
#: Rows per sheet: the ePCN partner sheet has about 7,400.
MAX_SHEET_ROWS = 200_000
#: Columns read per sheet (the ePCN sheets have 11 and 12); a sheet claiming
#: 16,384 columns would otherwise be padded to that width in every row.
MAX_SHEET_COLUMNS = 100
#: What a spoilt workbook part raises while it is inflated and parsed: a garbled
#: deflate stream, a bad CRC, a part cut short, or XML that no longer parses
#: (ElementTree's and lxml's parse errors are SyntaxErrors).
UNREADABLE = (
    zlib.error,
    zipfile.BadZipFile,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    SyntaxError,
)


def normalise_header(cell: object) -> str:
    """Header cells carry line breaks, doubled and stray spaces: fold them away."""
    return re.sub(r"\s+", " ", str(cell or "")).strip().lower()


def read_text(path: Path, problems: Problems) -> str:
    return read_text_as(path, problems)[0]


def read_text_as(
    path: Path, problems: Problems, fallback: str | None = None
) -> tuple[str, str]:
    """The file's text and the encoding it was read in: UTF-8, or ``fallback``
    (e.g. ``cp1252``, in which some NHS Digital files come) where UTF-8 fails.
    Too large, empty, workbook, binary and undecodable files are rejected."""
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        problems.reject(
            None,
            None,
            f"the file is {size / MB:,.0f} MB, larger than the {MAX_CSV_BYTES // MB} "
            "MB a CSV import reads (the national files are a few MB)",
        )
    data = path.read_bytes()
    if not data.strip():
        problems.reject(None, None, "the file is empty")
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        problems.reject(
            None, None, "this is an Excel workbook, not a CSV file: wrong file type"
        )
    if b"\x00" in data[:4096]:
        problems.reject(None, None, "this is a binary file, not a CSV file")
    for encoding in ("utf-8-sig", *([fallback] if fallback else [])):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            failed = exc
    row = data[: failed.start].count(b"\n") + 1
    expected = (
        f"neither UTF-8 nor {ENCODING_NAMES.get(fallback, fallback)}"
        if fallback
        else "not UTF-8"
    )
    problems.reject(
        row,
        None,
        f"undecodable text: byte 0x{data[failed.start]:02x} at offset "
        f"{failed.start} is {expected} (save the file as UTF-8 CSV)",
    )
    raise AssertionError("unreachable") from failed


ENCODING_NAMES = {"cp1252": "Windows-1252"}


def csv_rows(
    path: Path, problems: Problems, labels: dict[int, str] | None = None
) -> list[list[str]]:
    """The file's non-blank rows. The first is the heading unless ``labels`` name
    the columns (files with no heading row)."""
    text = read_text(path, problems)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    first_line = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append(record)
                if len(rows) > MAX_CSV_ROWS:
                    problems.reject(
                        len(rows),
                        None,
                        f"the file has more than {MAX_CSV_ROWS:,} rows, the most a "
                        "CSV import reads (the national files have under 20,000)",
                    )
                names = labels if labels is not None else dict(enumerate(rows[0]))
                _check_cells(
                    record, len(rows), first_line, reader.line_num, names, problems
                )
            first_line = reader.line_num + 1
    except csv.Error as exc:
        _reject_quoting(text, first_line, len(rows) + 1, labels, rows, exc, problems)
    problems.raise_if_any()
    if not rows:
        problems.reject(None, None, "the file is empty")
    return rows


def _label(names: dict[int, str], index: int) -> str:
    return (names.get(index) or "").strip() or str(index + 1)


def _check_cells(
    record: list[str],
    row: int,
    first_line: int,
    last_line: int,
    names: dict[int, str],
    problems: Problems,
) -> None:
    for index, cell in enumerate(record):
        if "\x00" in cell:
            problems.add(
                row,
                _label(names, index),
                "NUL byte in the cell: the file is damaged or not text",
            )
        elif "\n" in cell or "\r" in cell:
            # Cells of these files are one line; a line break inside one means a
            # quote that opened a cell closed only lines later, merging rows.
            problems.add(
                row,
                _label(names, index),
                f"line break inside a cell: a quote opened on line {first_line} "
                f"closes only on line {last_line} (is a quote missing or extra?)",
            )


def _reject_quoting(
    text: str,
    first_line: int,
    row: int,
    labels: dict[int, str] | None,
    rows: list[list[str]],
    exc: csv.Error,
    problems: Problems,
) -> None:
    lines = io.StringIO(text, newline="").readlines()
    line = lines[first_line - 1] if first_line <= len(lines) else ""
    # Read leniently, the row's first line shows which cell the quote is in.
    cells = next(csv.reader([line]), [])
    index = next(
        (i for i, c in enumerate(cells) if '"' in c or "\n" in c or "\r" in c), None
    )
    names = labels if labels is not None else dict(enumerate(rows[0] if rows else []))
    column = _label(names, index) if index is not None else None
    reason = str(exc)
    if "unexpected end of data" in reason:
        message = (
            f"a quote opened on line {first_line} is never closed, so it would "
            "swallow every following line"
        )
    elif "expected after" in reason:
        message = (
            f"a quote inside a quoted cell (line {first_line}) must be doubled "
            '(""): here the closing quote is followed by more text'
        )
    else:
        message = f"not a readable CSV file: {reason} (line {first_line})"
    problems.reject(row, column, message)


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

    def doubled(self, header: Sequence[object]) -> list[str]:
        """This layout's headings that the header holds more than once."""
        given = [normalise_header(cell) for cell in header]
        return [
            heading
            for heading in self.columns.values()
            if given.count(normalise_header(heading)) > 1
        ]


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
            _reject_doubled(layout, header, problems, row)
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


def _reject_doubled(
    layout: Layout, header: Sequence[object], problems: Problems, row: int
) -> None:
    # Two columns under one heading would leave which one is read to chance
    # (the last won); a column no layout reads may repeat harmlessly.
    for heading in layout.doubled(header):
        problems.add(
            row,
            heading,
            f"heading {normalise_header(heading)!r} is given twice: which column "
            "holds the data? (remove or rename one)",
        )
    problems.raise_if_any()


def workbook_sheets(path: Path, problems: Problems) -> dict[str, list[tuple]]:
    """All sheets' rows as tuples of cell values (read-only, values only)."""
    import openpyxl

    with path.open("rb") as handle:
        data_start = handle.read(8)
    if not data_start.strip():
        problems.reject(None, None, "the file is empty")
    if not data_start.startswith(ZIP_MAGIC):
        problems.reject(
            None, None, "this is not an Excel .xlsx workbook: wrong file type"
        )
    _check_zip(path, problems)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except UNREADABLE as exc:
        problems.reject(
            None, None, f"the workbook cannot be opened: {_damage(path, exc)}"
        )
    try:
        return {sheet.title: _sheet_rows(sheet, problems) for sheet in book.worksheets}
    finally:
        book.close()


def _damage(path: Path, exc: Exception) -> str:
    """What is wrong, naming the damaged part (and its sheet) when one is."""
    # Opening a workbook already reads the start of every sheet, so a garbled
    # sheet can fail here: find which, reading each part (their sizes are
    # bounded by _check_zip) until one fails.
    try:
        with zipfile.ZipFile(path) as archive:
            titles = _sheet_titles(archive)
            for part in archive.infolist():
                try:
                    archive.read(part)
                except UNREADABLE as damage:
                    title = titles.get(part.filename)
                    where = (
                        f"sheet {title!r} ({part.filename})" if title else part.filename
                    )
                    return f"{where} is damaged and cannot be read: {damage}"
    except UNREADABLE:
        pass
    return str(exc)


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part names (``xl/worksheets/sheet2.xml``) to sheet titles."""
    from xml.etree import ElementTree

    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except UNREADABLE:
        return {}
    targets = {
        r.get("Id"): "xl/" + (r.get("Target") or "").removeprefix("/xl/") for r in rels
    }
    return {
        targets[s.get(rel)]: s.get("name") or ""
        for s in book.iter()
        if s.tag.endswith("}sheet") and s.get(rel) in targets
    }


def _check_zip(path: Path, problems: Problems) -> None:
    """Refuse a workbook that would inflate too far, before anything inflates it.

    The sizes are those the zip declares; reading never inflates a part past its
    declared size, so they bound what openpyxl can be made to read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        problems.reject(None, None, f"the workbook cannot be opened: {exc}")
    total = sum(part.file_size for part in parts)
    if total > MAX_WORKBOOK_BYTES:
        problems.reject(
            None,
            None,
            f"the workbook would inflate to {total / MB:,.0f} MB uncompressed, more "
            f"than the {MAX_WORKBOOK_BYTES // MB} MB an import reads",
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > MAX_COMPRESSION_RATIO:
            problems.reject(
                None,
                None,
                f"part {part.filename} compresses {ratio:,.0f} to 1 (at most "
                f"{MAX_COMPRESSION_RATIO} to 1): a compression bomb, not a workbook",
            )


def _sheet_rows(sheet, problems: Problems) -> list[tuple]:  # type: ignore[no-untyped-def]
    width = min(sheet.max_column or MAX_SHEET_COLUMNS, MAX_SHEET_COLUMNS)
    rows: list[tuple] = []
    try:
        for number, row in enumerate(
            sheet.iter_rows(
                max_row=MAX_SHEET_ROWS + 1, max_col=width, values_only=True
            ),
            start=1,
        ):
            if number > MAX_SHEET_ROWS:
                if any(cell_text(c) for c in row):
                    problems.reject(
                        number,
                        None,
                        f"sheet {sheet.title!r} has more than {MAX_SHEET_ROWS:,} "
                        "rows, the most an import reads (ePCN has under 10,000)",
                    )
                break
            rows.append(tuple(row))
    except UNREADABLE as exc:
        problems.reject(
            len(rows) + 1 if rows else None,
            None,
            f"sheet {sheet.title!r} cannot be read from row {len(rows) + 1} on, "
            f"the workbook is damaged: {exc}",
        )
    return rows


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
