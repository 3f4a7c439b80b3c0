"""The contract checks page (outcome filters, the choice of commissioner) and the
checks section of a network's page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from pcnhub.access.scope import Scope
from pcnhub.contract.services import CheckRun
from pcnhub.register import queries
from pcnhub.register.models import RelationshipKind
from pcnhub.rules.checks import Finding
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.outcomes import OUTCOME_COLOURS
from pcnhub.ui.tables import Page
from pcnhub.web.presenters.cells import Table, code_and_name
from pcnhub.web.presenters.findings import (
    counts_text,
    findings_table,
    most_serious_first,
    outcome_counts,
)


def outcome_filters(
    findings: Sequence[Finding], chosen: str | None, as_at: AsAt, **params: str
) -> list[dict[str, Any]]:
    """Links to all findings and to each outcome found, with how many."""
    path = reverse("checks")
    filters = [
        {
            "text": f"All outcomes ({len(findings)})",
            "href": as_at.link(path, **params),
            "current": chosen is None,
        }
    ]
    for outcome, n in outcome_counts(findings):
        filters.append(
            {
                "text": f"{outcome[:1].upper()}{outcome[1:]} ({n})",
                "href": as_at.link(path, **params, outcome=outcome),
                "current": chosen == outcome,
                "colour": OUTCOME_COLOURS[outcome],
            }
        )
    return filters


#: What the checks page covers without a commissioner, for those who see it all
#: and for those who see part of the register.
EVERYWHERE = "Everywhere"
ALL_YOURS = "All your organisations"


def commissioner_options(
    day: date, chosen: str | None, scope: Scope
) -> list[dict[str, Any]]:
    """Items for a select of the commissioners with practices on ``day``.

    Only those the user may see; the first item is everything they may see.
    """
    codes = {
        code
        for code in queries.links_on(
            RelationshipKind.PRACTICE_COMMISSIONER, day
        ).values_list("parent_id", flat=True)
        if scope.sees(code)
    }
    if chosen:
        codes.add(chosen)
    names = queries.names_on(codes, day)
    first = EVERYWHERE if scope.country_wide else ALL_YOURS
    return [{"value": "", "text": first, "selected": not chosen}] + [
        {
            "value": code,
            "text": code_and_name(code, names),
            "selected": code == chosen,
        }
        for code in sorted(codes)
    ]


@dataclass(frozen=True)
class NetworkChecks:
    """The contract checks section of a network's page."""

    table: Table | None
    summary: str
    year: str
    notes: list[str]
    nothing_to_check: str = ""


def network_checks(
    run: CheckRun | None,
    code: str,
    as_at: AsAt,
    scope: Scope,
    links: Callable[[Finding], Markup | None] | None = None,
) -> NetworkChecks:
    if run is None:
        return NetworkChecks(
            None,
            "",
            "",
            [],
            f"{code} had no member practices on {fmt_date(as_at.day)}, so there is "
            "nothing to check.",
        )
    if not run.findings:
        return NetworkChecks(
            None,
            "",
            str(run.year),
            run.notes,
            f"No requirement of the contract was in force on {fmt_date(as_at.day)}, "
            "so there is nothing to check.",
        )
    return NetworkChecks(
        findings_table(
            run.findings,
            as_at,
            counts_text(run.findings),
            scope,
            where=False,
            links=links,
        ),
        counts_text(run.findings),
        str(run.year),
        run.notes,
    )


def checks_link(as_at: AsAt, commissioner: str) -> str:
    return as_at.link(reverse("checks"), commissioner=commissioner)


def findings_with(findings: Iterable[Finding], outcome: str | None) -> list[Finding]:
    """The findings with ``outcome`` (all when None), most serious first."""
    return most_serious_first(
        f for f in findings if outcome is None or f.outcome == outcome
    )


def checks_page(
    run: CheckRun | None,
    findings: Sequence[Finding],
    shown: Sequence[Finding],
    as_at: AsAt,
    commissioner: str,
    known: bool,
    outcome: str | None,
    outcome_error: str,
    scope: Scope,
    links: Callable[[Finding], Markup | None] | None = None,
    paged: Callable[[Sequence[Finding]], Page] | None = None,
) -> dict[str, Any]:
    """The checks page, listing the findings ``shown`` (a page of them, most
    serious first, when ``paged`` cuts the list into pages).

    ``findings`` are the run's findings the user may see (all outcomes);
    ``shown`` those of them with the outcome chosen.
    """
    ordered = most_serious_first(shown)
    page = paged(ordered) if paged else None
    listed = page.items if page else ordered
    nothing = ""
    if not known:
        nothing = f"No organisation with the ODS code {commissioner} is registered."
    elif run is None:
        nothing = (
            f"{commissioner} had no practices or networks on {fmt_date(as_at.day)}, "
            "so there is nothing to check."
        )
    params = {"commissioner": commissioner}
    options = commissioner_options(as_at.day, commissioner if known else "", scope)
    return {
        "commissioner": commissioner,
        "commissioner_options": options,
        "choose_commissioner": len(options) > 1,
        "everywhere": options[0]["text"],
        "scoped": not scope.country_wide,
        "outcome": outcome,
        "outcome_error": outcome_error,
        "filters": outcome_filters(findings, outcome, as_at, **params),
        "table": findings_table(
            listed, as_at, counts_text(shown), scope, where=True, links=links
        ),
        "page": page,
        "year": str(run.year) if run else "",
        "notes": run.notes if run else [],
        "nothing": nothing,
        "csv_url": as_at.link(
            reverse("checks"), **params, outcome=outcome or "", format="csv"
        ),
        "xlsx_url": as_at.link(
            reverse("checks"), **params, outcome=outcome or "", format="xlsx"
        ),
    }
