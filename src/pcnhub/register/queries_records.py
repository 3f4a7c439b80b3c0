"""Records as they are: finding organisations, their history, and where
practices are.

Imported through :mod:`pcnhub.register.queries`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet

from pcnhub.register.models import (
    ListSize,
    Organisation,
    OrganisationVersion,
    PostcodeDistrict,
    Relationship,
)
from pcnhub.register.queries_links import (
    holding_on,
)

# Records as they are: search and history ------------------------------------------

SEARCH_LIMIT = 50


def find_organisation(code: str) -> Organisation | None:
    return Organisation.objects.filter(code__iexact=code.strip()).first()


def latest_names(codes: list[str] | set[str]) -> dict[str, str]:
    """Each organisation's most recently recorded name, in one query."""
    names: dict[str, str] = {}
    versions = (
        OrganisationVersion.objects.filter(organisation_id__in=list(codes))
        .exclude(valid_to=F("valid_from"))
        .exclude(name="")
        .order_by("valid_from", "id")
        .values_list("organisation_id", "name")
    )
    for code, name in versions:
        names[code] = name
    return names


@dataclass(frozen=True)
class SearchMatch:
    code: str
    kind: str
    name: str
    exact: bool


def search(text: str, limit: int = SEARCH_LIMIT) -> list[SearchMatch]:
    """Organisations whose code or any recorded name contains ``text``.

    Case-insensitive; an exact code comes first, then codes that start with the
    text, then the rest by code.
    """
    term = text.strip()
    if not term:
        return []
    named = OrganisationVersion.objects.filter(name__icontains=term).values(
        "organisation_id"
    )
    found = Organisation.objects.filter(
        Q(code__icontains=term) | Q(code__in=named)
    ).values_list("code", "kind")
    upper = term.upper()
    ranked = sorted(
        found,
        key=lambda row: (
            row[0].upper() != upper,
            not row[0].upper().startswith(upper),
            row[0],
        ),
    )[:limit]
    names = latest_names({code for code, _ in ranked})
    return [
        SearchMatch(code, kind, names.get(code, ""), code.upper() == upper)
        for code, kind in ranked
    ]


def versions_of(code: str) -> QuerySet:
    """Every version of an organisation's details, superseded ones included."""
    return (
        OrganisationVersion.objects.filter(organisation_id=code)
        .select_related("opened_by", "closed_by")
        .order_by("valid_from", "id")
    )


def links_of(code: str) -> tuple[QuerySet, QuerySet]:
    """Every relationship record up from and down to an organisation."""
    related = Relationship.objects.select_related("opened_by", "closed_by")
    up = related.filter(child_id=code).order_by("kind", "valid_from", "id")
    down = related.filter(parent_id=code).order_by(
        "kind", "child_id", "valid_from", "id"
    )
    return up, down


def list_size_history(code: str) -> QuerySet:
    """Every list size recorded for a practice, superseded ones included."""
    return (
        ListSize.objects.filter(practice_id=code)
        .select_related("recorded_by", "superseded_by")
        .order_by("date", "measure", "id")
    )


def outcode_of(postcode: str) -> str:
    """A postcode's outward code: ``TS18 1HU`` → ``TS18`` (``TS181HU`` → ``TS18``)."""
    parts = postcode.upper().split()
    if len(parts) > 1:
        return parts[0]
    compact = "".join(parts)
    return compact[:-3] if len(compact) > 3 else ""


def practice_places(
    practices: list[str], day: date
) -> dict[str, tuple[str, float, float]]:
    """Each practice's outcode and its centroid ``(outcode, latitude, longitude)``.

    From the postcode on the practice's details holding on ``day``; practices with
    no details that day, no postcode, or an outcode with no known centroid are
    left out.
    """
    versions = holding_on(
        OrganisationVersion.objects.filter(organisation_id__in=list(practices)), day
    ).values_list("organisation_id", "postcode")
    outcodes = {
        code: outcode
        for code, postcode in versions
        if (outcode := outcode_of(postcode or ""))
    }
    centroids = {
        outcode: (float(latitude), float(longitude))
        for outcode, latitude, longitude in PostcodeDistrict.objects.filter(
            superseded_by__isnull=True, outcode__in=set(outcodes.values())
        ).values_list("outcode", "latitude", "longitude")
    }
    return {
        code: (outcode, *centroids[outcode])
        for code, outcode in sorted(outcodes.items())
        if outcode in centroids
    }
