"""The home page: searching the register by ODS code or name."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

from pcnhub.access.scope import Scope
from pcnhub.register import queries
from pcnhub.ui.asat import AsAt
from pcnhub.ui.links import org_url
from pcnhub.web.presenters.cells import Table, kind_label


@dataclass(frozen=True)
class SearchResult:
    code: str
    kind: str
    kind_label: str
    name: str
    exact: bool


def search(text: str, scope: Scope) -> list[SearchResult]:
    """Organisations matching ``text`` that the user may see, best first.

    For a user who sees part of the register, every match is ranked and those
    outside their scope dropped before the list is cut to its usual length.
    """
    if scope.country_wide:
        matches = queries.search(text)
    else:
        every = queries.search(text, limit=sys.maxsize)
        matches = [m for m in every if scope.sees(m.code)][: queries.SEARCH_LIMIT]
    return [
        SearchResult(m.code, m.kind, kind_label(m.kind), m.name, m.exact)
        for m in matches
    ]


def search_table(results: Sequence[SearchResult], as_at: AsAt) -> Table:
    rows = [
        [
            {"text": r.code, "href": org_url(as_at, r.code)},
            r.name or "(no name recorded)",
            r.kind_label,
        ]
        for r in results
    ]
    return {
        "caption": f"{len(results)} organisation{'' if len(results) == 1 else 's'}"
        " found",
        "responsive": True,
        "head": [{"text": "ODS code"}, {"text": "Latest name"}, {"text": "Kind"}],
        "rows": rows,
    }
