"""Charts drawn on the server as SVG: lines over time, and bars with a marked band.

One small kit for every chart pcnhub draws (a network's list size over time, the
population histogram against the 30,000–50,000 band, entitlements by month,
ARRS spend against the sum). A builder works out every coordinate here, in
Python, and returns a :class:`Chart`; the macro ``ui/chart.jinja`` only writes
them out. So a chart is plain markup: no script, no inline ``style`` (colours,
dashes and patterns are SVG presentation attributes, which a content security
policy does not block), and it prints and saves like the rest of the page.

Accessibility, as docs/charts.md explains:

- a fixed ``viewBox`` with ``width="100%"`` scales the drawing to its column
  (a phone's too) without distorting it;
- ``role="img"`` with ``aria-labelledby`` naming the ``<title>`` and ``<desc>``:
  a screen reader reads the title and the caller's description in words;
- each series has its own dash and marker shape, and bars in a marked band are
  hatched, so colour is never the only cue;
- the same figures as a table (``Chart.headers`` / ``Chart.rows``) in a
  ``<details>`` below the chart, and as a CSV (:meth:`Chart.csv_text`): the
  raw figures, so a spreadsheet reads them as numbers.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from pcnhub.core.spreadsheet import safe_cell

Number = Decimal | int | float

WIDTH, HEIGHT = 480, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 10, 44, 40
#: Roughly how wide one character of axis text is, at font-size 16 (the text
#: is about 12px on a phone, where the drawing is scaled to 358px).
CHAR_WIDTH = 8.6
TEXT = "#4c6272"  # NHS secondary text: 6.5:1 on white
GRID = "#d8dde0"
REFERENCE = "#d5281b"
BAND = "#330072"
BAND_FILL = "#f0f4f5"

#: Each series: a colour, a dash and a marker shape of its own (the first is
#: solid; colour is never the only difference).
STYLES: tuple[tuple[str, str, str], ...] = (
    ("#005eb8", "", "circle"),
    ("#425563", "6 4", "square"),
    ("#007f3b", "2 3", "diamond"),
    ("#330072", "10 3 2 3", "triangle"),
)


@dataclass(frozen=True)
class Series:
    """A named line: its points as (x label, value); ``None`` is a gap."""

    name: str
    points: Sequence[tuple[str, Number | None]]


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart or histogram."""

    label: str
    value: Number


@dataclass(frozen=True)
class Highlight:
    """Bars ``start`` to ``end - 1`` (as ``range(start, end)``), marked as ``label``."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Reference:
    """A horizontal line across a line chart: a limit such as the ARRS sum."""

    value: Number
    label: str


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    title: str
    over: bool
    shape: str
    polygon: str  # the outline of a diamond or triangle, else ""


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    dash: str
    shape: str
    segments: list[str]  # polyline points; a gap in the figures starts a new one
    markers: list[Marker]


@dataclass(frozen=True)
class DrawnBar:
    x: float
    y: float
    width: float
    height: float
    title: str
    marked: bool


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    label: str
    label_x: float


@dataclass(frozen=True)
class DrawnReference:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    """Everything ``ui/chart.jinja`` draws, and the figures as table and CSV.

    ``headers`` and ``rows`` are the table (figures formatted for reading);
    ``raw_rows`` are the same cells as plain numbers for :meth:`csv_text`.
    """

    id: str
    title: str
    description: str
    y_label: str
    x_label: str
    headers: list[str]
    rows: list[list[str]]
    raw_rows: list[list[str]]
    numeric: list[bool]  # per column: right-aligned figures
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    bars: list[DrawnBar] = field(default_factory=list)
    band: Band | None = None
    references: list[DrawnReference] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    label_y: int = HEIGHT - BOTTOM + 22

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def hatch_id(self) -> str:
        return f"{self.id}-hatch"

    @property
    def csv_href(self) -> str:
        """The CSV as a ``data:`` link (with ``download``), for a page that has no
        route of its own for it: the file comes with the page, no request."""
        return "data:text/csv;charset=utf-8," + quote(self.csv_text())

    def csv_text(self) -> str:
        """The table's figures as CSV: a header row, then a row per table row."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([safe_cell(h) for h in self.headers])
        for row in self.raw_rows:
            writer.writerow([safe_cell(cell) for cell in row])
        return out.getvalue()


# Figures ---------------------------------------------------------------------


def figure(value: Number | None, money: bool) -> str:
    """A figure for reading: ``£1,234.50`` or ``12,345`` (empty for none)."""
    if value is None:
        return ""
    if money:
        return f"£{Decimal(str(value)):,.2f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,}"
    return f"{int(value):,}"


