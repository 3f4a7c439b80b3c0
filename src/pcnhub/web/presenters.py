"""Turning register answers into what the NHS.UK macros display.

Every question about the register is answered by :mod:`pcnhub.register.queries`;
this module only shapes its answers into the parameter dictionaries the
``nhsuk_frontend_jinja`` macros take.

What the user may see is decided by the views (:mod:`pcnhub.access`); presenters
are given the user's :class:`~pcnhub.access.scope.Scope` so that an organisation
outside it appears as its name and code only, never as a link or with figures.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from markupsafe import Markup, escape

from pcnhub.access.permissions import Permission
from pcnhub.access.roles import OVERSIGHT_ROLES, Role
from pcnhub.access.scope import Scope, scope_of
from pcnhub.contract import marks
from pcnhub.contract.services import CheckRun, EntitlementRun
from pcnhub.register import queries
from pcnhub.register.models import (
    ImportRun,
    ListMeasure,
    Organisation,
    OrganisationKind,
    OrganisationVersion,
    Relationship,
    RelationshipKind,
    Succession,
)
from pcnhub.register.names import name_of
from pcnhub.rules.checks import OUTCOMES, Finding, seriousness
from pcnhub.rules.entitlements import EntitlementLine
from pcnhub.rules.items import PRACTICE
from pcnhub.rules.local import items_of
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import Network
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date, period_text
from pcnhub.ui.forms import csrf_input
from pcnhub.ui.links import optional_url, org_url
from pcnhub.ui.outcomes import OUTCOME_COLOURS, RULE_LABELS, outcome_tag
from pcnhub.ui.tables import Page
from pcnhub.ui.tags import numeric, tag
from pcnhub.ui.years import covered_years

Table = dict[str, Any]
Cell = dict[str, Any]

SERVICE_NAME = "pcnhub"

KIND_LABELS: dict[str, str] = {
    OrganisationKind.REGION: "Region",
    OrganisationKind.SYSTEM: "System (STP / ICB)",
    OrganisationKind.COMMISSIONER: "Commissioner (CCG / sub-ICB location)",
    OrganisationKind.NETWORK: "Primary care network",
    OrganisationKind.PRACTICE: "GP practice",
}
SHORT_KIND_LABELS: dict[str, str] = {
    OrganisationKind.REGION: "Region",
    OrganisationKind.SYSTEM: "System",
    OrganisationKind.COMMISSIONER: "Commissioner",
    OrganisationKind.NETWORK: "Primary care network",
    OrganisationKind.PRACTICE: "GP practice",
}
STATUS_LABELS = {"A": "Active", "C": "Closed", "D": "Dormant", "P": "Proposed"}
MEASURE_LABELS = {
    ListMeasure.REGISTERED: "Registered patients",
    ListMeasure.WEIGHTED: "Weighted patients",
}
ONE_DAY = timedelta(days=1)

# --------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------


def fmt_patients(value: Decimal | None) -> str:
    """Registered patients: whole numbers with thousands separators."""
    return "" if value is None else f"{value:,.0f}"


def fmt_weighted(value: Decimal | None) -> str:
    """Weighted patients keep their two decimals."""
    return "" if value is None else f"{value:,.2f}"


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def code_and_name(code: str, names: dict[str, str]) -> str:
    return f"{names[code]} ({code})" if names.get(code) else code


def org_link(as_at: AsAt, code: str, text: str | None = None) -> Markup:
    return Markup('<a class="nhsuk-link" href="{}">{}</a>').format(
        org_url(as_at, code), text or code
    )


def org_ref(as_at: AsAt, scope: Scope, code: str, text: str | None = None) -> Markup:
    """A link to an organisation the user may see; otherwise its text, unlinked."""
    if scope.sees(code):
        return org_link(as_at, code, text)
    return escape(text or code)


def code_cell(as_at: AsAt, scope: Scope, code: str) -> Cell:
    """A table cell with an organisation's code, linked when the user may see it."""
    if scope.sees(code):
        return {"text": code, "href": org_url(as_at, code)}
    return {"text": code}


#: Said of a commissioner reached through a succession, not named by a file.
INFERRED_HINT = "inferred from a merger"


