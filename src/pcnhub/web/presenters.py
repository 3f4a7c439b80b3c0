"""Turning register answers into what the NHS.UK macros display.

Every question about the register is answered by :mod:`pcnhub.register.queries`;
this module only shapes its answers into the parameter dictionaries the
``nhsuk_frontend_jinja`` macros take.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from markupsafe import Markup, escape

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
from pcnhub.web.asat import PARAM, AsAt

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


def fmt_date(day: date | None) -> str:
    """NHS.UK style: ``1 June 2021``."""
    return "" if day is None else f"{day.day} {day:%B %Y}"


def fmt_patients(value: Decimal | None) -> str:
    """Registered patients: whole numbers with thousands separators."""
    return "" if value is None else f"{value:,.0f}"


def fmt_weighted(value: Decimal | None) -> str:
    """Weighted patients keep their two decimals."""
    return "" if value is None else f"{value:,.2f}"


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def tag(text: str, colour: str | None = None) -> Markup:
    """The NHS.UK tag component's markup, for use inside a table cell."""
    css = "nhsuk-tag" + (f" nhsuk-tag--{colour}" if colour else "")
    return Markup('<strong class="{}">{}</strong>').format(css, text)


def numeric(text: str) -> Cell:
    return {"text": text, "format": "numeric"}


def org_url(as_at: AsAt, code: str) -> str:
    return as_at.link(reverse("org", args=[code]))


def code_and_name(code: str, names: dict[str, str]) -> str:
    return f"{names[code]} ({code})" if names.get(code) else code


def org_link(as_at: AsAt, code: str, text: str | None = None) -> Markup:
    return Markup('<a class="nhsuk-link" href="{}">{}</a>').format(
        org_url(as_at, code), text or code
    )


# --------------------------------------------------------------------------------
# The page frame: header, date form
# --------------------------------------------------------------------------------

NAVIGATION = (
    ("home", "Home and search"),
    ("networks", "Networks"),
    ("uncovered", "Practices in no network"),
)


def header(request: HttpRequest, as_at: AsAt, current: str | None) -> dict[str, Any]:
    """Parameters for the NHS.UK header: service name, search, account, menu."""
    params: dict[str, Any] = {
        "service": {"text": SERVICE_NAME, "href": as_at.link(reverse("home"))},
    }
    if not request.user.is_authenticated:
        return params
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
            {"text": request.user.get_username(), "icon": True},
            {"html": sign_out},
        ]
    }
    params["navigation"] = {
        "items": [
            {
                "text": text,
                "href": as_at.link(reverse(name)),
                "current": name == current,
            }
            for name, text in NAVIGATION
        ]
    }
    return params


def csrf_input(request: HttpRequest) -> Markup:
    from django.middleware.csrf import get_token

    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(
        get_token(request)
    )


#: The header macro cannot be given extra fields, so the chosen date is added to
#: its search form by inserting a hidden field after the form's opening tag.
SEARCH_FORM_OPENING = Markup('id="search" action="/" method="get" novalidate>')


def search_form_as_at(as_at: AsAt) -> Markup:
    if not as_at.explicit:
        return SEARCH_FORM_OPENING
    return SEARCH_FORM_OPENING + Markup(
        '<input type="hidden" name="{}" value="{}">'
    ).format(PARAM, as_at.day.isoformat())


def hidden_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The other query parameters, kept when the date form is submitted."""
    return [
        (key, value)
        for key, values in request.GET.lists()
        if key not in (PARAM, "format")
        for value in values
    ]


def frame(
    request: HttpRequest, as_at: AsAt, current: str | None = None
) -> dict[str, Any]:
    """What every page's base template needs."""
    return {
        "as_at": as_at,
        "as_at_text": fmt_date(as_at.day),
        "header_params": header(request, as_at, current),
        "search_form_opening": SEARCH_FORM_OPENING,
        "search_form_opening_with_date": search_form_as_at(as_at),
        "date_form_hidden": hidden_fields(request),
        "date_value": as_at.raw if as_at.error else as_at.day.isoformat(),
    }


def form_errors(form: Any) -> list[dict[str, str]]:
    """A bound form's errors for the NHS.UK error summary, each linking its field."""
    if not form.is_bound:
        return []
    first_field = next(iter(form.fields), "")
    return [
        {"text": str(message), "href": f"#{field or first_field}"}
        for field, messages in form.errors.items()
        for message in messages
        if field != "__all__"
    ] + [
        {"text": str(message), "href": f"#{first_field}"}
        for message in form.non_field_errors()
    ]


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


