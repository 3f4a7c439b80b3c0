"""The lists of networks and of practices in no network (their own pages and a
commissioner's page).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup

from pcnhub.access.scope import Scope
from pcnhub.register import queries
from pcnhub.ui.asat import AsAt
from pcnhub.ui.sorting import Column, Sorted, head
from pcnhub.ui.tags import numeric
from pcnhub.web.presenters.cells import (
    Table,
    code_cell,
    commissioner_cell,
    fmt_patients,
    fmt_weighted,
)

#: The networks table's columns: each may be sorted (``?sort=population``), and
#: the practices and patients are totalled over the whole list.
NETWORK_TABLE: tuple[Column, ...] = (
    Column("code", "PCN code", lambda r: r.pcn_code),
    Column("name", "Name", lambda r: r.pcn_name),
    Column("commissioner", "Commissioner", lambda r: r.commissioner_code),
    Column("practices", "Practices", lambda r: r.practices, True, True),
    Column(
        "population",
        "Registered patients",
        lambda r: r.registered_population,
        True,
        True,
        fmt_patients,
    ),
    Column(
        "weighted",
        "Weighted patients",
        lambda r: r.weighted_population,
        True,
        True,
        fmt_weighted,
    ),
)


def networks_table(
    rows: Sequence[queries.NetworkRow],
    as_at: AsAt,
    scope: Scope,
    total: int | None = None,
    sorting: Sorted | None = None,
) -> Table:
    """``rows`` (a page of them), captioned with the ``total`` (all of them).

    With ``sorting`` (every row, sorted by :data:`NETWORK_TABLE`), the headings
    sort the list and a last row totals every network, not just the page's."""
    total = len(rows) if total is None else total
    caption = f"{total:,} network{'' if total == 1 else 's'}"
    table: Table = {
        "caption": caption,
        "responsive": True,
        "head": head(NETWORK_TABLE),
        "rows": [
            [
                code_cell(as_at, scope, r.pcn_code),
                r.pcn_name,
                commissioner_cell(
                    as_at, scope, r.commissioner_code, r.commissioner_inferred
                ),
                numeric(str(r.practices)),
                numeric(fmt_patients(r.registered_population)),
                numeric(fmt_weighted(r.weighted_population)),
            ]
            for r in rows
        ],
    }
    if sorting is not None:
        described = f", {sorting.description}" if sorting.description else ""
        table["caption"] = f"{caption}{described}. {sorting.totals_note('network')}."
        table["head"] = sorting.head
        table["foot"] = sorting.foot()
    return table


def uncovered_table(
    rows: Sequence[queries.UncoveredPractice],
    as_at: AsAt,
    scope: Scope,
    assign: Callable[[str], Markup | None] | None = None,
    total: int | None = None,
) -> Table:
    """``assign`` gives the link to assign a practice, for those who may;
    ``rows`` may be a page of them, captioned with the ``total``."""
    total = len(rows) if total is None else total
    actions = {r.practice_code: assign(r.practice_code) for r in rows} if assign else {}
    if any(actions.values()):
        return _with_assign(_uncovered(rows, as_at, scope, total), rows, actions)
    return _uncovered(rows, as_at, scope, total)


def _with_assign(
    table: Table,
    rows: Sequence[queries.UncoveredPractice],
    actions: dict[str, Markup | None],
) -> Table:
    table["head"] = [*table["head"], {"text": "Action"}]
    table["rows"] = [
        [*cells, {"html": actions[r.practice_code]} if actions[r.practice_code] else ""]
        for cells, r in zip(table["rows"], rows, strict=True)
    ]
    return table


def _uncovered(
    rows: Sequence[queries.UncoveredPractice], as_at: AsAt, scope: Scope, total: int
) -> Table:
    return {
        "caption": f"{total:,} practice{'' if total == 1 else 's'} in no network",
        "responsive": True,
        "head": [
            {"text": "Practice code"},
            {"text": "Name"},
            {"text": "Commissioner"},
            {"text": "Registered patients", "format": "numeric"},
        ],
        "rows": [
            [
                code_cell(as_at, scope, r.practice_code),
                r.practice_name,
                commissioner_cell(
                    as_at, scope, r.commissioner_code, r.commissioner_inferred
                ),
                numeric(fmt_patients(r.registered_patients) or "not known"),
            ]
            for r in rows
        ],
    }
