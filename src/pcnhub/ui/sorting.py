"""Tables sorted on the server, with totals (issue 10).

A page declares its table's columns once, as :class:`Column`\\ s: the key that
names it in ``?sort=<key>&order=asc|desc``, its heading, whether it holds
numbers, what to sort by (a function of the row) and, for figures, whether to
total it and how a total is written. Then:

* :func:`sort_rows` sorts the **whole** list as the request asks (stable; blank
  values last in both orders; numbers as numbers, text ignoring case) and gives a
  :class:`Sorted`. Page it afterwards (``paginate(sorted.rows, request)``), so
  sorting a national list sorts every row, not just the page. A key or order it
  does not know gives the default order, never an error.
* :attr:`Sorted.head` gives the NHS.UK headings: each sortable one a link that
  sorts by it (the other way when it is already the sorted column), keeping the
  rest of the query string but going back to the first page; the sorted one
  carries ``aria-sort`` (``pcnhub.ui.tables.fast_table`` writes it as the macro
  does).
* :func:`totals_row` (and :meth:`Sorted.foot`) gives a row of totals for a
  table's ``foot`` (a ``<tfoot>``, drawn only by the fast path): the sum over
  **all** the rows of each column declared ``summable``, in whole numbers or
  :class:`~decimal.Decimal` (never float, so money stays exact), written by the
  column's formatter. Say so near the table (:meth:`Sorted.totals_note`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from markupsafe import Markup

ASC, DESC = "asc", "desc"
ORDERS = (ASC, DESC)
ARIA_SORT = {ASC: "ascending", DESC: "descending"}

Total = int | Decimal | None


def count_text(value: Total) -> str:
    """The default way to write a total: thousands separators, blank for none."""
    return "" if value is None else f"{value:,}"


@dataclass(frozen=True)
class Column:
    """One column of a sortable table.

    ``value`` is what the column is sorted by (and, if ``summable``, what is
    added up); a column without one cannot be sorted. ``fmt`` writes a total
    (``Markup`` is written as HTML).
    """

    key: str
    heading: str
    value: Callable[[Any], Any] | None = None
    numeric: bool = False
    summable: bool = False
    fmt: Callable[[Total], str] = count_text

    def heading_cell(self) -> dict[str, Any]:
        cell: dict[str, Any] = {"text": self.heading}
        if self.numeric:
            cell["format"] = "numeric"
        return cell

    def order_words(self, order: str) -> str:
        """How the caption says the order: "A to Z", "highest first"..."""
        if self.numeric:
            return "lowest first" if order == ASC else "highest first"
        return "A to Z" if order == ASC else "Z to A"


def head(columns: Sequence[Column]) -> list[dict[str, Any]]:
    """The headings of a table that is not sorted on request (no links)."""
    return [c.heading_cell() for c in columns]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sort_key(column: Column) -> Callable[[Any], Any]:
    assert column.value is not None
    get = column.value
    if column.numeric:
        return get
    return lambda row: str(get(row)).casefold()


def sorted_by(rows: Sequence[Any], column: Column, order: str) -> list[Any]:
    """``rows`` sorted by ``column`` in ``order``: stable, blanks last either way."""
    assert column.value is not None
    get = column.value
    present = [r for r in rows if not _blank(get(r))]
    blank = [r for r in rows if _blank(get(r))]
    # sorted(reverse=True) keeps equal rows in their order, as the ascending sort.
    return [*sorted(present, key=_sort_key(column), reverse=order == DESC), *blank]


@dataclass(frozen=True)
class Sorted:
    """A whole list sorted as a request asked, and what its table needs."""

    rows: list[Any]
    columns: tuple[Column, ...]
    key: str | None  # the column sorted by (None: the rows as they came)
    order: str
    path: str
    query: Any  # the request's QueryDict

    def href(self, column: Column) -> str:
        """Sort by ``column``: the other way if it is the sorted one, else A to Z
        (or lowest first); the rest of the query kept, back to the first page."""
        order = DESC if column.key == self.key and self.order == ASC else ASC
        query = self.query.copy()
        query.pop("page", None)
        query["sort"] = column.key
        query["order"] = order
        return f"{self.path}?{query.urlencode()}"

    @property
    def head(self) -> list[dict[str, Any]]:
        cells = []
        for column in self.columns:
            cell = column.heading_cell()
            if column.value is not None:
                cell["href"] = self.href(column)
                cell["sort"] = (
                    ARIA_SORT[self.order] if column.key == self.key else "none"
                )
            cells.append(cell)
        return cells

    @property
    def description(self) -> str:
        """ "sorted by Name, A to Z" (empty when the rows are as they came)."""
        for column in self.columns:
            if column.key == self.key:
                return f"sorted by {column.heading}, {column.order_words(self.order)}"
        return ""

    def totals_note(self, one: str, many: str | None = None) -> str:
        """Where the totals come from: "Totals are for all 1,251 networks" (of
        every row, whichever page is shown)."""
        n = len(self.rows)
        if n == 1:
            return f"Totals are for the 1 {one}"
        return f"Totals are for all {n:,} {many or one + 's'}"

    def foot(self, label: str = "Total") -> list[list[Any]]:
        """The table's ``foot``: one row of totals of every row (not a page)."""
        return [totals_row(self.rows, self.columns, label)]


