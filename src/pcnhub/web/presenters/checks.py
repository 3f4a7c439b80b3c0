"""The contract checks page (outcome filters, the choice of commissioner) and the
checks section of a network's page.
"""

from __future__ import annotations

from collections import Counter
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
from pcnhub.rules.checks import Finding, seriousness
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.outcomes import OUTCOME_COLOURS, RULE_LABELS
from pcnhub.ui.sorting import Column, Sorted
from pcnhub.ui.tables import Page
from pcnhub.web.presenters.cells import Table, code_and_name, org_ref
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


#: The checks page's columns (``?sort=<key>&order=asc|desc``); by default the
#: most serious first, as the page has always listed them.
CHECKS_TABLE = (
    Column("outcome", "Outcome", lambda f: str(seriousness(f.outcome))),
    Column("where", "Network or practice", lambda f: f.pcn_code or f.practice_code),
    Column("commissioner", "Commissioner", lambda f: f.commissioner_code),
    Column("rule", "Requirement", lambda f: RULE_LABELS.get(f.rule, f.rule)),
    Column("finding", "Finding"),
    Column("evidence", "Evidence"),
)


def rule_options(
    findings: Sequence[Finding], chosen: str | None
) -> list[dict[str, Any]]:
    """Items for a select of the requirements with findings, with how many."""
    counts = Counter(f.rule for f in findings)
    if chosen:
        counts.setdefault(chosen, 0)
    rules = sorted(counts, key=lambda r: RULE_LABELS.get(r, r))
    return [
        {
            "value": "",
            "text": f"Every requirement ({len(findings)})",
            "selected": not chosen,
        }
    ] + [
        {
            "value": rule,
            "text": f"{RULE_LABELS.get(rule, rule)} ({counts[rule]})",
            "selected": rule == chosen,
        }
        for rule in rules
    ]


def parse_rule(text: str | None) -> str | None:
    """``?rule=`` as a requirement's id (None for all); ValueError if unknown."""
    rule = (text or "").strip()
    if not rule:
        return None
    if rule not in RULE_LABELS:
        raise ValueError(f"“{rule}” is not a requirement pcnhub checks")
    return rule


def _named(code: str, names: dict[str, str], as_at: AsAt, scope: Scope) -> Markup:
    return org_ref(as_at, scope, code, code_and_name(code, names))


def _where_named(
    f: Finding, names: dict[str, str], as_at: AsAt, scope: Scope
) -> dict[str, Any]:
    refs = [_named(c, names, as_at, scope) for c in (f.pcn_code, f.practice_code) if c]
    if not refs:
        return {"text": "Whole area"}
    return {"html": Markup("<br>").join(refs)}


def checks_table(
    listed: Sequence[Finding],
    ordered: Sorted,
    caption: str,
    as_at: AsAt,
    scope: Scope,
    links: Callable[[Finding], Markup | None] | None = None,
) -> Table:
    """The checks page's table: sortable headings, names beside codes."""
    codes = {
        c for f in listed for c in (f.pcn_code, f.practice_code, f.commissioner_code)
    }
    names = queries.names_on({c for c in codes if c}, as_at.day)
    base = findings_table(listed, as_at, caption, scope, where=True, links=links)
    rows = []
    # findings_table lists most serious first: keep the order asked for instead.
    by_identity = {
        id(f): row
        for f, row in zip(most_serious_first(listed), base["rows"], strict=True)
    }
    for f in listed:
        row = list(by_identity[id(f)])
        row[1] = _where_named(f, names, as_at, scope)
        row[2] = (
            {"html": _named(f.commissioner_code, names, as_at, scope)}
            if f.commissioner_code
            else ""
        )
        rows.append(row)
    described = ordered.description
    return base | {
        "caption": caption + (f", {described}" if described else ""),
        "head": ordered.head,
        "rows": rows,
    }


def checks_page(
    run: CheckRun | None,
    findings: Sequence[Finding],
    shown: Sequence[Finding],
    as_at: AsAt,
    commissioner: str,
    known: bool,
    choice: ChecksChoice,
    scope: Scope,
    links: Callable[[Finding], Markup | None] | None = None,
    paged: Callable[[Sequence[Finding]], Page] | None = None,
    ordered: Sorted | None = None,
) -> dict[str, Any]:
    """The checks page, listing the findings ``shown`` (a page of them, in the
    order asked for, most serious first by default).

    ``findings`` are the run's findings the user may see (all outcomes and
    requirements); ``shown`` those of them with the outcome and requirement
    chosen; ``ordered`` the same, sorted as the request asks.
    """
    rows = ordered.rows if ordered else most_serious_first(shown)
    page = paged(rows) if paged else None
    listed = page.items if page else rows
    nothing = ""
    if not known:
        nothing = f"No organisation with the ODS code {commissioner} is registered."
    elif run is None:
        nothing = (
            f"{commissioner} had no practices or networks on {fmt_date(as_at.day)}, "
            "so there is nothing to check."
        )
    params = {"commissioner": commissioner, "rule": choice.rule or ""}
    options = commissioner_options(as_at.day, commissioner if known else "", scope)
    of_rule = [f for f in findings if not choice.rule or f.rule == choice.rule]
    caption = counts_text(shown)
    if ordered is not None:
        table = checks_table(listed, ordered, caption, as_at, scope, links)
    else:
        table = findings_table(listed, as_at, caption, scope, where=True, links=links)
    download = {**params, "outcome": choice.outcome or ""}
    return {
        "commissioner": commissioner,
        "commissioner_options": options,
        "choose_commissioner": len(options) > 1,
        "rule": choice.rule or "",
        "rule_options": rule_options(findings, choice.rule),
        "everywhere": options[0]["text"],
        "scoped": not scope.country_wide,
        "outcome": choice.outcome,
        "outcome_error": choice.outcome_error,
        "rule_error": choice.rule_error,
        "filters": outcome_filters(of_rule, choice.outcome, as_at, **params),
        "table": table,
        "page": page,
        "year": str(run.year) if run else "",
        "notes": run.notes if run else [],
        "nothing": nothing,
        "csv_url": as_at.link(reverse("checks"), **download, format="csv"),
        "xlsx_url": as_at.link(reverse("checks"), **download, format="xlsx"),
    }


@dataclass(frozen=True)
class ChecksChoice:
    """The filters asked for on the checks page, and why any is not valid."""

    outcome: str | None = None
    outcome_error: str = ""
    rule: str | None = None
    rule_error: str = ""

    @property
    def error(self) -> str:
        return self.outcome_error or self.rule_error
