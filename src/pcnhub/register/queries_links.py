"""The register's links and lists "as at" a date: the building blocks of the queries.

What held on a day, each child's parent (successions followed), a network's
members, each practice's latest list size. Imported through
:mod:`pcnhub.register.queries`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from pcnhub.register.models import (
    ListSize,
    OrganisationVersion,
    Relationship,
    RelationshipKind,
)
from pcnhub.register.successions import Parent, Successions


def holding_on(queryset: QuerySet, day: date) -> QuerySet:
    """Records that held on ``day`` (``valid_from <= day < valid_to``)."""
    return queryset.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def links_on(kind: str, day: date) -> QuerySet:
    return holding_on(Relationship.objects.filter(kind=kind), day)


def details_on(code: str, day: date) -> OrganisationVersion | None:
    return holding_on(
        OrganisationVersion.objects.filter(organisation_id=code), day
    ).first()


def latest_details(code: str) -> OrganisationVersion | None:
    return (
        OrganisationVersion.objects.filter(organisation_id=code)
        .exclude(valid_to=F("valid_from"))
        .order_by("-valid_from")
        .first()
    )


def names_on(codes: list[str] | set[str], day: date) -> dict[str, str]:
    """Each organisation's name on ``day``, or its latest known name."""
    names: dict[str, str] = {}
    versions = (
        OrganisationVersion.objects.filter(organisation_id__in=list(codes))
        .exclude(valid_to=F("valid_from"))
        .order_by("valid_from")
        .values_list("organisation_id", "name", "valid_from", "valid_to")
    )
    for code, name, start, end in versions:
        if not name:
            continue
        if start <= day and (end is None or end > day):
            names[code] = name
        elif code not in names or start <= day:
            names.setdefault(code, name)
    return names


#: Links to a commissioner, which a succession passes to its successor.
SUCCEEDING_KINDS = frozenset(
    {RelationshipKind.PRACTICE_COMMISSIONER, RelationshipKind.NETWORK_COMMISSIONER}
)


def parents_on(
    kind: str,
    day: date,
    children: Iterable[str] | None = None,
    parent: str | None = None,
) -> dict[str, Parent]:
    """Each child's parent by ``kind`` on ``day``, successions followed.

    A link to a commissioner succeeded since the link started is under the
    successor (inferred; see :mod:`pcnhub.register.successions`). ``parent``
    keeps the children under it, inferred ones included.
    """
    links = links_on(kind, day)
    if children is not None:
        links = links.filter(child_id__in=list(children))
    successions = Successions.load() if kind in SUCCEEDING_KINDS else None
    if parent is not None:
        wanted = {parent} | (
            successions.predecessors(parent, day) if successions else set()
        )
        links = links.filter(parent_id__in=wanted)
    found: dict[str, Parent] = {}
    for child, recorded, start in links.values_list(
        "child_id", "parent_id", "valid_from"
    ):
        found[child] = (
            successions.resolve(recorded, start, day)
            if successions
            else Parent(recorded, recorded)
        )
    if parent is not None:
        found = {c: p for c, p in found.items() if p.code == parent}
    return found


def parent_on(kind: str, child: str, day: date) -> str | None:
    found = parents_on(kind, day, [child]).get(child)
    return found.code if found else None


def network_of(practice: str, day: date) -> str | None:
    return networks_of([practice], day).get(practice)


def networks_of(practices: Iterable[str], day: date) -> dict[str, str]:
    """Each practice's network on ``day``, in one query; practices in none are
    left out."""
    found = parents_on(RelationshipKind.PRACTICE_NETWORK, day, practices)
    return {practice: parent.code for practice, parent in found.items()}


def members_of(network: str, day: date) -> list[str]:
    links = links_on(RelationshipKind.PRACTICE_NETWORK, day).filter(parent_id=network)
    return sorted(links.values_list("child_id", flat=True))


def list_sizes_on(
    practices: list[str] | None, measure: str, day: date
) -> dict[str, Decimal]:
    """Each practice's latest list size on or before ``day``."""
    qs = ListSize.objects.filter(
        measure=measure, date__lte=day, superseded_by__isnull=True
    )
    if practices is not None:
        qs = qs.filter(practice_id__in=practices)
    sizes: dict[str, Decimal] = {}
    for practice, value in qs.order_by("date").values_list("practice_id", "value"):
        sizes[practice] = value
    return sizes


def lists_with_dates(
    practices: list[str], measure: str, day: date
) -> dict[str, tuple[Decimal, date]]:
    """Each practice's latest list size on or before ``day``, with its date."""
    wanted = set(practices)
    found: dict[str, tuple[Decimal, date]] = {}
    rows = ListSize.objects.filter(
        measure=measure, date__lte=day, superseded_by__isnull=True
    )
    if len(wanted) < 500:  # beyond that, reading all is faster than a long IN
        rows = rows.filter(practice_id__in=wanted)
    for practice, value, on in rows.order_by("date").values_list(
        "practice_id", "value", "date"
    ):
        if practice in wanted:
            found[practice] = (value, on)
    return found
