"""Money on the entitlements page: amounts, months and the by-month tables, whose
totals row is the UI kit's (:func:`pcnhub.ui.sorting.totals_row`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from pcnhub.rules.entitlements import EntitlementLine
from pcnhub.ui.sorting import Column, Total, totals_row
from pcnhub.ui.tags import numeric
from pcnhub.web.presenters.cells import Cell


def fmt_money(value: Decimal) -> str:
    """Pounds and pence with thousands separators: ``£91,239.00``."""
    return f"£{value:,.2f}"


def fmt_month(month: date) -> str:
    return f"{month:%B %Y}"


def totals_by_month(lines: Iterable[EntitlementLine]) -> dict[date, Decimal]:
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.month] += line.amount
    return totals


#: A month with nothing due: a dash, read out as "nothing".
NOTHING: Cell = {
    "html": Markup(
        '<span aria-hidden="true">—</span>'
        '<span class="nhsuk-u-visually-hidden">nothing</span>'
    ),
    "format": "numeric",
}


def money_row(
    label: Cell | str, by_month: dict[date, Decimal], months: Sequence[date]
) -> list[Any]:
    return [
        label,
        *(
            numeric(fmt_money(by_month[m])) if m in by_month else NOTHING
            for m in months
        ),
        numeric(fmt_money(sum(by_month.values(), Decimal(0)))),
    ]


def month_head(first: str, months: Sequence[date]) -> list[dict[str, Any]]:
    return [
        {"text": first},
        *({"text": f"{m:%b %Y}", "format": "numeric"} for m in months),
        {"text": "Year", "format": "numeric"},
    ]


@dataclass(frozen=True)
class MoneyRow:
    """A row of a by-month table: its label and what is due in each month."""

    label: Cell | str
    by_month: dict[date, Decimal]

    @property
    def year(self) -> Decimal:
        return sum(self.by_month.values(), Decimal(0))


def money_total(value: Total) -> str:
    """A total of money, or the dash read as "nothing" when no row has any."""
    return NOTHING["html"] if value is None else fmt_money(value)


def month_columns(first: str, months: Sequence[date]) -> tuple[Column, ...]:
    """The columns of a by-month table, each month and the year totalled."""
    return (
        Column("label", first),
        *(
            Column(
                f"{m:%Y-%m}",
                f"{m:%b %Y}",
                lambda r, m=m: r.by_month.get(m),
                numeric=True,
                summable=True,
                fmt=money_total,
            )
            for m in months
        ),
        Column("year", "Year", lambda r: r.year, True, True, money_total),
    )


def money_table(
    rows: Sequence[MoneyRow], first: str, months: Sequence[date], total: str
) -> dict[str, Any]:
    """The head, rows and totals row (labelled ``total``) of a by-month table."""
    columns = month_columns(first, months)
    return {
        "head": month_head(first, months),
        "rows": [money_row(r.label, r.by_month, months) for r in rows],
        "foot": [totals_row(rows, columns, total)],
    }
