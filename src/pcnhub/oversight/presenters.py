"""What /variability/ shows: the summary, the band histogram (pcnhub.ui.charts),
the practices-per-network table, the commissioner table and deprivation by
network (pcnhub.ui.sorting: the two sortable tables have their own column keys,
so ``?sort=`` sorts one and leaves the other in its default order)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from pcnhub.oversight.variability import NetworkLine, Report
from pcnhub.rules.variability import BIN_WIDTH, Relation, Summary
from pcnhub.ui.charts import Bar, Chart, Highlight, bar_chart
from pcnhub.ui.sorting import Column, Sorted, Total
from pcnhub.ui.tags import numeric

Table = dict[str, Any]
BAND_WORDS = {
    Relation.BELOW: "below",
    Relation.WITHIN: "within",
    Relation.ABOVE: "above",
}


def patients(value: Decimal | None) -> str:
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(share: Decimal | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def _total(value: Total) -> str:
    return "" if value is None else patients(Decimal(value))


def _share(count: int, of: int) -> str:
    return "" if not of else f"{Decimal(count * 100) / of:.1f}%"


def summary_list(report: Report) -> list[dict[str, Any]]:
    """The headline figures as NHS.UK summary-list rows."""
    f = report.figures
    p = f.population
    band = f"{patients(f.band.low)} to {patients(f.band.high)}"
    rows = [
        ("Networks with member practices", f"{f.networks:,}"),
        (
            f"Within the {band} band",
            f"{f.within:,} ({_share(f.within, f.networks)})",
        ),
        (
            f"Below {patients(f.band.low)}",
            f"{f.below:,} ({_share(f.below, f.networks)})",
        ),
        (
            f"Above {patients(f.band.high)}",
            f"{f.above:,} ({_share(f.above, f.networks)})",
        ),
        ("Smallest and largest network", _range(p)),
        ("Median network (registered patients)", patients(p.median)),
        ("Middle half (Q1 to Q3)", f"{patients(p.q1)} to {patients(p.q3)}"),
        ("P10 to P90", f"{patients(p.p10)} to {patients(p.p90)}"),
        ("Median practices per network", patients(f.practices.median)),
        ("Single-practice networks", f"{f.single_practice:,}"),
        ("Networks with more than 10 practices", f"{f.more_than_ten:,}"),
    ]
    if f.networks_missing_lists:
        rows.append(
            (
                "Networks with a member with no registered list",
                f"{f.networks_missing_lists:,} (those members count as 0)",
            )
        )
    if f.empty_networks:
        rows.append(
            (
                "Open networks with no member practices (left out)",
                f"{f.empty_networks:,}",
            )
        )
    return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]


def _range(s: Summary) -> str:
    if s.count == 0:
        return "no networks"
    return f"{patients(s.minimum)} to {patients(s.maximum)}"


def histogram_chart(report: Report) -> Chart:
    f = report.figures
    bars = []
    start = end = 0
    for i, b in enumerate(f.histogram):
        label = (
            f"{patients(b.low)} or more"
            if b.high is None
            else f"{patients(b.low)}–{patients(b.high - 1)}"
        )
        bars.append(Bar(label, b.networks))
        if b.relation is Relation.WITHIN:
            start = start or i
            end = i + 1
    width = patients(BIN_WIDTH)
    described = (
        f"{f.networks:,} networks in {report.scope.label} as at "
        f"{report.as_at:%-d %B %Y}, by registered population in bins of {width} "
        f"patients: {f.below:,} below {patients(f.band.low)}, {f.within:,} within "
        f"the band, {f.above:,} above {patients(f.band.high)}. The bars of the "
        "band are hatched; the table gives every bin."
    )
    highlight = Highlight(start, end, "In the 30,000–50,000 band") if end else None
    return bar_chart(
        bars,
        title=f"Networks by registered population, {report.scope.label}",
        description=described,
        y_label="Networks",
        x_label="Registered patients",
        highlight=highlight,
        id="band-histogram",
    )


def practices_table(report: Report) -> Table:
    rows = [
        [{"text": f"{count}"}, numeric(f"{networks:,}")]
        for count, networks in report.figures.practices_distribution
    ]
    return {
        "caption": "Networks by number of member practices",
        "responsive": True,
        "head": [
            {"text": "Member practices"},
            {"text": "Networks", "format": "numeric"},
        ],
        "rows": rows,
    }


def _m(attribute: str) -> Any:
    return lambda line: getattr(line.measures, attribute)


COMMISSIONER_TABLE = (
    Column("c_code", "Commissioner", lambda r: r.name or r.measures.code),
    Column("c_networks", "Networks", _m("networks"), True, True),
    Column("c_population", "Population", _m("population"), True, True, _total),
    Column("c_within", "Within the band", _m("within_band"), True, True),
    Column("c_share", "Share within", _m("share_within"), True),
    Column("c_largest", "Largest network's share", _m("largest_share"), True),
    Column("c_ratio", "Largest to smallest", _m("largest_to_smallest"), True),
)


def commissioner_table(sorting: Sorted, linked: set[str]) -> Table:
    rows = []
    for line in sorting.rows:
        m = line.measures
        name = f"{line.name} ({m.code})" if line.name else m.code
        cell: dict[str, Any] = (
            {
                "html": Markup('<a class="nhsuk-link" href="?scope={}">{}</a>').format(
                    m.code, name
                )
            }
            if m.code in linked
            else {"text": name}
        )
        rows.append(
            [
                cell,
                numeric(f"{m.networks:,}"),
                numeric(patients(m.population)),
                numeric(f"{m.within_band:,}"),
                numeric(percent(m.share_within)),
                numeric(percent(m.largest_share)),
                numeric(
                    ""
                    if m.largest_to_smallest is None
                    else f"{m.largest_to_smallest:.2f}"
                ),
            ]
        )
    described = f", {sorting.description}" if sorting.description else ""
    n = len(sorting.rows)
    return {
        "caption": f"{n:,} commissioner{'' if n == 1 else 's'}{described}. "
        f"{sorting.totals_note('commissioner')}.",
        "responsive": True,
        "head": sorting.head,
        "rows": rows,
        "foot": sorting.foot() if n > 1 else [],
    }


NETWORK_TABLE = (
    Column("n_code", "Network", lambda r: r.name or r.code),
    Column(
        "n_population",
        "Registered patients",
        lambda r: r.population,
        True,
        True,
        _total,
    ),
    Column("n_practices", "Practices", lambda r: r.practices, True, True),
    Column("n_band", "Band", lambda r: str(r.relation)),
    Column(
        "n_decile",
        "IMD decile (list-weighted)",
        lambda r: r.deprivation.weighted_decile,
        True,
    ),
    Column(
        "n_missing",
        "Practices with no decile",
        lambda r: " ".join(r.deprivation.without_decile),
    ),
)


def network_table(
    sorting: Sorted, page_rows: Sequence[NetworkLine], link: Any
) -> Table:
    rows = []
    for line in page_rows:
        name = f"{line.name} ({line.code})" if line.name else line.code
        d = line.deprivation
        rows.append(
            [
                {
                    "html": Markup('<a class="nhsuk-link" href="{}">{}</a>').format(
                        link(line.code), name
                    )
                },
                numeric(patients(line.population)),
                numeric(f"{line.practices:,}"),
                {"text": BAND_WORDS[line.relation]},
                numeric(
                    "" if d.weighted_decile is None else f"{d.weighted_decile:.2f}"
                ),
                {"text": " ".join(d.without_decile)},
            ]
        )
    described = f", {sorting.description}" if sorting.description else ""
    n = len(sorting.rows)
    return {
        "caption": f"Deprivation by network: {n:,} network{'' if n == 1 else 's'}"
        f"{described}. {sorting.totals_note('network')}.",
        "responsive": True,
        "head": sorting.head,
        "rows": rows,
        "foot": sorting.foot() if n > 1 else [],
    }
