"""Money on the entitlements page: amounts, months and the by-month table rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from pcnhub.rules.entitlements import EntitlementLine
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


def strong_cell(text: str) -> Cell:
    return {"html": Markup("<strong>{}</strong>").format(text)}


def strong_money(value: Decimal, id: str | None = None) -> Cell:
    attribute = Markup(' id="{}"').format(id) if id else Markup("")
    return {
        "html": Markup("<strong{}>{}</strong>").format(attribute, fmt_money(value)),
        "format": "numeric",
    }
