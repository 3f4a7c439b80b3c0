"""The whole list behind a paginated table, as an Excel workbook.

Written with openpyxl's write-only workbook (rows streamed, not held as cells),
every text cell through :func:`pcnhub.core.spreadsheet.safe_cell` as the CSV
downloads are, so a name such as ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from pcnhub.core.spreadsheet import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal | date):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def xlsx_bytes(
    records: Iterable[Mapping[str, Any]], columns: Sequence[str], title: str
) -> bytes:
    """One sheet called ``title``: a row of ``columns``, then a row per record."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(columns))
    for record in records:
        sheet.append([_cell(record.get(c)) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
