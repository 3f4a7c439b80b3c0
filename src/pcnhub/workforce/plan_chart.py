"""The workforce plan's chart: cumulative projected spend against the ARRS sum.

Cumulative projected spend (existing posts, and existing + planned) month by
month against the ARRS sum, as lines of the UI kit's chart
(:mod:`pcnhub.ui.charts`): a fixed ``viewBox`` scaled to the page's width, a
``<title>`` and ``<desc>`` saying in words what it shows, and the figures as a
table below it.
"""

from __future__ import annotations

from decimal import Decimal

from pcnhub.rules.plan import Projection
from pcnhub.ui.charts import Chart, Reference, Series, line_chart


def _pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


def chart(projection: Projection, title: str) -> Chart:
    """Cumulative spend (posts on record and planned; posts on record alone)
    against the ARRS sum, drawn by the UI kit (``ui/chart.jinja``)."""
    months = [f"{m.month:%b %Y}" for m in projection.months]
    existing: list[Decimal] = []
    running = Decimal(0)
    for m in projection.months:
        running += m.existing
        existing.append(running)
    series = [
        Series(
            "Cumulative projected spend (posts on record and planned)",
            [
                (label, m.cumulative)
                for label, m in zip(months, projection.months, strict=True)
            ],
        ),
        Series("Posts on record alone", list(zip(months, existing, strict=True))),
    ]
    references = (
        [Reference(projection.arrs_sum, "ARRS sum")]
        if projection.arrs_sum is not None
        else []
    )
    return line_chart(
        series,
        title=title,
        description=_describe(projection),
        y_label="Spend to date",
        money=True,
        x_label="Month",
        references=references,
        id="plan-chart",
    )


def _describe(projection: Projection) -> str:
    end = projection.months[-1]
    text = (
        f"Cumulative projected ARRS spend from {projection.months[0].month:%B %Y} "
        f"to {end.month:%B %Y}, reaching {_pounds(projection.projected)} "
        f"({_pounds(projection.existing)} from posts on record, "
        f"{_pounds(projection.planned)} planned)"
    )
    if projection.arrs_sum is None:
        return text + "; the ARRS sum is not known."
    text += f", against an ARRS sum of {_pounds(projection.arrs_sum)}: "
    over = projection.over_from()
    if over is not None:
        return text + (
            f"spend passes the sum in {over:%B %Y}, an overspend of "
            f"{_pounds(projection.overspend)} by year end."
        )
    return text + (
        f"{_pounds(projection.underspend)} of headroom, lost if not claimed by "
        "year end."
    )