def commissioner_cell(as_at: AsAt, scope: Scope, code: str, inferred: bool) -> Cell:
    """A commissioner's code cell, tagged when a succession put it there."""
    if not code:
        return {"text": ""}
    if not inferred:
        return code_cell(as_at, scope, code)
    return {"html": org_ref(as_at, scope, code) + " " + tag(INFERRED_HINT, "grey")}


# --------------------------------------------------------------------------------
# The page frame: header, date form
# --------------------------------------------------------------------------------

NAVIGATION = (
    ("home", "Home and search"),
    ("networks", "Networks"),
    ("uncovered", "Practices in no network"),
    ("checks", "Contract checks"),
    ("applications", "Applications"),
    ("audit", "Audit trail"),
)

#: Roles as the header names them, beside the user's name.
SHORT_ROLE_LABELS: dict[Role, str] = {
    Role.NATIONAL: "National",
    Role.REGIONAL: "Regional team",
    Role.COMMISSIONER: "Commissioner",
    Role.CLINICAL_DIRECTOR: "Clinical director",
    Role.NETWORK_MANAGER: "PCN manager",
    Role.PRACTICE_MANAGER: "Practice manager",
    Role.EVALUATOR: "Evaluator",
    Role.ADMIN: "Administrator",
}


def roles_text(scope: Scope) -> str:
    """The roles a user holds today: ``Commissioner 99Z, PCN manager U99001``."""
    held = sorted(
        scope.held, key=lambda pair: (list(Role).index(pair[0]), pair[1] or "")
    )
    return ", ".join(
        f"{SHORT_ROLE_LABELS[role]} {org}" if org else SHORT_ROLE_LABELS[role]
        for role, org in held
    )


def user_text(user: Any) -> str:
    """The user's name (or username) and their roles, for the header."""
    name = user.get_full_name().strip() or user.get_username()
    roles = roles_text(scope_of(user))
    return f"{name} ({roles})" if roles else name


def shows_in_navigation(user: Any, name: str) -> bool:
    """Whether the header links to page ``name`` for ``user``."""
    if name == "applications":
        return user.has_perm(Permission.REVIEW_QUEUE)
    if name == "audit":
        return user.has_perm(Permission.VIEW_WHOLE_TRAIL) or scope_of(user).has(
            *OVERSIGHT_ROLES
        )
    return user.has_perm(Permission.USE_REGISTER)


def navigation_items(
    request: HttpRequest, as_at: AsAt, current: str | None
) -> list[dict[str, Any]]:
    """The header's links: the pages the user may open that exist."""
    items = []
    for name, text in NAVIGATION:
        if not shows_in_navigation(request.user, name):
            continue
        path = optional_url(name)
        if path is None:
            continue
        items.append(
            {"text": text, "href": as_at.link(path), "current": name == current}
        )
    return items


def header(request: HttpRequest, as_at: AsAt, current: str | None) -> dict[str, Any]:
    """Parameters for the NHS.UK header: service name, search, account, menu."""
    params: dict[str, Any] = {
        "service": {"text": SERVICE_NAME, "href": as_at.link(reverse("home"))},
    }
    user = request.user
    if not user.is_authenticated:
        return params
    if user.has_perm(Permission.USE_REGISTER):
        params["search"] = {
            "action": reverse("home"),
            "name": "q",
            "placeholder": "ODS code or name",
            "visuallyHiddenLabel": "Search organisations by ODS code or name",
            "visuallyHiddenButton": "Search",
        }
    # The header macro's own account form has no CSRF token, so the sign-out
    # form is given as HTML (with the header's own classes).
    sign_out = Markup(
        '<form class="nhsuk-header__account-form" action="{}" method="post">'
        '{}<button class="nhsuk-header__account-button">Sign out</button></form>'
    ).format(reverse("logout"), csrf_input(request))
    params["account"] = {
        "items": [
            {"text": user_text(user), "icon": True},
            {"html": sign_out},
        ]
    }
    items = navigation_items(request, as_at, current)
    if items:
        params["navigation"] = {"items": items}
    return params


# --------------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------
# An organisation's page
# --------------------------------------------------------------------------------