def plain(value: Number | None, money: bool) -> str:
    """The same figure for a spreadsheet: ``1234.50``, ``12345`` (empty for none)."""
    if value is None:
        return ""
    if money:
        return f"{Decimal(str(value)):.2f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def axis_label(value: float, money: bool) -> str:
    """A tick's label, short: ``£120k``, ``£1.5m``, ``45,000``, ``1.2m``."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    unit = "£" if money else ""
    if size >= 1_000_000:
        return f"{sign}{unit}{size / 1_000_000:g}m"
    if money and size >= 1000:
        return f"{sign}£{size / 1000:g}k"
    if size == int(size):
        return f"{sign}{unit}{int(size):,}"
    return f"{sign}{unit}{size:g}"


def tick_step(span: float, whole: bool = False) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about four
    gridlines over ``span``; at least 1 for whole numbers (counts of people)."""
    raw = max(span, 1e-9) / 4
    magnitude = 10.0 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if whole and magnitude < 10 else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps if m * magnitude >= raw * (1 - 1e-9))
    return max(step, 1.0) if whole else step


@dataclass(frozen=True)
class _Scale:
    low: float
    high: float
    step: float

    def y(self, value: float) -> float:
        plot = HEIGHT - BOTTOM - TOP
        return round(TOP + plot * (self.high - value) / (self.high - self.low), 1)

    def ticks(self, money: bool) -> list[Tick]:
        count = int(round((self.high - self.low) / self.step))
        values = [self.low + self.step * k for k in range(count + 1)]
        return [Tick(self.y(v), axis_label(round(v, 6), money)) for v in values]


def _scale(values: Sequence[float], whole: bool) -> _Scale:
    """From zero (or the lowest negative figure) to a round step above the highest."""
    low = min([0.0, *values])
    high = max([0.0, *values])
    if high == low:
        high = low + 1
    step = tick_step((high - low) * 1.05, whole)
    top = step * math.ceil(high * 1.05 / step - 1e-9) if high > 0 else 0.0
    bottom = step * math.floor(low / step + 1e-9) if low < 0 else 0.0
    if top == bottom:
        top = bottom + step
    return _Scale(bottom, top, step)


def _whole(values: Sequence[Number]) -> bool:
    return all(float(v).is_integer() for v in values)


def _x_ticks(labels: Sequence[str]) -> list[Tick]:
    """Category labels under the plot, every ``k``-th one where they would crowd."""
    if not labels:
        return []
    gap = (WIDTH - LEFT - RIGHT) / len(labels)
    longest = max(len(label) for label in labels) * CHAR_WIDTH + 8
    every = max(1, math.ceil(longest / gap))
    return [
        Tick(_x(i, len(labels)), label)
        for i, label in enumerate(labels)
        if i % every == 0
    ]


def _x(i: int, count: int) -> float:
    gap = (WIDTH - LEFT - RIGHT) / count
    return round(LEFT + gap * (i + 0.5), 1)


def _polygon(shape: str, x: float, y: float) -> str:
    if shape == "diamond":
        corners = ((0, -5), (5, 0), (0, 5), (-5, 0))
    elif shape == "triangle":
        corners = ((0, -5), (5, 4), (-5, 4))
    else:
        return ""
    return " ".join(f"{round(x + dx, 1)},{round(y + dy, 1)}" for dx, dy in corners)


# Line charts -----------------------------------------------------------------


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    y_label: str,
    money: bool = False,
    x_label: str = "Date",
    references: Sequence[Reference] = (),
    id: str = "chart",
) -> Chart:
    """Lines over shared x labels (months, dates), each with its markers.

    Markers above the first reference (the ARRS sum) are drawn as ``over``, and
    say so in their tooltip. The table has a column per series (and per
    reference), a row per x label in the order they first appear.
    """
    series = series[: len(STYLES)]
    labels = list(dict.fromkeys(label for s in series for label, _ in s.points))
    by_label = [dict(s.points) for s in series]
    headers = [x_label, *(s.name for s in series), *(r.label for r in references)]
    rows, raw = _line_rows(labels, by_label, references, money)
    numbers = [v for points in by_label for v in points.values() if v is not None]
    base = Chart(
        id=id,
        title=title,
        description=description,
        y_label=y_label,
        x_label=x_label,
        headers=headers,
        rows=rows if numbers else [],
        raw_rows=raw if numbers else [],
        numeric=[False] + [True] * (len(headers) - 1),
    )
    if not numbers:
        return base
    scale = _scale(
        [float(v) for v in [*numbers, *(r.value for r in references)]],
        not money and _whole(numbers),
    )
    limit = float(references[0].value) if references else None
    lines = [
        _line(s, style, labels, scale, money, limit, references)
        for s, style in zip(series, STYLES, strict=False)
    ]
    drawn_references = [
        DrawnReference(scale.y(float(r.value)), f"{r.label} {figure(r.value, money)}")
        for r in references
    ]
    return replace(
        base,
        y_ticks=scale.ticks(money),
        x_ticks=_x_ticks(labels),
        lines=lines,
        references=drawn_references,
    )