def sort_rows(
    rows: Sequence[Any],
    columns: Sequence[Column],
    request: HttpRequest,
    default: str | None = None,
) -> Sorted:
    """``rows`` sorted by ``?sort=<key>&order=asc|desc`` (order A to Z if not
    given); a key or an order not known gives the ``default`` column A to Z, or the
    rows as they came if there is none."""
    columns = tuple(columns)
    sortable = {c.key: c for c in columns if c.value is not None}
    key = request.GET.get("sort", "")
    order = request.GET.get("order", ASC)
    if key not in sortable or order not in ORDERS:
        key, order = default or "", ASC
    if key not in sortable:
        return Sorted(list(rows), columns, None, ASC, request.path, request.GET)
    return Sorted(
        sorted_by(rows, sortable[key], order),
        columns,
        key,
        order,
        request.path,
        request.GET,
    )


# --------------------------------------------------------------------------------
# Totals
# --------------------------------------------------------------------------------


def totals(rows: Sequence[Any], columns: Sequence[Column]) -> dict[str, Total]:
    """The sum over ``rows`` of each summable column (None where every row is
    blank). Only whole numbers and Decimals are added: a float is a TypeError,
    as money must not lose pennies to binary fractions."""
    out: dict[str, Total] = {}
    for column in columns:
        if not column.summable:
            continue
        if column.value is None:
            raise ValueError(f"column {column.key!r} is summable but has no value")
        total: Total = None
        for row in rows:
            value = column.value(row)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                raise TypeError(
                    f"column {column.key!r}: totals add whole numbers and Decimals, "
                    f"not {type(value).__name__}"
                )
            total = value if total is None else total + value
        out[column.key] = total
    return out


def totals_row(
    rows: Sequence[Any], columns: Sequence[Column], label: str = "Total"
) -> list[Any]:
    """A row of totals for a table's ``foot``: ``label`` (the row's header) in the
    first column, each summable column's total, the other cells empty."""
    if not columns:
        raise ValueError("a totals row needs the table's columns")
    if columns[0].summable:
        raise ValueError("the first column holds the totals row's label")
    sums = totals(rows, columns)
    cells: list[Any] = [label]
    for column in columns[1:]:
        if column.key not in sums:
            cells.append("")
            continue
        text = column.fmt(sums[column.key])
        cell: dict[str, Any] = (
            {"html": text} if isinstance(text, Markup) else {"text": text}
        )
        if column.numeric:
            cell["format"] = "numeric"
        cells.append(cell)
    return cells