def breadcrumb(
    rungs: Sequence[queries.Rung], as_at: AsAt, scope: Scope
) -> dict[str, Any]:
    """Home, then everything above the organisation the user may see, furthest first."""
    items = [{"text": "Home", "href": as_at.link(reverse("home"))}]
    for rung in reversed(rungs[1:]):
        if not scope.sees(rung.code):
            continue
        items.append(
            {
                "text": f"{rung.name or rung.code} ({rung.code})",
                "href": org_url(as_at, rung.code),
            }
        )
    return {"items": items}


def _address(version: OrganisationVersion) -> Markup:
    lines = [line for line in version.address.splitlines() if line.strip()]
    return Markup("<br>").join(escape(line) for line in lines)


def details_rows(
    org: Organisation, version: OrganisationVersion | None
) -> list[dict[str, Any]]:
    """Summary list rows for an organisation's details held on the date."""
    rows: list[dict[str, Any]] = [
        {"key": {"text": "ODS code"}, "value": {"text": org.code}},
        {"key": {"text": "Kind"}, "value": {"text": kind_label(org.kind)}},
    ]
    if version is None:
        return rows
    rows.append({"key": {"text": "Name"}, "value": {"text": version.name or "—"}})
    optional = [
        ("Type", version.subtype),
        ("Address", _address(version) if version.address.strip() else ""),
        ("Postcode", version.postcode),
        ("Status", STATUS_LABELS.get(version.status, version.status)),
        ("Opened", fmt_date(version.open_date)),
        ("Closed", fmt_date(version.close_date)),
    ]
    for key, value in optional:
        if value:
            cell = {"html": value} if isinstance(value, Markup) else {"text": value}
            rows.append({"key": {"text": key}, "value": cell})
    rows.append(
        {
            "key": {"text": "These details recorded"},
            "value": {"text": period_text(version.valid_from, version.valid_to)},
        }
    )
    return rows


def hierarchy_rows(
    rungs: Sequence[queries.Rung], as_at: AsAt, scope: Scope
) -> list[dict[str, Any]]:
    """Summary list rows naming what the organisation sits under on the date.

    Parents the user may not see are named, not linked.
    """
    return [
        {
            "key": {"text": SHORT_KIND_LABELS.get(rung.kind, rung.kind)},
            "value": {"html": _rung_ref(rung, as_at, scope)},
        }
        for rung in rungs[1:]
    ]


def _rung_ref(rung: queries.Rung, as_at: AsAt, scope: Scope) -> Markup:
    ref = org_ref(as_at, scope, rung.code, rung_text(rung))
    return ref + " " + tag(INFERRED_HINT, "grey") if rung.inferred else ref


def rung_text(rung: queries.Rung) -> str:
    return f"{rung.name} ({rung.code})" if rung.name else rung.code


#: Pages about a network kept by other parts of pcnhub: (URL name, link text,
#: the permission that shows the link).
NETWORK_PAGES = (
    ("governance", "Governance", Permission.VIEW_NETWORK),
    ("org_audit", "Audit trail", Permission.VIEW_TRAIL),
)


def network_links(user: Any, code: str, as_at: AsAt) -> list[dict[str, str]]:
    """Links from a network's page to its other pages the user may open."""
    links = []
    for name, text, permission in NETWORK_PAGES:
        if not user.has_perm(permission, code):
            continue
        path = optional_url(name, code)
        if path is not None:
            links.append({"text": text, "href": as_at.link(path)})
    return links


# Children -----------------------------------------------------------------------


def children_table(
    kind: str,
    parent: str,
    day: date,
    as_at: AsAt,
    caption: str,
    scope: Scope,
    past: bool = False,
) -> Table:
    """Organisations linked to ``parent`` by ``kind`` on ``day`` (region, system):
    current ones (a commissioner closed by a merger is not); ``past`` lists every
    one ever linked, with its period."""
    if past:
        return past_children_table(kind, parent, day, as_at, caption, scope)
    codes = sorted(
        c.code for c in queries.children_on(parent, day) if c.relationship == kind
    )
    names = queries.names_on(codes, day)
    return {
        "caption": caption,
        "responsive": True,
        "head": [{"text": "ODS code"}, {"text": "Name"}],
        "rows": [[code_cell(as_at, scope, c), names.get(c, "")] for c in codes],
    }


