"""The workforce plan's chart, drawn on the server as SVG coordinates.

Cumulative projected spend (existing posts, and existing + planned) month by
month against the ARRS sum, as lines on a fixed ``viewBox`` that the page scales
to its width (so it fits a phone). The figures are only drawn here: the table
beside the chart is the accessible version, and the SVG's ``<title>`` and
``<desc>`` say in words what it shows.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from pcnhub.rules.plan import Projection

WIDTH, HEIGHT = 480, 300
LEFT, RIGHT, TOP, BOTTOM = 58, 8, 20, 36


def _pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


def _tick_step(top: float) -> float:
    """A round step giving about four gridlines up to ``top``."""
    raw = top / 4
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return float(
        next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    )


def _short(value: float) -> str:
    """``£120k``: an axis label."""
    if value >= 1_000_000:
        return f"£{value / 1_000_000:g}m"
    if value >= 1000:
        return f"£{value / 1000:g}k"
    return f"£{value:g}"


def chart(projection: Projection, title: str) -> dict[str, Any]:
    """What ``workforce/plan_chart.html`` draws."""
    months = projection.months
    sums = [float(m.cumulative) for m in months]
    existing: list[float] = []
    running = 0.0
    for m in months:
        running += float(m.existing)
        existing.append(running)
    limit = float(projection.arrs_sum) if projection.arrs_sum is not None else 0.0
    step = _tick_step(max([limit, *sums, 1.0]) * 1.05)
    top = step * math.ceil(max([limit, *sums, 1.0]) * 1.05 / step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    gap = plot_w / len(months)

    def x(i: int) -> float:
        return round(LEFT + gap * (i + 0.5), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top), 1)

    def line(values: list[float]) -> str:
        return " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))

    ticks = [
        {"y": y(step * k), "label": _short(step * k)}
        for k in range(int(round(top / step)) + 1)
    ]
    points = [
        {
            "x": x(i),
            "y": y(float(m.cumulative)),
            "over": limit and float(m.cumulative) > limit,
            "title": f"{m.month:%B %Y}: {_pounds(m.cumulative)} projected to date",
        }
        for i, m in enumerate(months)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 22,
        "title": title,
        "desc": _describe(projection),
        "ticks": ticks,
        "months": [{"x": x(i), "label": f"{m.month:%b}"} for i, m in enumerate(months)],
        "total": line(sums),
        "existing": line(existing),
        "points": points,
        "sum_y": y(limit) if projection.arrs_sum is not None else None,
        "sum_label": _pounds(projection.arrs_sum)
        if projection.arrs_sum is not None
        else "",
    }


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
