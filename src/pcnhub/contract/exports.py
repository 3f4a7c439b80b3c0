"""Findings, entitlement lines and shares as CSV, JSON and Excel.

Columns are stable: scripts and spreadsheets rely on them. Text in the CSV and
Excel outputs is neutralised where a spreadsheet would take it for a formula
(:func:`pcnhub.core.spreadsheet.safe_cell`); JSON keeps it as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING, BinaryIO

from pcnhub.core.spreadsheet import safe_cell
from pcnhub.rules.checks import Finding
from pcnhub.rules.entitlements import ARREARS, ITEMS, ITEMS_BY_ID, EntitlementLine
from pcnhub.rules.periods import ContractYear, month_label
from pcnhub.rules.snapshot import Network

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written, not at start-up
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

FINDING_COLUMNS = [
    "pcn_code",
    "practice_code",
    "commissioner_code",
    "rule",
    "outcome",
    "message",
    "evidence",
    "source",
]
LINE_COLUMNS = [
    "pcn_code",
    "practice_code",
    "month",
    "item",
    "amount",
    "payee",
    "paid_to",
    "status",
    "provisional",
    "note",
]
SHARE_COLUMNS = ["pcn_code", "practice_code", "month", "item", "amount", "method"]
MONEY = "#,##0.00"
#: cell styles, by name (openpyxl fonts made on first use: see :func:`_xl`)
BOLD = "bold"
TITLE = "title"


def findings_json(findings: Sequence[Finding]) -> list[dict]:
    return [{**f.row(), "evidence": f.evidence} for f in findings]


def lines_json(lines: Sequence[EntitlementLine], explain: bool) -> list[dict]:
    out = []
    for line in lines:
        row: dict = line.row()
        if explain:
            row["trace"] = line.trace.as_dict(line.instalment)
        out.append(row)
    return out


def explain(out: IO[str], lines: Sequence[EntitlementLine]) -> None:
    """Each line, then how it was worked out."""
    for line in lines:
        who = f" {line.practice}" if line.practice else ""
        amount = f"£{line.amount:,}" if line.computed else line.note
        marks = "".join(
            f" [{mark}]"
            for mark, shown in (
                ("arrears", line.status == ARREARS),
                ("provisional", line.provisional),
            )
            if shown
        )
        out.write(
            f"{line.network}{who} {month_label(line.month)} {line.item} "
            f"{amount}{marks} → {line.paid_to} {line.payee or '(not recorded)'}\n"
        )
        for text in line.trace.lines(line.instalment):
            out.write(f"    {text}\n")


# --- Excel ---------------------------------------------------------------------
# Written in openpyxl's write-only mode: a national year is 1,250 sheets and
# 150,000 lines, which the normal mode holds in memory cell by cell.


@cache
def _xl() -> SimpleNamespace:
    """openpyxl, imported on the first workbook (it costs a tenth of a second,
    so commands that write no workbook do not import it)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    return SimpleNamespace(
        Workbook=Workbook,
        WriteOnlyCell=WriteOnlyCell,
        ERROR_CODES=ERROR_CODES,
        ILLEGAL_CHARACTERS_RE=ILLEGAL_CHARACTERS_RE,
        get_column_letter=get_column_letter,
        fonts={BOLD: Font(bold=True), TITLE: Font(bold=True, size=14)},
    )


def _text(value: object) -> object:
    """Text safe to open: no formula, no characters a workbook cannot hold."""
    if not isinstance(value, str):
        return value
    return safe_cell(_xl().ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))


def _sheet_title(text: str, used: set[str]) -> str:
    title = text[:31]
    n = 2
    while title in used:
        title = f"{text[:28]} {n}"
        n += 1
    used.add(title)
    return title


class _Sheet:
    """A write-only sheet: bold headings, money formats, frozen heading row."""

    def __init__(self, book: Workbook, title: str, widths: dict[int, int]) -> None:
        self.sheet = book.create_sheet(title)
        for column, width in widths.items():
            letter = _xl().get_column_letter(column)
            self.sheet.column_dimensions[letter].width = width

    def cell(self, value: object, font: str = "") -> WriteOnlyCell:
        cell = _xl().WriteOnlyCell(self.sheet, value=_text(value))
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula or an error value
        if font:
            cell.font = _xl().fonts[font]
        if isinstance(value, Decimal):
            cell.number_format = MONEY
        return cell

    def value(self, value: object) -> object:
        """A plain value as is (cheapest), unless it needs a typed or styled cell."""
        if isinstance(value, Decimal):
            return self.cell(value)
        if isinstance(value, str):
            text = _text(value)
            # openpyxl types '#N/A' and the like as error values.
            return self.cell(text) if text in _xl().ERROR_CODES else text
        return value

    def title(self, *values: object) -> None:
        self.sheet.append(
            [self.cell(values[0], TITLE), *(self.value(v) for v in values[1:])]
        )

    def bold(self, *values: object) -> None:
        self.sheet.append([self.cell(v, BOLD) for v in values])

    def row(self, *values: object) -> None:
        self.sheet.append([self.value(v) for v in values])

    def header(self, columns: list[str], row: int) -> None:
        """Headings on ``row`` (1-based); the rows above must be written already."""
        self.sheet.freeze_panes = f"A{row + 1}"
        self.bold(*columns)


