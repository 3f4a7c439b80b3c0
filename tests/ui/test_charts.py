"""The UI kit's charts: scales and ticks, gaps and single points, money, the
marked band, and the table and CSV carrying the same figures as the drawing."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django.template import engines

from pcnhub.ui.charts import (
    HEIGHT,
    Bar,
    Chart,
    Reference,
    Series,
    axis_label,
    bar_chart,
    line_chart,
    tick_step,
)

MACRO = '{% from "ui/chart.jinja" import chart %}{{ chart(c, csv_url=u) }}'


def _render(c: Chart, csv_url: str | None = None) -> str:
    return engines["jinja2"].env.from_string(MACRO).render(c=c, u=csv_url)


def _csv(c: Chart) -> list[list[str]]:
    return list(csv.reader(io.StringIO(c.csv_text())))


def _number(text: str) -> Decimal | None:
    cleaned = text.replace("£", "").replace(",", "")
    return Decimal(cleaned) if cleaned else None


def _sizes() -> Series:
    return Series(
        "U99001",
        [("Jan 2021", 31250), ("Apr 2021", 32010), ("Jul 2021", 33400)],
    )


def test_tick_steps_are_round_and_whole_for_counts() -> None:
    assert tick_step(42_000) == 20_000
    assert tick_step(40_000) == 10_000
    assert tick_step(1.05) == 0.5
    assert tick_step(1.05, whole=True) == 1
    assert tick_step(9, whole=True) == 5  # 2.5 is not a count
    assert tick_step(130_000) == 50_000


def test_axis_labels_are_short() -> None:
    assert axis_label(120_000, money=True) == "£120k"
    assert axis_label(1_500_000, money=True) == "£1.5m"
    assert axis_label(0, money=True) == "£0"
    assert axis_label(45_000, money=False) == "45,000"
    assert axis_label(-5000, money=False) == "-5,000"


def test_a_line_chart_scales_from_zero_to_a_round_top() -> None:
    c = line_chart(
        [_sizes()], title="List size", description="Rising.", y_label="Patients"
    )
    labels = [t.label for t in c.y_ticks]
    assert labels == ["0", "10,000", "20,000", "30,000", "40,000"]
    # zero on the axis, the top tick at the top of the plot
    assert c.y_ticks[0].at == c.bottom and c.y_ticks[-1].at == c.top
    ys = [m.y for m in c.lines[0].markers]
    assert ys == sorted(ys, reverse=True)  # higher figures drawn higher
    assert all(c.top <= y <= c.bottom for y in ys)
    xs = [m.x for m in c.lines[0].markers]
    assert xs == sorted(xs) and c.left < xs[0] and xs[-1] < c.right
    assert len(c.lines[0].segments) == 1
    assert c.lines[0].markers[1].title == "U99001, Apr 2021: 32,010"


def test_an_empty_chart_says_so_and_draws_nothing() -> None:
    c = line_chart(
        [Series("U99001", [])], title="List size", description="None yet.", y_label="P"
    )
    assert c.empty and c.rows == [] and c.lines == []
    html = _render(c, "/x.csv")
    assert "<svg" not in html and "no figures to chart" in html
    assert _csv(c) == [["Date", "U99001"]]
    assert bar_chart([], title="T", description="D", y_label="N", x_label="X").empty


def test_one_point_is_a_marker_without_a_line() -> None:
    c = line_chart(
        [Series("U99001", [("Jan 2021", 31250)])],
        title="T",
        description="D",
        y_label="P",
    )
    assert c.lines[0].segments == []
    (marker,) = c.lines[0].markers
    assert marker.x == round((c.left + c.right) / 2, 1)
    html = _render(c)
    assert html.count("<circle") == 2  # the marker and its key's swatch
    assert "<polyline" not in html


def test_a_gap_splits_the_line_and_leaves_the_cell_empty() -> None:
    c = line_chart(
        [
            Series(
                "N",
                [("a", 1), ("b", 2), ("c", None), ("d", 3), ("e", 4)],
            )
        ],
        title="T",
        description="D",
        y_label="P",
    )
    assert len(c.lines[0].segments) == 2 and len(c.lines[0].markers) == 4
    assert c.rows[2] == ["c", ""] and _csv(c)[3] == ["c", ""]


def test_money_is_in_pounds_and_pence_and_plain_in_the_csv() -> None:
    c = line_chart(
        [Series("Claimed", [("Apr", Decimal("1234.5")), ("May", Decimal("20000"))])],
        title="Spend",
        description="D",
        y_label="£",
        money=True,
        x_label="Month",
        references=[Reference(Decimal("15000"), "ARRS sum")],
    )
    assert c.headers == ["Month", "Claimed", "ARRS sum"]
    assert c.rows[0] == ["Apr", "£1,234.50", "£15,000.00"]
    assert _csv(c)[1] == ["Apr", "1234.50", "15000.00"]
    assert c.y_ticks[0].label == "£0" and c.y_ticks[1].label == "£10k"
    # the month above the sum is marked, and drawn above the sum's line
    (ref,) = c.references
    assert ref.label == "ARRS sum £15,000.00"
    under, over = c.lines[0].markers
    assert not under.over and under.y > ref.y
    assert over.over and over.y < ref.y and "above the ARRS sum" in over.title


def test_series_have_dashes_and_shapes_of_their_own() -> None:
    other = Series("Network", [("Jan 2021", 50000), ("Apr 2021", 51000)])
    c = line_chart([_sizes(), other], title="T", description="D", y_label="P")
    assert c.headers == ["Date", "U99001", "Network"]
    first, second = c.lines
    assert (first.dash, first.shape) != (second.dash, second.shape)
    assert first.colour != second.colour
    html = _render(c)
    assert html.count("<rect") >= 3  # the square markers (and the key's square)


def test_the_svg_is_labelled_scaled_and_free_of_script_and_style() -> None:
    c = line_chart(
        [_sizes()],
        title="List size of U99001 & co",
        description="From 31,250 to 33,400.",
        y_label="Patients",
        id="list-size-chart",
    )
    html = _render(c, "/org/U99001/list-sizes.csv")
    svg = re.search(r"<svg id=\"list-size-chart\".*?</svg>", html, re.S)
    assert svg is not None
    tag = svg.group(0)
    assert 'role="img"' in tag and f'viewBox="0 0 480 {HEIGHT}"' in tag
    assert 'width="100%"' in tag and "height=" not in tag.split(">")[0]
    assert 'aria-labelledby="list-size-chart-title list-size-chart-desc"' in tag
    assert (
        '<title id="list-size-chart-title">List size of U99001 &amp; co</title>' in tag
    )
    assert "From 31,250 to 33,400." in tag
    assert "style=" not in html and "<script" not in html and " on" not in tag
    assert 'href="/org/U99001/list-sizes.csv"' in html
    assert "Show the figures as a table" in html


def test_the_table_and_the_csv_carry_the_same_figures() -> None:
    c = line_chart(
        [
            Series("A", [("Apr", Decimal("10.10")), ("May", Decimal("-3"))]),
            Series("B", [("Apr", Decimal("7")), ("Jun", Decimal("8.25"))]),
        ],
        title="T",
        description="D",
        y_label="£",
        money=True,
    )
    rows = _csv(c)
    assert rows[0] == c.headers
    assert [r[0] for r in rows[1:]] == ["Apr", "May", "Jun"]
    for table_row, csv_row in zip(c.rows, rows[1:], strict=True):
        assert table_row[0] == csv_row[0]
        assert [_number(t) for t in table_row[1:]] == [_number(v) for v in csv_row[1:]]
    html = _render(c)
    cells = re.findall(r"<td class=\"nhsuk-table__cell[^\"]*\">(.*?)</td>", html)
    assert cells == [cell for row in c.rows for cell in row[1:]]
    # a negative figure takes the scale below zero
    assert float(c.y_ticks[0].label.replace("£", "")) < 0


def test_the_band_is_marked_and_its_bars_hatched() -> None:
    bins = [
        Bar(f"{k * 10}k–{k * 10 + 10}k", n)
        for k, n in enumerate([3, 9, 14, 20, 12, 5, 1])
    ]
    c = bar_chart(
        bins,
        title="Networks by population",
        description="Most networks are in the band.",
        y_label="Networks",
        x_label="Population",
        highlight=(3, 5, "30,000 to 50,000"),
        id="band-chart",
    )
    assert [b.marked for b in c.bars] == [False, False, False, True, True, False, False]
    assert c.band is not None and c.band.label == "30,000 to 50,000"
    first, last = c.bars[3], c.bars[4]
    assert c.band.x < first.x and last.x + last.width < c.band.x + c.band.width
    assert c.headers == ["Population", "Networks", "30,000 to 50,000"]
    assert c.rows[3] == ["30k–40k", "20", "Yes"] and c.rows[0][2] == "No"
    assert _csv(c)[4] == ["30k–40k", "20", "Yes"]
    # taller bars for larger counts, standing on the axis
    assert c.bars[3].height > c.bars[2].height > c.bars[0].height
    assert all(round(b.y + b.height, 1) == c.bottom for b in c.bars)
    assert [t.label for t in c.y_ticks] == ["0", "10", "20", "30"]
    html = _render(c)
    assert html.count('fill="url(#band-chart-hatch)"') == 2
    assert 'id="band-chart-hatch"' in html and "Hatched bars" in html


def test_a_band_outside_the_bars_is_dropped() -> None:
    c = bar_chart(
        [Bar("a", 1)],
        title="T",
        description="D",
        y_label="N",
        x_label="X",
        highlight=(4, 6, "far"),
    )
    assert c.band is None and c.headers == ["X", "N"]


def test_crowded_labels_are_thinned() -> None:
    months = [(f"Month {i:02d}", i) for i in range(48)]
    c = line_chart([Series("N", months)], title="T", description="D", y_label="P")
    assert 1 < len(c.x_ticks) < 12
    assert c.x_ticks[0].label == "Month 00"
    gaps = {
        round(b.at - a.at, 1) for a, b in zip(c.x_ticks, c.x_ticks[1:], strict=False)
    }
    assert max(gaps) - min(gaps) < 0.5 and min(gaps) > 60
