"""Networks "as at" a date: which are open, their members' populations.

Imported through :mod:`pcnhub.register.queries`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pcnhub.register.models import (
    ListMeasure,
    OrganisationKind,
    OrganisationVersion,
    RelationshipKind,
)
from pcnhub.register.queries_links import (
    holding_on,
    links_on,
    list_sizes_on,
    members_of,
    names_on,
    parents_on,
)


@dataclass(frozen=True)
class Population:
    registered: Decimal
    weighted: Decimal
    members: int
    members_without_registered: int
    members_without_weighted: int


def population(network: str, day: date, lists_at: date | None = None) -> Population:
    members = members_of(network, day)
    return _population(members, lists_at or day)


def _population(members: list[str], lists_at: date) -> Population:
    registered = list_sizes_on(members, ListMeasure.REGISTERED, lists_at)
    weighted = list_sizes_on(members, ListMeasure.WEIGHTED, lists_at)
    return population_from(members, registered, weighted)


def population_from(
    members: list[str], registered: dict[str, Decimal], weighted: dict[str, Decimal]
) -> Population:
    """The totals of ``members`` from their lists (read by :func:`list_sizes_on`)."""
    return Population(
        registered=sum(registered.values(), Decimal(0)),
        weighted=sum(weighted.values(), Decimal(0)),
        members=len(members),
        members_without_registered=len(set(members) - set(registered)),
        members_without_weighted=len(set(members) - set(weighted)),
    )


@dataclass(frozen=True)
class NetworkRow:
    pcn_code: str
    pcn_name: str
    commissioner_code: str
    practices: int
    registered_population: Decimal
    weighted_population: Decimal
    members_without_registered: int
    members_without_weighted: int
    #: The commissioner is a successor's, inferred from a succession.
    commissioner_inferred: bool = False


def open_networks(day: date) -> set[str]:
    """Networks open on ``day``: by their ODS dates, or by having members."""
    with_members = set(
        links_on(RelationshipKind.PRACTICE_NETWORK, day).values_list(
            "parent_id", flat=True
        )
    )
    versions = holding_on(
        OrganisationVersion.objects.filter(
            organisation__kind=OrganisationKind.NETWORK, open_date__isnull=False
        ),
        day,
    ).values_list("organisation_id", "open_date", "close_date")
    by_dates = {
        code
        for code, opened, closed in versions
        if opened <= day and (closed is None or closed >= day)
    }
    return with_members | by_dates


def networks_on(
    day: date, commissioner: str | None = None, lists_at: date | None = None
) -> list[NetworkRow]:
    codes = open_networks(day)
    parents = parents_on(
        RelationshipKind.NETWORK_COMMISSIONER, day, codes, parent=commissioner
    )
    overseen = {c: p.code for c, p in parents.items()}
    if commissioner:
        codes = {c for c in codes if c in parents}
    members: dict[str, list[str]] = defaultdict(list)
    for practice, network in links_on(
        RelationshipKind.PRACTICE_NETWORK, day
    ).values_list("child_id", "parent_id"):
        if network in codes:
            members[network].append(practice)
    everyone = [p for ps in members.values() for p in ps]
    registered = list_sizes_on(everyone, ListMeasure.REGISTERED, lists_at or day)
    weighted = list_sizes_on(everyone, ListMeasure.WEIGHTED, lists_at or day)
    names = names_on(codes, day)
    rows = []
    for code in sorted(codes):
        ps = members[code]
        rows.append(
            NetworkRow(
                pcn_code=code,
                pcn_name=names.get(code, ""),
                commissioner_code=overseen.get(code, ""),
                practices=len(ps),
                registered_population=sum(
                    (registered[p] for p in ps if p in registered), Decimal(0)
                ),
                weighted_population=sum(
                    (weighted[p] for p in ps if p in weighted), Decimal(0)
                ),
                members_without_registered=sum(p not in registered for p in ps),
                members_without_weighted=sum(p not in weighted for p in ps),
                commissioner_inferred=code in parents and parents[code].inferred,
            )
        )
    return rows