def past_children_table(
    kind: str, parent: str, day: date, as_at: AsAt, caption: str, scope: Scope
) -> Table:
    """Every organisation ever linked to ``parent`` by ``kind``, with its period."""
    children = queries.children_ever(kind, parent)
    names = queries.names_on([c.code for c in children], day)
    return {
        "caption": f"{caption} (current and past)",
        "responsive": True,
        "head": [{"text": "ODS code"}, {"text": "Name"}, {"text": "Period"}],
        "rows": [
            [code_cell(as_at, scope, c.code), names.get(c.code, ""), _child_period(c)]
            for c in children
        ],
    }


def _child_period(child: queries.PastChild) -> str:
    if child.end is None:
        return f"From {fmt_date(child.start)}, still current"
    return f"From {fmt_date(child.start)} to {fmt_date(child.end - ONE_DAY)}"


def closure_rows(code: str, day: date) -> list[dict[str, Any]]:
    """A summary row saying when a succession closed the organisation, if one did."""
    succession = queries.closed_on(code)
    if succession is None:
        return []
    names = queries.names_on([succession.successor_id], day)
    successor = code_and_name(succession.successor_id, names)
    when = "Closed" if succession.effective <= day else "Closes"
    return [
        {
            "key": {"text": when},
            "value": {
                "text": f"{fmt_date(succession.effective - ONE_DAY)} (succeeded by "
                f"{successor} from {fmt_date(succession.effective)})"
            },
        }
    ]


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


