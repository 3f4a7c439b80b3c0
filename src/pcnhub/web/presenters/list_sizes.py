"""List sizes: a network's member practices with their totals, and a practice's
list sizes on the date and over time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pcnhub.access.scope import Scope
from pcnhub.register import queries
from pcnhub.register.models import (
    ListMeasure,
    ListSize,
    OrganisationKind,
    Relationship,
    RelationshipKind,
)
from pcnhub.ui.asat import AsAt
from pcnhub.ui.charts import Chart, Series, line_chart
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.sorting import Column, head, totals_row
from pcnhub.ui.tags import numeric, tag
from pcnhub.web.presenters.cells import (
    MEASURE_LABELS,
    Cell,
    Table,
    code_cell,
    fmt_patients,
    fmt_weighted,
)
from pcnhub.web.presenters.records import run_text


@dataclass(frozen=True)
class Members:
    table: Table
    population: queries.Population
    #: the network's list sizes over time (:func:`list_size_chart`)
    trend: Chart | None = None


def members(network: str, day: date, as_at: AsAt, scope: Scope) -> Members:
    """A network's member practices on ``day`` with their list sizes and totals.

    Whoever sees a network sees its members (they are linked beneath it); a
    member the user may not see would be named without its figures.
    """
    codes = queries.members_of(network, day)
    names = queries.names_on(codes, day)
    registered = queries.list_sizes_on(codes, ListMeasure.REGISTERED, day)
    weighted = queries.list_sizes_on(codes, ListMeasure.WEIGHTED, day)
    # The totals from the lists just read (queries.population would read them again).
    total = queries.population_from(codes, registered, weighted)
    columns = _member_columns(registered, weighted)
    rows: list[list[Any]] = [
        [
            code_cell(as_at, scope, c),
            names.get(c, ""),
            numeric(fmt_patients(registered.get(c)) or "not known")
            if scope.sees(c)
            else numeric("not shown"),
            numeric(fmt_weighted(weighted.get(c)) or "not known")
            if scope.sees(c)
            else numeric("not shown"),
        ]
        for c in codes
    ]
    # The totals row is the UI kit's (every member's lists, even one not shown).
    foot = totals_row(codes, columns)
    foot[1] = {"text": f"{total.members} practices"}
    return Members(
        table={
            "caption": "Member practices",
            "responsive": True,
            "head": head(columns),
            "rows": rows,
            "foot": [foot],
        },
        population=total,
        trend=list_size_chart(network, OrganisationKind.NETWORK),
    )


def _member_columns(
    registered: dict[str, Decimal], weighted: dict[str, Decimal]
) -> tuple[Column, ...]:
    """The member practices' columns (rows are codes): the lists are totalled."""
    return (
        Column("code", "Practice code"),
        Column("name", "Name"),
        Column(
            "registered",
            "Registered patients",
            registered.get,
            numeric=True,
            summable=True,
            fmt=lambda v: fmt_patients(v or Decimal(0)),
        ),
        Column(
            "weighted",
            "Weighted patients",
            weighted.get,
            numeric=True,
            summable=True,
            fmt=lambda v: fmt_weighted(v or Decimal(0)),
        ),
    )


def practice_lists_rows(code: str, day: date) -> list[dict[str, Any]]:
    """Summary list rows: the practice's latest list sizes on or before ``day``."""
    rows = []
    for measure, fmt in (
        (ListMeasure.REGISTERED, fmt_patients),
        (ListMeasure.WEIGHTED, fmt_weighted),
    ):
        value = queries.list_sizes_on([code], measure, day).get(code)
        rows.append(
            {
                "key": {"text": MEASURE_LABELS[measure]},
                "value": {"text": fmt(value) or "Not known on this date"},
            }
        )
    return rows


def _history_table(code: str) -> Table:
    sizes = queries.list_size_history(code)
    rows = []
    for size in sizes:
        fmt = fmt_patients if size.measure == ListMeasure.REGISTERED else fmt_weighted
        state: Cell = (
            {"html": tag("Superseded", "grey")}
            if size.superseded_by_id
            else {"text": "Current"}
        )
        rows.append(
            [
                fmt_date(size.date),
                MEASURE_LABELS.get(size.measure, size.measure),
                numeric(fmt(size.value)),
                run_text(size.recorded_by),
                state,
            ]
        )
    return {
        "caption": "List sizes",
        "responsive": True,
        "head": [
            {"text": "Date"},
            {"text": "Measure"},
            {"text": "Value", "format": "numeric"},
            {"text": "Recorded by import"},
            {"text": "State"},
        ],
        "rows": rows,
    }


@dataclass(frozen=True)
class ListHistory:
    """A practice's list sizes: every record (superseded too), and the chart."""

    table: Table
    trend: Chart

    @property
    def rows(self) -> list[Any]:
        return list(self.table["rows"])


