"""The lists of networks and of practices in no network (their own pages and a
commissioner's page).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup

from pcnhub.access.scope import Scope
from pcnhub.register import queries
from pcnhub.ui.asat import AsAt
from pcnhub.ui.tags import numeric
from pcnhub.web.presenters.cells import (
    Table,
    code_cell,
    commissioner_cell,
    fmt_patients,
    fmt_weighted,
)


def networks_table(
    rows: Sequence[queries.NetworkRow],
    as_at: AsAt,
    scope: Scope,
    total: int | None = None,
) -> Table:
    """``rows`` (a page of them), captioned with the ``total`` (all of them)."""
    total = len(rows) if total is None else total
    return {
        "caption": f"{total:,} network{'' if total == 1 else 's'}",
        "responsive": True,
        "head": [
            {"text": "PCN code"},
            {"text": "Name"},
            {"text": "Commissioner"},
            {"text": "Practices", "format": "numeric"},
            {"text": "Registered patients", "format": "numeric"},
            {"text": "Weighted patients", "format": "numeric"},
        ],
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
