"""A network's ARRS spend in a contract year against its ARRS sum, month by month.

What the network workforce page charts (and ``GET /api/workforce/{code}/spend``
serves): each month's latest claim (adjustments included, as ``pcnhub arrs``
counts them), the running total to date, the ARRS sum, and what the year's latest
NHS Payments to General Practice file says was paid (a figure for the year so
far: the file gives no months). The months run from April to the last month
claimed; a month with no claim adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pcnhub.rules.money import ZERO
from pcnhub.rules.periods import ContractYear
from pcnhub.ui.charts import Chart, Reference, Series, line_chart
from pcnhub.workforce.claiming import latest_claims
from pcnhub.workforce.models import ArrsPayment
from pcnhub.workforce.payments import latest_file


@dataclass(frozen=True)
class MonthSpend:
    month: date
    claimed: Decimal
    cumulative: Decimal


@dataclass(frozen=True)
class Spend:
    network: str
    year: ContractYear
    arrs_sum: Decimal | None
    paid: Decimal | None
    months: list[MonthSpend]

    @property
    def claimed(self) -> Decimal:
        return self.months[-1].cumulative if self.months else ZERO


def spend_by_month(code: str, year: ContractYear, arrs_sum: Decimal | None) -> Spend:
    """The network's claims of ``year`` by month (``arrs_sum`` as the page has
    it: :func:`pcnhub.workforce.claiming.arrs_sum`, or none when not known)."""
    claims = {m: c for (_, m), c in latest_claims(str(year), [code]).items()}
    months: list[MonthSpend] = []
    if claims:
        running = ZERO
        last = max(claims)
        for month in year.months:
            if month > last:
                break
            claimed = claims[month].total if month in claims else ZERO
            running += claimed
            months.append(MonthSpend(month, claimed, running))
    return Spend(code, year, arrs_sum, _paid(code, year), months)


def _paid(code: str, year: ContractYear) -> Decimal | None:
    """What the year's latest payments file says was paid to the network."""
    payments_file = latest_file(str(year))
    if payments_file is None:
        return None
    found = ArrsPayment.objects.filter(
        payments_file=payments_file, pcn_code=code, is_network=True
    ).values_list("paid", flat=True)
    return next(iter(found), None)


def _pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


def spend_chart(spend: Spend) -> Chart:
    """Claimed to date (and in each month) against the ARRS sum, as a line chart."""
    labels = [f"{m.month:%b %Y}" for m in spend.months]
    series = [
        Series(
            "Claimed to date",
            list(zip(labels, [m.cumulative for m in spend.months], strict=True)),
        ),
        Series(
            "Claimed in the month",
            list(zip(labels, [m.claimed for m in spend.months], strict=True)),
        ),
    ]
    references = []
    if spend.arrs_sum is not None:
        references.append(Reference(spend.arrs_sum, "ARRS sum"))
    if spend.paid is not None:
        references.append(Reference(spend.paid, "Paid (payments file)"))
    return line_chart(
        series,
        title=f"ARRS claimed against the ARRS sum, {spend.year}",
        description=_describe(spend),
        y_label="Claimed to date",
        money=True,
        x_label="Month",
        references=references,
        id="arrs-spend-chart",
    )


def _describe(spend: Spend) -> str:
    if not spend.months:
        return f"No ARRS claims are generated for {spend.network} in {spend.year}."
    last = spend.months[-1]
    text = (
        f"ARRS claimed from April to {last.month:%B %Y}, by the latest claim of "
        f"each month: {_pounds(spend.claimed)} to date"
    )
    if spend.arrs_sum is None:
        text += "; the ARRS sum is not known"
    else:
        left = spend.arrs_sum - spend.claimed
        text += f", against an ARRS sum of {_pounds(spend.arrs_sum)}: " + (
            f"{_pounds(left)} of headroom"
            if left >= 0
            else f"{_pounds(-left)} above the sum"
        )
    if spend.paid is not None:
        text += f". The payments file says {_pounds(spend.paid)} was paid"
    return text + ". The table gives every month."