def list_sizes_history(code: str) -> ListHistory:
    return ListHistory(
        _history_table(code), list_size_chart(code, OrganisationKind.PRACTICE)
    )


# --- list sizes over time (the charts, their CSV and the API) ----------------

#: The measures charted, in order: registered, then weighted patients.
MEASURES = (ListMeasure.REGISTERED, ListMeasure.WEIGHTED)


@dataclass(frozen=True)
class SizePoint:
    """A practice's or network's list sizes on a date a list size was recorded.

    For a network: the totals of the practices that were its members on the
    date, each at its latest list size on or before it (as the network page's
    totals), and how many members there were.
    """

    date: date
    registered: Decimal | None
    weighted: Decimal | None
    members: int | None = None


def list_size_series(code: str, kind: str) -> list[SizePoint]:
    """A practice's current list sizes by date, or a network's totals by date."""
    if kind == OrganisationKind.NETWORK:
        return _network_series(code)
    if kind != OrganisationKind.PRACTICE:
        return []
    values: dict[date, dict[str, Decimal]] = defaultdict(dict)
    for measure, on, value in _current(ListSize.objects.filter(practice_id=code)):
        values[on][measure] = value
    return [
        SizePoint(
            on,
            values[on].get(ListMeasure.REGISTERED),
            values[on].get(ListMeasure.WEIGHTED),
        )
        for on in sorted(values)
    ]


def _current(qs: Any) -> Any:
    return (
        qs.filter(superseded_by__isnull=True, measure__in=MEASURES)
        .order_by("date")
        .values_list("measure", "date", "value")
    )


def _network_series(code: str) -> list[SizePoint]:
    """Two queries (its membership links, its members' lists); the sums in Python,
    so a network's page does not ask once per date."""
    links = [
        (child, start, end)
        for child, start, end in Relationship.objects.filter(
            kind=RelationshipKind.PRACTICE_NETWORK, parent_id=code
        ).values_list("child_id", "valid_from", "valid_to")
        if end is None or end > start  # a superseded record never held
    ]
    practices = {child for child, _, _ in links}
    history: dict[tuple[str, str], list[tuple[date, Decimal]]] = defaultdict(list)
    rows = ListSize.objects.filter(practice_id__in=practices)
    for practice, measure, on, value in (
        rows.filter(superseded_by__isnull=True, measure__in=MEASURES)
        .order_by("date")
        .values_list("practice_id", "measure", "date", "value")
    ):
        history[(practice, measure)].append((on, value))
    days = sorted({on for kept in history.values() for on, _ in kept})
    points = []
    for day in days:
        members = sorted(
            {
                c
                for c, start, end in links
                if start <= day and (end is None or day < end)
            }
        )
        if not members:
            continue
        totals = [_total(history, members, m, day) for m in MEASURES]
        points.append(SizePoint(day, totals[0], totals[1], len(members)))
    return points


def _total(
    history: dict[tuple[str, str], list[tuple[date, Decimal]]],
    members: list[str],
    measure: str,
    day: date,
) -> Decimal | None:
    """The members' latest lists on or before ``day`` (none known: no figure)."""
    found = []
    for practice in members:
        kept = history.get((practice, measure), [])
        at = bisect_right([on for on, _ in kept], day)
        if at:
            found.append(kept[at - 1][1])
    return sum(found, Decimal(0)) if found else None


def day_label(day: date) -> str:
    """A date on a chart's axis and in its table: ``1 Apr 2021``."""
    return f"{day.day} {day:%b %Y}"


def list_size_chart(code: str, kind: str) -> Chart:
    """The list sizes over time as a line chart (registered and weighted)."""
    points = list_size_series(code, kind)
    what = "network" if kind == OrganisationKind.NETWORK else "practice"
    series = [
        Series(
            MEASURE_LABELS.get(measure, measure),
            [(day_label(p.date), getattr(p, field)) for p in points],
        )
        for measure, field in zip(MEASURES, ("registered", "weighted"), strict=True)
    ]
    return line_chart(
        series,
        title=f"List size of the {what} {code} over time",
        description=_describe(points, what),
        y_label="Patients",
        id="list-size-chart",
    )


def _describe(points: list[SizePoint], what: str) -> str:
    known = [p for p in points if p.registered is not None]
    if not known:
        return f"No registered list size is recorded for this {what}."
    first, last = known[0], known[-1]
    text = (
        f"Registered patients from {fmt_patients(first.registered)} on "
        f"{fmt_date(first.date)} to {fmt_patients(last.registered)} on "
        f"{fmt_date(last.date)}"
    )
    if what == "network":
        text += ", the totals of the practices that were members on each date"
    return text + f"; {len(points)} dates in all. The table gives every figure."
