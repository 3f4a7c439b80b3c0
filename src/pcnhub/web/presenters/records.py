"""An organisation's history: every version of its details and every relationship
record, with the imports that opened and closed them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pcnhub.access.scope import Scope
from pcnhub.register import queries
from pcnhub.register.models import ImportRun, Relationship, RelationshipKind
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.tags import tag
from pcnhub.web.presenters.cells import (
    ONE_DAY,
    STATUS_LABELS,
    Cell,
    Table,
    code_and_name,
    org_ref,
)


def run_text(run: ImportRun | None) -> str:
    if run is None:
        return "—"
    return f"#{run.pk} {run.kind} {run.file_name}"


def _period_cells(start: date, end: date | None) -> list[Cell | str]:
    if end is not None and end == start:
        return [fmt_date(start), {"html": tag("Superseded", "grey")}]
    if end is None:
        return [fmt_date(start), {"html": tag("Current", "green")}]
    return [fmt_date(start), fmt_date(end - ONE_DAY)]


def versions_table(code: str) -> Table:
    versions = queries.versions_of(code)
    return {
        "caption": "Versions of its details",
        "responsive": True,
        "head": [
            {"text": "Name"},
            {"text": "Status"},
            {"text": "From"},
            {"text": "To (last day)"},
            {"text": "Opened by import"},
            {"text": "Closed by import"},
        ],
        "rows": [
            [
                v.name or "—",
                STATUS_LABELS.get(v.status, v.status) or "—",
                *_period_cells(v.valid_from, v.valid_to),
                run_text(v.opened_by),
                run_text(v.closed_by),
            ]
            for v in versions
        ],
    }


RELATIONSHIP_LABELS = dict(RelationshipKind.choices)


def relationships_table(
    links: Iterable[Relationship], other: str, caption: str, as_at: AsAt, scope: Scope
) -> Table:
    """Relationship records; ``other`` names the end to show ("parent"/"child")."""
    links = list(links)
    names = queries.names_on(
        {getattr(link, f"{other}_id") for link in links}, as_at.day
    )
    rows = []
    for link in links:
        code = getattr(link, f"{other}_id")
        rows.append(
            [
                RELATIONSHIP_LABELS.get(link.kind, link.kind),
                {"html": org_ref(as_at, scope, code, code_and_name(code, names))},
                *_period_cells(link.valid_from, link.valid_to),
                run_text(link.opened_by),
                run_text(link.closed_by),
            ]
        )
    return {
        "caption": caption,
        "responsive": True,
        "head": [
            {"text": "Relationship"},
            {"text": other.capitalize()},
            {"text": "From"},
            {"text": "To (last day)"},
            {"text": "Opened by import"},
            {"text": "Closed by import"},
        ],
        "rows": rows,
    }


def history(code: str, as_at: AsAt, scope: Scope) -> list[Table]:
    """Every version and relationship record of the organisation."""
    up, down = queries.links_of(code)
    tables = [
        versions_table(code),
        relationships_table(up, "parent", "Links to parents", as_at, scope),
        relationships_table(
            down, "child", "Links from members and children", as_at, scope
        ),
    ]
    return [t for t in tables if t["rows"]]