def write_xlsx(
    out: BinaryIO,
    year: ContractYear,
    networks: Sequence[Network],
    lines: Sequence[EntitlementLine],
    notes: Sequence[str] = (),
) -> None:
    """A workbook a commissioner can use as is.

    "All networks": one row per network and item with a column per month and the
    year's total, marked where it rests on a provisional value or includes
    arrears. Then one summary sheet per network (its items by month, its payee,
    and its practices' participation payments), "Not computed" (each item that
    could not be worked out and what it needs), and "Lines", every line.
    """
    book = _xl().Workbook(write_only=True)
    months = [month_label(m) for m in year.months]
    by_network: dict[str, list[EntitlementLine]] = defaultdict(list)
    for line in lines:
        by_network[line.network].append(line)
    sheet = _Sheet(book, "All networks", {1: 10, 2: 40, 3: 12, 4: 34})
    sheet.title(f"Network Contract DES entitlements {year}")
    for note in notes:
        sheet.row(note)
    sheet.row()
    sheet.header(
        [
            "pcn_code",
            "pcn_name",
            "commissioner_code",
            "item",
            *months,
            "total",
            "marks",
        ],
        row=len(notes) + 3,
    )
    for network in networks:
        for row in _item_rows(by_network[network.code], year.months):
            sheet.row(network.code, network.name, network.commissioner, *row)
    used = {"All networks", "Lines"}
    for network in networks:
        _network_sheet(
            _Sheet(book, _sheet_title(network.code, used), {1: 34}),
            network,
            by_network[network.code],
            year,
        )
    _not_computed_sheet(book, lines)
    detail = _Sheet(book, "Lines", {})
    detail.header(LINE_COLUMNS, row=1)
    for line in lines:
        row = line.row()
        detail.row(
            *(row[c] for c in LINE_COLUMNS[:4]),
            line.amount if line.computed else "",
            *(row[c] for c in LINE_COLUMNS[5:]),
        )
    book.save(out)


def _marks(lines: Sequence[EntitlementLine]) -> str:
    """ "provisional" and/or "includes arrears": what a summary row rests on."""
    marks = []
    if any(x.provisional for x in lines):
        marks.append("provisional")
    if any(x.status == ARREARS for x in lines):
        marks.append("includes arrears")
    return ", ".join(marks)


def _not_computed_sheet(book: Workbook, lines: Sequence[EntitlementLine]) -> None:
    missing = [x for x in lines if not x.computed]
    if not missing:
        return
    sheet = _Sheet(book, "Not computed", {1: 10, 2: 34, 3: 10, 4: 90})
    sheet.title("Items not computed, and what each needs")
    sheet.row()
    sheet.header(["pcn_code", "item", "month", "reason"], row=3)
    for line in missing:
        label = ITEMS_BY_ID[line.item].label
        sheet.row(line.network, label, month_label(line.month), line.note)


def _item_rows(lines: Sequence[EntitlementLine], months) -> list[list]:
    """Per item: a label, the months' amounts, the total and its marks.

    An item not computed shows its reason in place of the amounts.
    """
    amounts: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    by_item: dict[str, list[EntitlementLine]] = defaultdict(list)
    for line in lines:
        by_item[line.item].append(line)
        if line.computed:
            amounts[line.item][line.month] += line.amount
    rows = []
    for item in ITEMS:
        mine = by_item.get(item.id)
        if not mine:
            continue
        if item.id in amounts:
            by_month = amounts[item.id]
            values = [by_month.get(m, Decimal(0)) for m in months]
            rows.append([item.label, *values, sum(values), _marks(mine)])
        else:
            reason = mine[0].note
            blank = [""] * (len(months) - 1)
            rows.append([item.label, reason, *blank, "", "not computed"])
    return rows


def _network_sheet(
    sheet: _Sheet, network: Network, lines: list[EntitlementLine], year: ContractYear
) -> None:
    sheet.title(
        f"{network.code} {network.name}", f"commissioner {network.commissioner}"
    )
    sheet.row(
        f"Nominated payee: {network.facts.nominated_payee or 'not recorded'}",
        f"lists on {network.lists_on}",
    )
    sheet.row()
    sheet.header(
        ["item", *(month_label(m) for m in year.months), "total", "marks"], row=4
    )
    rows = _item_rows([x for x in lines if not x.practice], year.months)
    for row in rows:
        sheet.row(*row)
    paid = [r for r in rows if isinstance(r[13], Decimal)]
    if paid:
        totals = [sum(r[i] for r in paid) for i in range(1, 14)]
        sheet.sheet.append(
            [
                sheet.cell("Total to the nominated payee", BOLD),
                *(sheet.cell(t) for t in totals),
            ]
        )
    sheet.row()
    sheet.bold("Network Participation Payment to practices")
    practice_lines: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    theirs: dict[str, list[EntitlementLine]] = defaultdict(list)
    for line in lines:
        if line.practice:
            practice_lines[line.practice][line.month] += line.amount
            theirs[line.practice].append(line)
    for code, by_month in sorted(practice_lines.items()):
        values = [by_month.get(m, Decimal(0)) for m in year.months]
        sheet.row(code, *values, sum(values), _marks(theirs[code]))
