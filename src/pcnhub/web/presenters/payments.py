"""The "How this network is paid" page: a network's entitlements in a year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse

from pcnhub.access.scope import Scope
from pcnhub.contract import marks
from pcnhub.contract.services import EntitlementRun
from pcnhub.register import queries
from pcnhub.register.names import name_of
from pcnhub.rules.entitlements import EntitlementLine
from pcnhub.rules.items import PRACTICE
from pcnhub.rules.local import items_of
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import Network
from pcnhub.ui.asat import AsAt
from pcnhub.ui.charts import Chart, Series, line_chart
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.links import org_url
from pcnhub.ui.years import covered_years
from pcnhub.web.presenters.cells import Table, code_and_name, org_ref
from pcnhub.web.presenters.explanations import (
    Explanation,
    item_explanations,
    marked,
    membership_changes,
)
from pcnhub.web.presenters.money import (
    MoneyRow,
    fmt_money,
    money_table,
    totals_by_month,
)


def entitlements_link(as_at: AsAt, code: str, year: ContractYear) -> str:
    return as_at.link(reverse("entitlements", args=[code]), year=str(year))


def year_options(chosen: ContractYear | None) -> list[dict[str, Any]]:
    return [
        {"value": str(y), "text": str(y), "selected": y == chosen}
        for y in covered_years()
    ]


@dataclass(frozen=True)
class Entitlements:
    """What the "How this network is paid" page shows."""

    network: Network
    summary_rows: list[dict[str, Any]]
    items_table: Table
    practices_table: Table | None
    explanations: list[Explanation]
    changes: list[str]
    notes: list[str]
    not_computed: tuple[marks.NotComputed, ...] = ()
    provisional: bool = False
    #: what is due month by month (:func:`by_month_chart`)
    chart: Chart | None = None


def entitlements(run: EntitlementRun, as_at: AsAt, scope: Scope) -> Entitlements:
    (network,) = run.networks
    names = queries.names_on(
        {p.code for p in network.practices} | {network.commissioner}, run.year.start
    )
    to_payee = [x for x in marks.due(run.lines) if x.paid_to != PRACTICE]
    to_practices = [x for x in marks.due(run.lines) if x.paid_to == PRACTICE]
    payee_total = sum((x.amount for x in to_payee), Decimal(0))
    practices_total = sum((x.amount for x in to_practices), Decimal(0))
    return Entitlements(
        network,
        _summary_rows(run, names, payee_total, practices_total, as_at, scope),
        _items_table(run, to_payee),
        _practices_table(run, to_practices, names, as_at, scope),
        item_explanations(run.lines, names),
        membership_changes(network, run.year),
        run.notes,
        tuple(marks.not_computed(run.lines)),
        bool(marks.provisional_items(run.lines)),
        by_month_chart(run),
    )


@dataclass(frozen=True)
class MonthDue:
    """What is due in a month (arrears in the month they are paid): to the
    nominated payee, to the member practices, and both."""

    month: date
    to_payee: Decimal
    to_practices: Decimal

    @property
    def total(self) -> Decimal:
        return self.to_payee + self.to_practices


def by_month(run: EntitlementRun) -> list[MonthDue]:
    """The year's twelve months, from the lines the page's tables total."""
    due = marks.due(run.lines)
    payee = totals_by_month(x for x in due if x.paid_to != PRACTICE)
    practices = totals_by_month(x for x in due if x.paid_to == PRACTICE)
    zero = Decimal(0)
    return [
        MonthDue(m, payee.get(m, zero), practices.get(m, zero)) for m in run.year.months
    ]


def by_month_chart(run: EntitlementRun) -> Chart:
    months = by_month(run)
    labels = [f"{m.month:%b %Y}" for m in months]
    series = [
        Series(
            "To the nominated payee",
            list(zip(labels, [m.to_payee for m in months], strict=True)),
        ),
        Series(
            "To member practices",
            list(zip(labels, [m.to_practices for m in months], strict=True)),
        ),
    ]
    if not any(m.to_practices for m in months):
        series = series[:1]
    total = sum((m.total for m in months), Decimal(0))
    high = max(months, key=lambda m: m.total)
    description = (
        f"What is due to the network month by month in {run.year}: "
        f"{fmt_money(total)} in all, the most in {high.month:%B %Y} "
        f"({fmt_money(high.total)}). The table gives every month."
    )
    if not total:
        series = [Series(s.name, []) for s in series]
    return line_chart(
        series,
        title=f"Entitlements by month, {run.year}",
        description=description,
        y_label="Due in the month",
        money=True,
        x_label="Month",
        id="entitlements-chart",
    )


def _items_table(run: EntitlementRun, to_payee: Sequence[EntitlementLine]) -> Table:
    """Each item paid to the nominated payee (and its arrears), by month, with
    the totals of every item."""
    rows = []
    for item in items_of(run.lines):  # the national items, then any added locally
        mine = [x for x in marks.regular(to_payee) if x.item == item.id]
        if mine:
            rows.append(MoneyRow(marked(item.label, mine), totals_by_month(mine)))
        back = [x for x in marks.arrears(to_payee) if x.item == item.id]
        if back:
            label = f"{item.label}: arrears (a backdated change)"
            rows.append(MoneyRow(label, totals_by_month(back)))
    return {
        "id": "items-by-month",
        "caption": f"Paid to the nominated payee in {run.year}, by month",
        "scroll": True,
        "compact": True,
        "classes": "pcnhub-money-table",
        "firstCellIsHeader": True,
        **money_table(rows, "Item", run.year.months, "Total to the nominated payee"),
    }


def _practices_table(
    run: EntitlementRun,
    to_practices: Sequence[EntitlementLine],
    names: dict[str, str],
    as_at: AsAt,
    scope: Scope,
) -> Table | None:
    """The Network Participation Payment to each practice by month, if any, with
    the totals of every practice."""
    if not to_practices:
        return None
    rows = []
    for code in sorted({x.practice for x in to_practices}):
        label = {
            "html": org_ref(as_at, scope, code, code_and_name(code, names)),
        }
        theirs = [x for x in to_practices if x.practice == code]
        rows.append(MoneyRow(label, totals_by_month(theirs)))
    return {
        "id": "participation-by-month",
        "caption": f"Network Participation Payment to each practice in "
        f"{run.year}, by month",
        "scroll": True,
        "compact": True,
        "classes": "pcnhub-money-table",
        "firstCellIsHeader": True,
        **money_table(rows, "Practice", run.year.months, "Total to practices"),
    }


def _summary_rows(
    run: EntitlementRun,
    names: dict[str, str],
    payee_total: Decimal,
    practices_total: Decimal,
    as_at: AsAt,
    scope: Scope,
) -> list[dict[str, Any]]:
    """The summary list: year, commissioner, list date, payee and the totals."""
    (network,) = run.networks
    payee = network.facts.nominated_payee
    return [
        {"key": {"text": "Contract year"}, "value": {"text": str(run.year)}},
        {
            "key": {"text": "Commissioner"},
            "value": (
                {
                    "html": org_ref(
                        as_at,
                        scope,
                        network.commissioner,
                        code_and_name(network.commissioner, names),
                    )
                }
                if network.commissioner
                else {"text": "Not recorded"}
            ),
        },
        {
            "key": {"text": "List sizes taken on"},
            "value": {"text": fmt_date(network.lists_on)},
        },
        {
            "key": {"text": "Nominated payee"},
            "value": {"text": payee or "Not recorded in pcnhub"},
        },
        {
            "key": {"text": "Total to the nominated payee"},
            "value": {"text": fmt_money(payee_total)},
        },
        {
            "key": {"text": "Network Participation Payment to practices"},
            "value": {"text": fmt_money(practices_total)},
        },
        {
            "key": {"text": "Total for the year"},
            "value": {"text": fmt_money(payee_total + practices_total)},
        },
    ]


def entitlements_page(
    run: EntitlementRun | None,
    as_at: AsAt,
    code: str,
    registered: bool,
    network: bool,
    year: ContractYear | None,
    error: str,
    scope: Scope,
) -> dict[str, Any]:
    """The "How this network is paid" page, or why it cannot be shown."""
    page: dict[str, Any] = {
        "code": code,
        "name": name_of(code, year.start if year else as_at.day),
        "org_url": org_url(as_at, code) if registered else "",
        "is_network": network,
        "year": str(year) if year else "",
        "year_options": year_options(year),
        "error": error,
        "page": entitlements(run, as_at, scope) if run else None,
    }
    if run:
        link = entitlements_link(as_at, code, run.year)
        page["csv_url"] = f"{link}&format=csv"
        page["xlsx_url"] = f"{link}&format=xlsx"
    return page