def _line_rows(
    labels: list[str],
    by_label: list[dict[str, Any]],
    references: Sequence[Reference],
    money: bool,
) -> tuple[list[list[str]], list[list[str]]]:
    """The table's rows as shown and as the CSV writes them: an x label, each
    series' value there, each reference's."""
    rows, raw = [], []
    limits = [r.value for r in references]
    for label in labels:
        values = [points.get(label) for points in by_label]
        rows.append([label, *(figure(v, money) for v in [*values, *limits])])
        raw.append([label, *(plain(v, money) for v in [*values, *limits])])
    return rows, raw


def _line(
    s: Series,
    style: tuple[str, str, str],
    labels: list[str],
    scale: _Scale,
    money: bool,
    limit: float | None,
    references: Sequence[Reference],
) -> Line:
    colour, dash, shape = style
    where = {label: i for i, label in enumerate(labels)}
    segments: list[list[str]] = [[]]
    markers: list[Marker] = []
    for label, value in s.points:
        if value is None:
            segments.append([])
            continue
        x, y = _x(where[label], len(labels)), scale.y(float(value))
        segments[-1].append(f"{x},{y}")
        over = limit is not None and float(value) > limit
        note = f", above the {references[0].label}" if over else ""
        markers.append(
            Marker(
                x,
                y,
                f"{s.name}, {label}: {figure(value, money)}{note}",
                over,
                shape,
                _polygon(shape, x, y),
            )
        )
    # A segment of one point has no line; its marker shows it.
    kept = [" ".join(points) for points in segments if len(points) > 1]
    return Line(s.name, colour, dash, shape, kept, markers)


# Bar charts ------------------------------------------------------------------


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    y_label: str,
    x_label: str,
    highlight: Highlight | tuple[int, int, str] | None = None,
    money: bool = False,
    id: str = "chart",
) -> Chart:
    """Bars side by side (a histogram's bins), with an optional marked band.

    ``highlight`` is ``(start, end, label)``: bars ``start`` to ``end - 1`` (as
    ``range``) sit in the band, which is shaded and outlined behind them, and
    are hatched; the table has a column saying which bars are in it.
    """
    band = _band_within(highlight, len(bars))
    inside = range(band.start, band.end) if band else range(0)
    headers = [x_label, y_label, *([band.label] if band else [])]
    rows, raw = [], []
    for i, b in enumerate(bars):
        mark = ["Yes" if i in inside else "No"] if band else []
        rows.append([b.label, figure(b.value, money), *mark])
        raw.append([b.label, plain(b.value, money), *mark])
    base = Chart(
        id=id,
        title=title,
        description=description,
        y_label=y_label,
        x_label=x_label,
        headers=headers,
        rows=rows,
        raw_rows=raw,
        numeric=[False, True, *([False] if band else [])],
    )
    if not bars:
        return base
    scale = _scale(
        [float(b.value) for b in bars], not money and _whole([b.value for b in bars])
    )
    slot = (WIDTH - LEFT - RIGHT) / len(bars)
    drawn = _drawn_bars(bars, scale, slot, band, money)
    shaded = None
    if band:
        x0, x1 = LEFT + slot * band.start, LEFT + slot * band.end
        shaded = Band(
            round(x0, 1), round(x1 - x0, 1), band.label, round((x0 + x1) / 2, 1)
        )
    labels = [b.label for b in bars]
    return replace(
        base,
        y_ticks=scale.ticks(money),
        x_ticks=_x_ticks(labels),
        bars=drawn,
        band=shaded,
    )


def _band_within(
    highlight: Highlight | tuple[int, int, str] | None, count: int
) -> Highlight | None:
    """The marked band cut to the bars there are (None if none is left)."""
    band = Highlight(*highlight) if isinstance(highlight, tuple) else highlight
    if band is None:
        return None
    start, end = max(0, band.start), min(count, band.end)
    return Highlight(start, end, band.label) if start < end else None


def _drawn_bars(
    bars: Sequence[Bar],
    scale: _Scale,
    slot: float,
    band: Highlight | None,
    money: bool,
) -> list[DrawnBar]:
    inside = range(band.start, band.end) if band else range(0)
    zero = scale.y(0.0)
    drawn = []
    for i, b in enumerate(bars):
        y = scale.y(float(b.value))
        note = f" ({band.label})" if band and i in inside else ""
        drawn.append(
            DrawnBar(
                round(LEFT + slot * i + slot * 0.1, 1),
                min(y, zero),
                round(slot * 0.8, 1),
                round(abs(zero - y), 1),
                f"{b.label}: {figure(b.value, money)}{note}",
                i in inside,
            )
        )
    return drawn