def search(text: str) -> list[SearchResult]:
    return [
        SearchResult(m.code, m.kind, kind_label(m.kind), m.name, m.exact)
        for m in queries.search(text)
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


def breadcrumb(rungs: Sequence[queries.Rung], as_at: AsAt) -> dict[str, Any]:
    """Home, then everything above the organisation, furthest first."""
    items = [{"text": "Home", "href": as_at.link(reverse("home"))}]
    for rung in reversed(rungs[1:]):
        items.append(
            {
                "text": f"{rung.name or rung.code} ({rung.code})",
                "href": org_url(as_at, rung.code),
            }
        )
    return {"items": items}


def rung_of(rungs: Sequence[queries.Rung], kind: str) -> queries.Rung | None:
    return next((r for r in rungs[1:] if r.kind == kind), None)


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


def period_text(start: date, end: date | None) -> str:
    if end is None:
        return f"From {fmt_date(start)}, still current"
    if end == start:
        return f"Superseded (recorded for {fmt_date(start)} but never held)"
    return f"From {fmt_date(start)} to {fmt_date(end - ONE_DAY)}"


def hierarchy_rows(rungs: Sequence[queries.Rung], as_at: AsAt) -> list[dict[str, Any]]:
    """Summary list rows naming what the organisation sits under on the date."""
    return [
        {
            "key": {"text": SHORT_KIND_LABELS.get(rung.kind, rung.kind)},
            "value": {"html": org_link(as_at, rung.code, rung_text(rung))},
        }
        for rung in rungs[1:]
    ]


def rung_text(rung: queries.Rung) -> str:
    return f"{rung.name} ({rung.code})" if rung.name else rung.code


# Children -----------------------------------------------------------------------


def children_table(
    kind: str, parent: str, day: date, as_at: AsAt, caption: str
) -> Table:
    """Organisations linked to ``parent`` by ``kind`` on ``day`` (region, system)."""
    codes = sorted(
        queries.links_on(kind, day)
        .filter(parent_id=parent)
        .values_list("child_id", flat=True)
    )
    names = queries.names_on(codes, day)
    return {
        "caption": caption,
        "responsive": True,
        "head": [{"text": "ODS code"}, {"text": "Name"}],
        "rows": [
            [{"text": c, "href": org_url(as_at, c)}, names.get(c, "")] for c in codes
        ],
    }


def networks_table(rows: Sequence[queries.NetworkRow], as_at: AsAt) -> Table:
    return {
        "caption": f"{len(rows)} network{'' if len(rows) == 1 else 's'}",
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
                {"text": r.pcn_code, "href": org_url(as_at, r.pcn_code)},
                r.pcn_name,
                (
                    {
                        "text": r.commissioner_code,
                        "href": org_url(as_at, r.commissioner_code),
                    }
                    if r.commissioner_code
                    else ""
                ),
                numeric(str(r.practices)),
                numeric(fmt_patients(r.registered_population)),
                numeric(fmt_weighted(r.weighted_population)),
            ]
            for r in rows
        ],
    }


def uncovered_table(rows: Sequence[queries.UncoveredPractice], as_at: AsAt) -> Table:
    return {
        "caption": f"{len(rows)} practice{'' if len(rows) == 1 else 's'} in no network",
        "responsive": True,
        "head": [
            {"text": "Practice code"},
            {"text": "Name"},
            {"text": "Commissioner"},
            {"text": "Registered patients", "format": "numeric"},
        ],
        "rows": [
            [
                {"text": r.practice_code, "href": org_url(as_at, r.practice_code)},
                r.practice_name,
                {
                    "text": r.commissioner_code,
                    "href": org_url(as_at, r.commissioner_code),
                },
                numeric(fmt_patients(r.registered_patients) or "not known"),
            ]
            for r in rows
        ],
    }


def successions_rows(
    code: str, as_at: AsAt
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Summary list rows for the commissioners this one succeeded / was succeeded by."""
    before, after = queries.successions_of(code)
    codes = {s.predecessor_id for s in before} | {s.successor_id for s in after}
    names = queries.names_on(codes, as_at.day)

    def row(other: str, succession: Succession) -> dict[str, Any]:
        reason = f" ({succession.reason})" if succession.reason else ""
        return {
            "key": {"html": org_link(as_at, other, code_and_name(other, names))},
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


def members(network: str, day: date, as_at: AsAt) -> Members:
    """A network's member practices on ``day`` with their list sizes and totals."""
    codes = queries.members_of(network, day)
    names = queries.names_on(codes, day)
    registered = queries.list_sizes_on(codes, ListMeasure.REGISTERED, day)
    weighted = queries.list_sizes_on(codes, ListMeasure.WEIGHTED, day)
    total = queries.population(network, day)
    rows: list[list[Any]] = [
        [
            {"text": c, "href": org_url(as_at, c)},
            names.get(c, ""),
            numeric(fmt_patients(registered.get(c)) or "not known"),
            numeric(fmt_weighted(weighted.get(c)) or "not known"),
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
    links: Iterable[Relationship], other: str, caption: str, as_at: AsAt
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
                {"html": org_link(as_at, code, code_and_name(code, names))},
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


def history(code: str, as_at: AsAt) -> list[Table]:
    """Every version and relationship record of the organisation."""
    up, down = queries.links_of(code)
    tables = [
        versions_table(code),
        relationships_table(up, "parent", "Links to parents", as_at),
        relationships_table(down, "child", "Links from members and children", as_at),
    ]
    return [t for t in tables if t["rows"]]
