"""A small streaming writer of Excel workbooks (.xlsx), for the entitlements export.

A national year is some 1,250 sheets and two million cells. openpyxl (even in
write-only mode) builds an object per cell and an XML element tree per row and
took about 30 s for it; this writes each sheet's XML text straight into the zip
file, row by row, and holds one sheet's current rows at most.

What it writes, and all it can: text (as inline strings, so never a formula or
an error value), numbers (``Decimal`` money in the ``#,##0.00`` format), four
cell styles (plain, title, bold, money), column widths and a frozen heading row.
Callers make text safe first (:func:`pcnhub.core.spreadsheet.safe_cell`); this
module drops the control characters XML cannot hold.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, BinaryIO
from xml.sax.saxutils import escape, quoteattr

#: cell styles (indexes into styles.xml's cellXfs, below)
PLAIN, TITLE, BOLD, MONEY = 0, 1, 2, 3
#: characters XML 1.0 cannot hold (openpyxl refuses the same ones)
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Excel's own error values: written as text, they stay text
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/>'
    '</font><font><b val="1"/><sz val="14"/><name val="Calibri"/><family val="2"/>'
    '</font><font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/>'
    "</font></fonts>"
    '<fills count="2"><fill><patternFill/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
    "</border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    # 4 is Excel's built-in "#,##0.00"
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
#: rows gathered before they are written to the zip stream
_CHUNK = 2000


def column_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS = [column_letter(n) for n in range(1, 703)]


def text(value: str) -> str:
    """``value`` as XML character data, without the characters XML cannot hold."""
    return escape(ILLEGAL.sub("\ufffd", value))


def _number(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return repr(value) if isinstance(value, float) else str(value)


class Sheet:
    """One worksheet being written; rows go out in order, each once."""

    def __init__(
        self,
        stream: IO[bytes],
        widths: dict[int, float],
        freeze: int,
        texts: dict[str, str] | None = None,
    ) -> None:
        self._stream = stream
        #: text already written, as its XML (most text repeats)
        self._texts = {} if texts is None else texts
        self._rows: list[str] = []
        self.row_count = 0
        views = ""
        if freeze:
            cell = f"A{freeze + 1}"
            views = (
                f'<pane ySplit="{freeze}" topLeftCell="{cell}" activePane="bottomLeft"'
                f' state="frozen"/><selection pane="bottomLeft" activeCell="{cell}"'
                f' sqref="{cell}"/>'
            )
        cols = "".join(
            f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
            for c, w in sorted(widths.items())
        )
        self._stream.write(
            (
                f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetViews>'
                f'<sheetView workbookViewId="0">{views}</sheetView></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/>'
                + (f"<cols>{cols}</cols>" if cols else "")
                + "<sheetData>"
            ).encode()
        )

    def append(self, cells: Iterable[tuple[object, int]]) -> None:
        """One row of (value, style) pairs; ``None`` or ``""`` leaves a cell empty."""
        self.row_count += 1
        r = self.row_count
        texts = self._texts
        out = []
        for i, (value, style) in enumerate(cells):
            if value is None or value == "":
                continue
            ref = f"{_LETTERS[i]}{r}"
            s = f' s="{style}"' if style else ""
            if isinstance(value, str):
                inline = texts.get(value)
                if inline is None:
                    space = (
                        ' xml:space="preserve"'
                        if value[:1].isspace() or value[-1:].isspace()
                        else ""
                    )
                    inline = texts[value] = (
                        f' t="inlineStr"><is><t{space}>{text(value)}</t></is></c>'
                    )
                out.append(f'<c r="{ref}"{s}{inline}')
            elif isinstance(value, bool):
                out.append(f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, Decimal | int | float):
                out.append(f'<c r="{ref}"{s}><v>{_number(value)}</v></c>')
            else:
                raise TypeError(f"cannot write {type(value).__name__} to a workbook")
        self._rows.append(f'<row r="{r}">{"".join(out)}</row>')
        if len(self._rows) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        self._stream.write("".join(self._rows).encode())
        self._rows.clear()

    def close(self) -> None:
        self._flush()
        self._stream.write(b"</sheetData></worksheet>")
        self._stream.close()


class Workbook:
    """Sheets written one after another into ``out``; :meth:`close` finishes it."""

    def __init__(self, out: BinaryIO) -> None:
        self._zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self._titles: list[str] = []
        self._sheet: Sheet | None = None
        self._texts: dict[str, str] = {}

    def sheet(self, title: str, widths: dict[int, float], freeze: int = 0) -> Sheet:
        """A new sheet (the one before it is finished); ``freeze`` keeps that many
        rows at the top in view."""
        if self._sheet:
            self._sheet.close()
        self._titles.append(title)
        name = f"xl/worksheets/sheet{len(self._titles)}.xml"
        stream = self._zip.open(name, "w", force_zip64=True)
        self._sheet = Sheet(stream, widths, freeze, self._texts)
        return self._sheet

    def close(self) -> None:
        if self._sheet:
            self._sheet.close()
        n = len(self._titles)
        sheets = "".join(
            f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
            for i, title in enumerate(self._titles, 1)
        )
        self._write(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
            f"</bookViews><sheets>{sheets}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        self._write(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG}/relationships">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        self._zip.writestr("xl/styles.xml", _STYLES)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="{_OFFICE}.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        self._write(
            "[Content_Types].xml",
            f'<Types xmlns="{_PKG}/content-types">'
            f'<Default Extension="rels" ContentType="{_PKG_RELS}"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" '
            f'ContentType="{_OFFICE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self._write(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        self._zip.close()

    def _write(self, name: str, xml: str) -> None:
        self._zip.writestr(name, _HEAD + xml)


_PKG_RELS = "application/vnd.openxmlformats-package.relationships+xml"
