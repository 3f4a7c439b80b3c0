"""Up and down the hierarchy "as at" a date: an organisation's chain of parents,
its children (now and ever), and the successions that closed or opened it.

Imported through :mod:`pcnhub.register.queries`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F

from pcnhub.register.models import (
    Organisation,
    OrganisationKind,
    Relationship,
    RelationshipKind,
    Succession,
)
from pcnhub.register.queries_links import (
    SUCCEEDING_KINDS,
    links_on,
    names_on,
    network_of,
    parents_on,
)

_PARENT_KIND = {
    OrganisationKind.PRACTICE: RelationshipKind.PRACTICE_COMMISSIONER,
    OrganisationKind.NETWORK: RelationshipKind.NETWORK_COMMISSIONER,
    OrganisationKind.COMMISSIONER: RelationshipKind.COMMISSIONER_SYSTEM,
    OrganisationKind.SYSTEM: RelationshipKind.SYSTEM_REGION,
}


@dataclass(frozen=True)
class Rung:
    kind: str
    code: str
    name: str
    #: Reached through a succession (the record names a predecessor).
    inferred: bool = False


def hierarchy(code: str, day: date) -> list[Rung]:
    """The organisation and everything above it on ``day``, nearest first.

    A practice's chain runs through its network (when it has one) and its
    commissioner; the network itself is overseen by a commissioner too.
    """
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        return []
    chain: list[tuple[str, str, bool]] = [(org.kind, org.code, False)]
    if org.kind == OrganisationKind.PRACTICE:
        network = network_of(code, day)
        if network:
            chain.append((OrganisationKind.NETWORK, network, False))
    current_kind, current = org.kind, org.code
    while current_kind in _PARENT_KIND:
        found = parents_on(_PARENT_KIND[current_kind], day, [current]).get(current)
        if found is None:
            break
        current_kind = Organisation.objects.get(code=found.code).kind
        current = found.code
        chain.append((current_kind, current, found.inferred))
    names = names_on({c for _, c, _ in chain}, day)
    return [Rung(kind, c, names.get(c, ""), inferred) for kind, c, inferred in chain]


@dataclass(frozen=True)
class ChildLink:
    code: str
    relationship: str
    #: Passed to this parent by a succession (the record names a predecessor).
    inferred: bool = False


def children_on(parent: str, day: date) -> list[ChildLink]:
    """Everything linked beneath ``parent`` on ``day``, successions followed.

    Links passed to a successor leave their predecessor, and the successor gains
    them (inferred); a commissioner closed by a succession on or before ``day``
    is no longer a current child of its system.
    """
    found: list[ChildLink] = []
    for kind in RelationshipKind.values:
        if kind in SUCCEEDING_KINDS:
            found += [
                ChildLink(child, kind, link.inferred)
                for child, link in parents_on(kind, day, parent=parent).items()
            ]
            continue
        codes = links_on(kind, day).filter(parent_id=parent)
        found += [
            ChildLink(child, kind) for child in codes.values_list("child_id", flat=True)
        ]
    closed = _closed_by(day)
    return sorted(
        (c for c in found if c.code not in closed),
        key=lambda c: (c.code, c.relationship),
    )


def _closed_by(day: date) -> set[str]:
    return set(
        Succession.objects.filter(effective__lte=day).values_list(
            "predecessor_id", flat=True
        )
    )


def closed_on(code: str) -> Succession | None:
    """The succession that closed ``code`` (its first), if any."""
    return (
        Succession.objects.filter(predecessor_id=code)
        .order_by("effective", "successor_id")
        .first()
    )


@dataclass(frozen=True)
class PastChild:
    code: str
    start: date
    #: The first day it was no longer a child (None: still one).
    end: date | None


def children_ever(kind: str, parent: str) -> list[PastChild]:
    """Every organisation ever linked beneath ``parent`` by ``kind``, with the
    period it was; a commissioner's period ends when a succession closed it."""
    periods: dict[str, tuple[date, date | None]] = {}
    links = (
        Relationship.objects.filter(kind=kind, parent_id=parent)
        .exclude(valid_to=F("valid_from"))
        .values_list("child_id", "valid_from", "valid_to")
    )
    for child, start, end in links:
        if child in periods:
            first, last = periods[child]
            start = min(start, first)
            end = None if end is None or last is None else max(end, last)
        periods[child] = (start, end)
    closed = dict(
        Succession.objects.filter(predecessor_id__in=list(periods))
        .order_by("-effective")
        .values_list("predecessor_id", "effective")
    )
    result = []
    for child, (start, end) in sorted(periods.items()):
        if child in closed and (end is None or closed[child] < end):
            end = max(closed[child], start)
        result.append(PastChild(child, start, end))
    return result


def successions_of(code: str) -> tuple[list[Succession], list[Succession]]:
    before = list(Succession.objects.filter(successor_id=code))
    after = list(Succession.objects.filter(predecessor_id=code))
    return before, after
