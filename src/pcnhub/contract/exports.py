"""Findings, entitlement lines and shares as CSV, JSON and Excel.

Columns are stable: scripts and spreadsheets rely on them. Text in the CSV and
Excel outputs is neutralised where a spreadsheet would take it for a formula
(:func:`pcnhub.core.spreadsheet.safe_cell`); JSON keeps it as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, BinaryIO

from pcnhub.contract import marks, xlsx
from pcnhub.core.spreadsheet import safe_cell
from pcnhub.rules.checks import Finding
from pcnhub.rules.entitlements import ARREARS, EntitlementLine
from pcnhub.rules.items import ITEMS_BY_ID
from pcnhub.rules.local import items_of
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
    "status",
    "provisional",
    "note",
]
SHARE_COLUMNS = ["pcn_code", "practice_code", "month", "item", "amount", "method"]


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
# Streamed by pcnhub.contract.xlsx, row by row: a national year is 1,250 sheets
# and 150,000 lines (two million cells).


def _text(value: object, memo: dict[str, str]) -> object:
    """Text safe to open: no formula (the writer drops the characters a workbook
    cannot hold). ``memo`` keeps the answers: most text repeats."""
    if not isinstance(value, str):
        return value
    found = memo.get(value)
    if found is None:
        found = memo[value] = safe_cell(value)
    return found


class _Provisional:
    """Whether a line is provisional, worked out once per trace (lines share
    traces); only for lines that are all alive while it is used."""

    def __init__(self) -> None:
        self._known: dict[int, bool] = {}

    def __call__(self, line: EntitlementLine) -> bool:
        if not line.computed:
            return False
        found = self._known.get(id(line.trace))
        if found is None:
            found = self._known[id(line.trace)] = any(
                v.provisional for v in line.trace.parameters
            )
        return found


def _sheet_title(text: str, used: set[str]) -> str:
    title = text[:31]
    n = 2
    while title in used:
        title = f"{text[:28]} {n}"
        n += 1
    used.add(title)
    return title


class _Sheet:
    """A sheet: bold headings, money formats, the heading row frozen."""

    def __init__(
        self,
        book: xlsx.Workbook,
        title: str,
        widths: dict[int, float],
        heading_row: int = 0,
        memo: dict[str, str] | None = None,
    ) -> None:
        self.heading_row = heading_row
        self.sheet = book.sheet(title, widths, freeze=heading_row)
        self.memo = {} if memo is None else memo

    def value(self, value: object, style: int = xlsx.PLAIN) -> tuple[object, int]:
        """A value and its style: money formatted, text made safe."""
        if isinstance(value, Decimal):
            return value, xlsx.MONEY if style == xlsx.PLAIN else style
        return _text(value, self.memo), style

    def title(self, *values: object) -> None:
        first, *rest = values
        self.sheet.append(
            [self.value(first, xlsx.TITLE), *(self.value(v) for v in rest)]
        )

    def bold(self, *values: object) -> None:
        self.sheet.append([self.value(v, xlsx.BOLD) for v in values])

    def row(self, *values: object) -> None:
        self.sheet.append([self.value(v) for v in values])

    def cells(self, cells: list[tuple[object, int]]) -> None:
        self.sheet.append([self.value(v, style) for v, style in cells])

    def header(self, columns: list[str], row: int) -> None:
        """Headings on ``row`` (1-based, frozen): the rows above are written."""
        if row != self.sheet.row_count + 1 or row != self.heading_row:
            raise ValueError(f"headings on row {row}, but the next is a different row")
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
    book = xlsx.Workbook(out)
    memo: dict[str, str] = {}
    provisional = _Provisional()
    by_network: dict[str, list[EntitlementLine]] = defaultdict(list)
    for line in lines:
        by_network[line.network].append(line)
    _all_networks_sheet(book, year, networks, by_network, notes, provisional, memo)
    used = {"All networks", "Lines"}
    for network in networks:
        _network_sheet(
            _Sheet(
                book,
                _sheet_title(network.code, used),
                {1: 34},
                heading_row=4,
                memo=memo,
            ),
            network,
            by_network[network.code],
            year,
            provisional,
        )
    _not_computed_sheet(book, lines, memo)
    _lines_sheet(book, year, lines, provisional, memo)
    book.close()


def _all_networks_sheet(
    book: xlsx.Workbook,
    year: ContractYear,
    networks: Sequence[Network],
    by_network: dict[str, list[EntitlementLine]],
    notes: Sequence[str],
    provisional: _Provisional,
    memo: dict[str, str],
) -> None:
    """One row per network and item, a column per month, the total and marks."""
    months = [month_label(m) for m in year.months]
    sheet = _Sheet(
        book,
        "All networks",
        {1: 10, 2: 40, 3: 12, 4: 34},
        heading_row=len(notes) + 3,
        memo=memo,
    )
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
        for row in _item_rows(by_network[network.code], year.months, provisional):
            sheet.row(network.code, network.name, network.commissioner, *row)


def _lines_sheet(
    book: xlsx.Workbook,
    year: ContractYear,
    lines: Sequence[EntitlementLine],
    provisional: _Provisional,
    memo: dict[str, str],
) -> None:
    """Every line: the columns of EntitlementLine.row(), the amount as a number."""
    detail = _Sheet(book, "Lines", {}, heading_row=1, memo=memo)
    detail.header(LINE_COLUMNS, row=1)
    labels = {m: month_label(m) for m in year.months}
    for line in lines:
        detail.row(
            line.network,
            line.practice,
            labels.get(line.month) or month_label(line.month),
            line.item,
            line.amount if line.computed else "",
            line.payee or "not recorded",
            line.paid_to,
            line.status,
            "yes" if provisional(line) else "",
            line.note,
        )


def _marks(lines: Sequence[EntitlementLine], provisional: _Provisional) -> str:
    """ "provisional" and/or "includes arrears": what a summary row rests on."""
    marks = []
    if any(provisional(x) for x in lines):
        marks.append("provisional")
    if any(x.status == ARREARS for x in lines):
        marks.append("includes arrears")
    return ", ".join(marks)


def _not_computed_sheet(
    book: xlsx.Workbook, lines: Sequence[EntitlementLine], memo: dict[str, str]
) -> None:
    missing = [x for x in lines if not x.computed]
    if not missing:
        return
    sheet = _Sheet(
        book,
        "Not computed",
        {1: 10, 2: 34, 3: 10, 4: 90, 5: 90},
        heading_row=3,
        memo=memo,
    )
    sheet.title("Items not computed, what each needs, and where it is recorded")
    sheet.row()
    sheet.header(["pcn_code", "item", "month", "reason", "where recorded"], row=3)
    for line in missing:
        label = ITEMS_BY_ID[line.item].label
        where = marks.where_recorded(line)
        sheet.row(line.network, label, month_label(line.month), line.note, where)


def _item_rows(
    lines: Sequence[EntitlementLine], months, provisional: _Provisional
) -> list[list]:
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
    for item in items_of(lines):
        mine = by_item.get(item.id)
        if not mine:
            continue
        if item.id in amounts:
            by_month = amounts[item.id]
            values = [by_month.get(m, Decimal(0)) for m in months]
            rows.append([item.label, *values, sum(values), _marks(mine, provisional)])
        else:
            reason = mine[0].note
            blank = [""] * (len(months) - 1)
            rows.append([item.label, reason, *blank, "", "not computed"])
    return rows


def _network_sheet(
    sheet: _Sheet,
    network: Network,
    lines: list[EntitlementLine],
    year: ContractYear,
    provisional: _Provisional,
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
    rows = _item_rows([x for x in lines if not x.practice], year.months, provisional)
    for row in rows:
        sheet.row(*row)
    paid = [r for r in rows if isinstance(r[13], Decimal)]
    if paid:
        totals = [sum(r[i] for r in paid) for i in range(1, 14)]
        sheet.cells(
            [("Total to the nominated payee", xlsx.BOLD)]
            + [(t, xlsx.MONEY) for t in totals]
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
        sheet.row(code, *values, sum(values), _marks(theirs[code], provisional))
