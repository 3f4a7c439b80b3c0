"""Findings, entitlement lines and shares as CSV, JSON and Excel.

Columns are stable: scripts and spreadsheets rely on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pcnhub.rules.checks import Finding
from pcnhub.rules.entitlements import ITEMS, ITEMS_BY_ID, EntitlementLine
from pcnhub.rules.periods import ContractYear, month_label
from pcnhub.rules.snapshot import Network

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
]
SHARE_COLUMNS = ["pcn_code", "practice_code", "month", "item", "amount", "method"]
MONEY = "#,##0.00"


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
        out.write(
            f"{line.network}{who} {month_label(line.month)} {line.item} "
            f"£{line.amount:,} → {line.paid_to} {line.payee or '(not recorded)'}\n"
        )
        for text in line.trace.lines(line.instalment):
            out.write(f"    {text}\n")


# --- Excel ---------------------------------------------------------------------


def _sheet_title(text: str, used: set[str]) -> str:
    title = text[:31]
    n = 2
    while title in used:
        title = f"{text[:28]} {n}"
        n += 1
    used.add(title)
    return title


def _header(sheet, columns: list[str]) -> None:
    sheet.append(columns)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{sheet.max_row + 1}"


def _widths(sheet, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def write_xlsx(
    out: BinaryIO,
    year: ContractYear,
    networks: Sequence[Network],
    lines: Sequence[EntitlementLine],
    notes: Sequence[str] = (),
) -> None:
    """A workbook a commissioner can use as is.

    "All networks": one row per network and item with a column per month and the
    year's total. Then one summary sheet per network (its items by month, its
    payee, and its practices' participation payments), and "Lines", every line.
    """
    book = Workbook()
    months = year.months
    by_network: dict[str, list[EntitlementLine]] = defaultdict(list)
    for line in lines:
        by_network[line.network].append(line)
    sheet = book.active
    sheet.title = "All networks"
    sheet.append([f"Network Contract DES entitlements {year}"])
    sheet["A1"].font = Font(bold=True, size=14)
    for note in notes:
        sheet.append([note])
    sheet.append([])
    _header(
        sheet,
        [
            "pcn_code",
            "pcn_name",
            "commissioner_code",
            "item",
            *(month_label(m) for m in months),
            "total",
        ],
    )
    for network in networks:
        for row in _item_rows(by_network[network.code], months):
            sheet.append([network.code, network.name, network.commissioner, *row])
    _money(sheet, first_column=5)
    _widths(sheet, {1: 10, 2: 40, 3: 12, 4: 34})
    used = {sheet.title, "Lines"}
    for network in networks:
        _network_sheet(
            book,
            network,
            by_network[network.code],
            year,
            _sheet_title(network.code, used),
        )
    detail = book.create_sheet("Lines")
    _header(detail, LINE_COLUMNS)
    for line in lines:
        row = line.row()
        detail.append(
            [
                *(row[c] for c in LINE_COLUMNS[:4]),
                line.amount,
                row["payee"],
                row["paid_to"],
            ]
        )
    _money(detail, first_column=5, last_column=5)
    book.save(out)


def _item_rows(lines: Sequence[EntitlementLine], months) -> list[list]:
    amounts: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        amounts[line.item][line.month] += line.amount
    rows = []
    for item in ITEMS:
        if item.id in amounts:
            by_month = amounts[item.id]
            values = [by_month.get(m, Decimal(0)) for m in months]
            rows.append([ITEMS_BY_ID[item.id].label, *values, sum(values)])
    return rows


def _network_sheet(book, network, lines, year, title) -> None:
    sheet = book.create_sheet(title)
    sheet.append(
        [f"{network.code} {network.name}", f"commissioner {network.commissioner}"]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            f"Nominated payee: {network.facts.nominated_payee or 'not recorded'}",
            f"lists on {network.lists_on}",
        ]
    )
    sheet.append([])
    _header(sheet, ["item", *(month_label(m) for m in year.months), "total"])
    rows = _item_rows([x for x in lines if not x.practice], year.months)
    for row in rows:
        sheet.append(row)
    if rows:
        sheet.append(
            [
                "Total to the nominated payee",
                *(sum(r[i] for r in rows) for i in range(1, 14)),
            ]
        )
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    sheet.append(["Network Participation Payment to practices"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    practice_lines: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        if line.practice:
            practice_lines[line.practice][line.month] += line.amount
    for code, by_month in sorted(practice_lines.items()):
        values = [by_month.get(m, Decimal(0)) for m in year.months]
        sheet.append([code, *values, sum(values)])
    _money(sheet, first_column=2)
    _widths(sheet, {1: 34})


def _money(sheet, first_column: int, last_column: int | None = None) -> None:
    for row in sheet.iter_rows(min_col=first_column, max_col=last_column):
        for cell in row:
            if isinstance(cell.value, Decimal | int | float):
                cell.number_format = MONEY