def successions_rows(
    code: str, as_at: AsAt, scope: Scope
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Summary list rows for the commissioners this one succeeded / was succeeded by."""
    before, after = queries.successions_of(code)
    codes = {s.predecessor_id for s in before} | {s.successor_id for s in after}
    names = queries.names_on(codes, as_at.day)

    def row(other: str, succession: Succession) -> dict[str, Any]:
        reason = f" ({succession.reason})" if succession.reason else ""
        return {
            "key": {"html": org_ref(as_at, scope, other, code_and_name(other, names))},
            "value": {"text": f"On {fmt_date(succession.effective)}{reason}"},
        }

    return (
        [row(s.predecessor_id, s) for s in before],
        [row(s.successor_id, s) for s in after],
    )


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
    rows.append(
        [
            {"html": Markup("<strong>Total</strong>")},
            {"text": f"{total.members} practices"},
            {
                "html": Markup('<strong id="total-registered">{}</strong>').format(
                    fmt_patients(total.registered)
                ),
                "format": "numeric",
            },
            {
                "html": Markup('<strong id="total-weighted">{}</strong>').format(
                    fmt_weighted(total.weighted)
                ),
                "format": "numeric",
            },
        ]
    )
    return Members(
        table={
            "caption": "Member practices",
            "responsive": True,
            "head": [
                {"text": "Practice code"},
                {"text": "Name"},
                {"text": "Registered patients", "format": "numeric"},
                {"text": "Weighted patients", "format": "numeric"},
            ],
            "rows": rows,
        },
        population=total,
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


# History ------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------
# Contract checks
# --------------------------------------------------------------------------------


def most_serious_first(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: seriousness(f.outcome))


def outcome_counts(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    """(outcome, how many), most serious first, leaving out outcomes with none."""
    return [
        (outcome, n)
        for outcome in OUTCOMES
        if (n := sum(1 for f in findings if f.outcome == outcome))
    ]


def counts_text(findings: Sequence[Finding]) -> str:
    counts = ", ".join(f"{n} {outcome}" for outcome, n in outcome_counts(findings))
    total = f"{len(findings)} finding{'' if len(findings) == 1 else 's'}"
    return f"{total}: {counts}" if counts else total


def _evidence(finding: Finding) -> Markup:
    items = [
        Markup("<li>{}: {}</li>").format(key.replace("_", " ").capitalize(), value)
        for key, value in finding.evidence.items()
    ]
    if finding.citations or finding.source:
        items.append(Markup("<li>Source: {}</li>").format(citation_links(finding)))
    if not items:
        return Markup("")
    return Markup('<ul class="nhsuk-list nhsuk-body-s">{}</ul>').format(
        Markup("").join(items)
    )


def citation_links(finding: Finding) -> Markup:
    """Each document the finding cites, linked where pcnhub knows its address."""
    if not finding.citations:
        return Markup("{}").format(finding.source)
    return Markup("; ").join(
        Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(c.url, c.label)
        if c.url
        else Markup("{}").format(c.label)
        for c in finding.citations
    )


def _where(finding: Finding, as_at: AsAt, scope: Scope) -> Cell:
    links = [
        org_ref(as_at, scope, code)
        for code in (finding.pcn_code, finding.practice_code)
        if code
    ]
    if not links:
        return {"text": "Whole area"}
    return {"html": Markup("<br>").join(links)}


def findings_table(
    findings: Sequence[Finding],
    as_at: AsAt,
    caption: str,
    scope: Scope,
    where: bool = True,
    links: Callable[[Finding], Markup | None] | None = None,
) -> Table:
    """Findings, most serious first; ``where`` adds the network, practice and area.

    ``links`` gives a finding's action (a link to the form that acts on it).
    """
    head = [{"text": "Outcome"}]
    if where:
        head += [{"text": "Network or practice"}, {"text": "Commissioner"}]
    head += [{"text": "Requirement"}, {"text": "Finding"}, {"text": "Evidence"}]
    rows = []
    for f in most_serious_first(findings):
        row: list[Any] = [{"html": outcome_tag(f.outcome)}]
        if where:
            row += [
                _where(f, as_at, scope),
                (
                    {"html": org_ref(as_at, scope, f.commissioner_code)}
                    if f.commissioner_code
                    else ""
                ),
            ]
        row += [
            RULE_LABELS.get(f.rule, f.rule),
            _with_action(f.message[:1].upper() + f.message[1:], links and links(f)),
            {"html": _evidence(f)} if f.evidence or f.source or f.citations else "",
        ]
        rows.append(row)
    return {
        "caption": caption,
        "responsive": True,
        "classes": "pcnhub-findings",
        "head": head,
        "rows": rows,
    }


def _with_action(text: str, action: Markup | None) -> Cell | str:
    if not action:
        return text
    html = Markup('{}<br><span class="nhsuk-body-s">{}</span>')
    return {"html": html.format(text, action)}


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


# --------------------------------------------------------------------------------
# Entitlements: how a network is paid
# --------------------------------------------------------------------------------


def fmt_money(value: Decimal) -> str:
    """Pounds and pence with thousands separators: ``£91,239.00``."""
    return f"£{value:,.2f}"


def fmt_month(month: date) -> str:
    return f"{month:%B %Y}"


def entitlements_link(as_at: AsAt, code: str, year: ContractYear) -> str:
    return as_at.link(reverse("entitlements", args=[code]), year=str(year))


def year_options(chosen: ContractYear | None) -> list[dict[str, Any]]:
    return [
        {"value": str(y), "text": str(y), "selected": y == chosen}
        for y in covered_years()
    ]


def _by_month(lines: Iterable[EntitlementLine]) -> dict[date, Decimal]:
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.month] += line.amount
    return totals


#: A month with nothing due: a dash, read out as "nothing".
NOTHING: Cell = {
    "html": Markup(
        '<span aria-hidden="true">—</span>'
        '<span class="nhsuk-u-visually-hidden">nothing</span>'
    ),
    "format": "numeric",
}


def _money_row(
    label: Cell | str, by_month: dict[date, Decimal], months: Sequence[date]
) -> list[Any]:
    return [
        label,
        *(
            numeric(fmt_money(by_month[m])) if m in by_month else NOTHING
            for m in months
        ),
        numeric(fmt_money(sum(by_month.values(), Decimal(0)))),
    ]


def _month_head(first: str, months: Sequence[date]) -> list[dict[str, Any]]:
    return [
        {"text": first},
        *({"text": f"{m:%b %Y}", "format": "numeric"} for m in months),
        {"text": "Year", "format": "numeric"},
    ]


def _strong(text: str) -> Cell:
    return {"html": Markup("<strong>{}</strong>").format(text)}


def _strong_money(value: Decimal, id: str | None = None) -> Cell:
    attribute = Markup(' id="{}"').format(id) if id else Markup("")
    return {
        "html": Markup("<strong{}>{}</strong>").format(attribute, fmt_money(value)),
        "format": "numeric",
    }


@dataclass(frozen=True)
class TraceSection:
    """One way an item was worked out, and the months it applies to."""

    months: str
    formula: str
    details: list[str]


@dataclass(frozen=True)
class Explanation:
    """How one item (or one practice's payment) was calculated."""

    id: str
    label: str
    total: str
    explanation: str
    sections: list[TraceSection]


def _months_text(months: Sequence[date]) -> str:
    if len(months) == 1:
        return fmt_month(months[0])
    return f"{fmt_month(months[0])} to {fmt_month(months[-1])}"


def _sections(lines: Sequence[EntitlementLine]) -> list[TraceSection]:
    """Runs of months worked out the same way, each from its first month's line.

    ``lines`` are in month order; a run ends where the trace changes (members or
    rates changed).
    """
    runs: list[list[EntitlementLine]] = []
    for line in lines:
        if runs and runs[-1][0].trace == line.trace:
            runs[-1].append(line)
        else:
            runs.append([line])
    sections = []
    for run in runs:
        first = run[0]
        text = first.trace.lines(first.instalment)
        sections.append(
            TraceSection(
                _months_text([x.month for x in run]),
                text[0],
                [t.strip() for t in text[1:]],
            )
        )
    return sections


def _explanations(
    lines: Sequence[EntitlementLine], names: dict[str, str]
) -> list[Explanation]:
    out = []
    for item in items_of(lines):  # the national items, then any added locally
        mine = sorted(
            (x for x in marks.due(lines) if x.item == item.id), key=lambda x: x.month
        )
        if not mine:
            continue
        if item.paid_to != PRACTICE:
            out.append(
                Explanation(
                    item.id,
                    _marked(item.label, mine),
                    fmt_money(sum((x.amount for x in mine), Decimal(0))),
                    item.explanation,
                    _sections(mine),
                )
            )
            continue
        for practice in sorted({x.practice for x in mine}):
            theirs = [x for x in mine if x.practice == practice]
            out.append(
                Explanation(
                    f"{item.id}-{practice}",
                    f"{item.label} to {code_and_name(practice, names)}",
                    fmt_money(sum((x.amount for x in theirs), Decimal(0))),
                    item.explanation,
                    _sections(theirs),
                )
            )
    return out


def membership_changes(network: Network, year: ContractYear) -> list[str]:
    """Sentences saying which practices joined or left in the year, and when.

    A practice counts from the first month it is a member on the 1st.
    """
    changes = []
    before: set[str] | None = None
    for month in year.months:
        now = {p.code for p in network.members_on(month)}
        if before is not None and now != before:
            joined, left = sorted(now - before), sorted(before - now)
            parts = []
            if joined:
                parts.append(f"{', '.join(joined)} joined")
            if left:
                parts.append(f"{', '.join(left)} left")
            changes.append(f"From {fmt_month(month)}: {' and '.join(parts)}.")
        before = now
    return changes


@dataclass(frozen=True)
class Entitlements:
    """What the "How this network is paid" page shows."""

    network: Network
    summary_rows: list[dict[str, Any]]
    items_table: Table
    practices_table: Table | None
    explanations: list[Explanation]
    changes: list[str]
    notes: list[str]
    not_computed: tuple[marks.NotComputed, ...] = ()
    provisional: bool = False


def _marked(label: str, lines: Sequence[EntitlementLine]) -> str:
    """An item's label, saying "(provisional)" when its amounts rest on one, and
    "(local variation)" when on a commissioner's local variation agreement."""
    if any(v.local for x in lines for v in x.trace.parameters):
        label = f"{label} (local variation)"
    return f"{label} (provisional)" if marks.provisional_items(lines) else label


def entitlements(run: EntitlementRun, as_at: AsAt, scope: Scope) -> Entitlements:
    (network,) = run.networks
    months = run.year.months
    names = queries.names_on(
        {p.code for p in network.practices} | {network.commissioner}, run.year.start
    )
    to_payee = [x for x in marks.due(run.lines) if x.paid_to != PRACTICE]
    to_practices = [x for x in marks.due(run.lines) if x.paid_to == PRACTICE]
    payee_total = sum((x.amount for x in to_payee), Decimal(0))
    practices_total = sum((x.amount for x in to_practices), Decimal(0))

    rows = []
    for item in items_of(run.lines):  # the national items, then any added locally
        mine = [x for x in marks.regular(to_payee) if x.item == item.id]
        if mine:
            rows.append(_money_row(_marked(item.label, mine), _by_month(mine), months))
        back = [x for x in marks.arrears(to_payee) if x.item == item.id]
        if back:
            label = f"{item.label}: arrears (a backdated change)"
            rows.append(_money_row(label, _by_month(back), months))
    payee_by_month = _by_month(to_payee)
    rows.append(
        [
            _strong("Total to the nominated payee"),
            *(_strong_money(payee_by_month.get(m, Decimal(0))) for m in months),
            _strong_money(payee_total, "payee-total"),
        ]
    )
    items_table = {
        "id": "items-by-month",
        "caption": f"Paid to the nominated payee in {run.year}, by month",
        "scroll": True,
        "compact": True,
        "classes": "pcnhub-money-table",
        "firstCellIsHeader": True,
        "head": _month_head("Item", months),
        "rows": rows,
    }

    practices_table = None
    if to_practices:
        practice_rows = []
        for code in sorted({x.practice for x in to_practices}):
            label = {
                "html": org_ref(as_at, scope, code, code_and_name(code, names)),
            }
            theirs = [x for x in to_practices if x.practice == code]
            practice_rows.append(_money_row(label, _by_month(theirs), months))
        by_month = _by_month(to_practices)
        practice_rows.append(
            [
                _strong("Total to practices"),
                *(
                    _strong_money(by_month[m]) if m in by_month else NOTHING
                    for m in months
                ),
                _strong_money(practices_total, "practices-total"),
            ]
        )
        practices_table = {
            "id": "participation-by-month",
            "caption": f"Network Participation Payment to each practice in "
            f"{run.year}, by month",
            "scroll": True,
            "compact": True,
            "classes": "pcnhub-money-table",
            "firstCellIsHeader": True,
            "head": _month_head("Practice", months),
            "rows": practice_rows,
        }

    payee = network.facts.nominated_payee
    summary_rows = [
        {"key": {"text": "Contract year"}, "value": {"text": str(run.year)}},
        {
            "key": {"text": "Commissioner"},
            "value": (
                {
                    "html": org_ref(
                        as_at,
                        scope,
                        network.commissioner,
                        code_and_name(network.commissioner, names),
                    )
                }
                if network.commissioner
                else {"text": "Not recorded"}
            ),
        },
        {
            "key": {"text": "List sizes taken on"},
            "value": {"text": fmt_date(network.lists_on)},
        },
        {
            "key": {"text": "Nominated payee"},
            "value": {"text": payee or "Not recorded in pcnhub"},
        },
        {
            "key": {"text": "Total to the nominated payee"},
            "value": {"text": fmt_money(payee_total)},
        },
        {
            "key": {"text": "Network Participation Payment to practices"},
            "value": {"text": fmt_money(practices_total)},
        },
        {
            "key": {"text": "Total for the year"},
            "value": {"text": fmt_money(payee_total + practices_total)},
        },
    ]
    return Entitlements(
        network,
        summary_rows,
        items_table,
        practices_table,
        _explanations(run.lines, names),
        membership_changes(network, run.year),
        run.notes,
        tuple(marks.not_computed(run.lines)),
        bool(marks.provisional_items(run.lines)),
    )


def entitlements_page(
    run: EntitlementRun | None,
    as_at: AsAt,
    code: str,
    registered: bool,
    network: bool,
    year: ContractYear | None,
    error: str,
    scope: Scope,
) -> dict[str, Any]:
    """The "How this network is paid" page, or why it cannot be shown."""
    page: dict[str, Any] = {
        "code": code,
        "name": name_of(code, year.start if year else as_at.day),
        "org_url": org_url(as_at, code) if registered else "",
        "is_network": network,
        "year": str(year) if year else "",
        "year_options": year_options(year),
        "error": error,
        "page": entitlements(run, as_at, scope) if run else None,
    }
    if run:
        link = entitlements_link(as_at, code, run.year)
        page["csv_url"] = f"{link}&format=csv"
        page["xlsx_url"] = f"{link}&format=xlsx"
    return page
