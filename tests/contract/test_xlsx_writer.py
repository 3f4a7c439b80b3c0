"""The streaming workbook writer (pcnhub.contract.xlsx), read back with openpyxl."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from pcnhub.contract import xlsx


def written() -> openpyxl.Workbook:
    out = io.BytesIO()
    book = xlsx.Workbook(out)
    sheet = book.sheet("First & <one>", {1: 34, 3: 12}, freeze=2)
    sheet.append([("Title", xlsx.TITLE)])
    sheet.append([("code", xlsx.BOLD), ("amount", xlsx.BOLD)])
    sheet.append(
        [
            ("  spaced <&> ", xlsx.PLAIN),
            (Decimal("1234567.80"), xlsx.MONEY),
            (None, xlsx.PLAIN),
            ("#N/A", xlsx.PLAIN),
            ("=1+1", xlsx.PLAIN),
            ("bell\x07here", xlsx.PLAIN),
            (7, xlsx.PLAIN),
            ("", xlsx.PLAIN),
        ]
    )
    sheet.append([])
    for k in range(3000):  # more than one chunk
        sheet.append([(f"row {k}", xlsx.PLAIN), (Decimal(k) / 100, xlsx.MONEY)])
    book.sheet("Second", {}).append([("alone", xlsx.PLAIN)])
    book.close()
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def test_a_workbook_reads_back_as_written() -> None:
    book = written()
    assert book.sheetnames == ["First & <one>", "Second"]
    first = book["First & <one>"]
    assert first["A1"].value == "Title" and first["A1"].font.b
    assert first["A1"].font.sz == 14
    assert first["A2"].font.b and first["B2"].value == "amount"
    assert first["A3"].value == "  spaced <&> "
    assert first["B3"].value == 1234567.8 and first["B3"].number_format == "#,##0.00"
    assert first["C3"].value is None
    # Text stays text: never an error value or a formula.
    assert first["D3"].value == "#N/A" and first["D3"].data_type == "s"
    assert first["E3"].value == "=1+1" and first["E3"].data_type == "s"
    assert first["F3"].value == "bell\ufffdhere"
    assert first["G3"].value == 7
    assert first["H3"].value is None
    assert first.max_row == 4 + 3000
    assert first["A3004"].value == "row 2999" and first["B3004"].value == 29.99
    assert first.freeze_panes == "A3"
    assert first.column_dimensions["A"].width == 34
    assert first.column_dimensions["C"].width == 12
    assert book["Second"]["A1"].value == "alone"
    assert book["Second"].freeze_panes is None


def test_column_letters() -> None:
    assert [xlsx.column_letter(n) for n in (1, 26, 27, 52, 53, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
    ]
