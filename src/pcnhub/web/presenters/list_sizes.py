"""List sizes: a network's member practices with their totals, and a practice's
list sizes on the date and over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pcnhub.access.scope import Scope
from pcnhub.register import queries
from pcnhub.register.models import ListMeasure
from pcnhub.ui.asat import AsAt
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


def list_sizes_history(code: str) -> Table:
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
