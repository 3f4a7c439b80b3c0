"""An organisation's page: breadcrumb, details, what it sits under, its
children, its closure and successions, and links to a network's other pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.urls import reverse
from markupsafe import Markup, escape

from pcnhub.access.permissions import Permission
from pcnhub.access.scope import Scope
from pcnhub.register import queries
from pcnhub.register.models import Organisation, OrganisationVersion, Succession
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date, period_text
from pcnhub.ui.links import optional_url, org_url
from pcnhub.ui.tags import tag
from pcnhub.web.presenters.cells import (
    INFERRED_HINT,
    ONE_DAY,
    SHORT_KIND_LABELS,
    STATUS_LABELS,
    Table,
    code_and_name,
    code_cell,
    kind_label,
    org_ref,
)


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
    ("org_map", "Map of the network's practices", Permission.VIEW_ORGANISATION),
    ("governance", "Governance", Permission.VIEW_NETWORK),
    ("workforce", "Workforce and ARRS claims", Permission.VIEW_STAFF),
    ("workforce_plan", "Workforce plan", Permission.VIEW_STAFF),
    ("services", "Services and access hours", Permission.VIEW_NETWORK),
    ("local_schemes", "Local schemes covering this network", Permission.VIEW_NETWORK),
    ("org_audit", "Audit trail", Permission.VIEW_TRAIL),
)


#: The same for a commissioner's page.
COMMISSIONER_PAGES = (
    ("org_map", "Map of the practices by network", Permission.VIEW_ORGANISATION),
    ("local_schemes", "Local schemes", Permission.VIEW_LOCAL_SCHEMES),
    ("local_scheme_overlaps", "Local schemes' overlaps", Permission.VIEW_LOCAL_SCHEMES),
)


def network_links(
    user: Any,
    code: str,
    as_at: AsAt,
    pages: tuple[tuple[str, str, str], ...] = NETWORK_PAGES,
) -> list[dict[str, str]]:
    """Links from a network's (or a commissioner's) page to its other pages the
    user may open."""
    links = []
    for name, text, permission in pages:
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
