"""The shared pieces of the register's pages: labels, number formats and the
cells that name an organisation.

What the user may see is decided by the views (:mod:`pcnhub.access`); presenters
are given the user's :class:`~pcnhub.access.scope.Scope` so that an organisation
outside it appears as its name and code only, never as a link or with figures.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from pcnhub.access.scope import Scope
from pcnhub.register.models import ListMeasure, OrganisationKind
from pcnhub.ui.asat import AsAt
from pcnhub.ui.links import org_url
from pcnhub.ui.tags import tag

Table = dict[str, Any]
Cell = dict[str, Any]

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
