"""Variability as at a day within a scope: gathers the networks' registered
populations (:func:`pcnhub.register.queries.networks_on`, as ``pcnhub networks``
gives them), their members' IMD deciles, and runs
:mod:`pcnhub.rules.variability`.

A network counts in the scope of its commissioner on the day (successions
followed); a region's or system's networks are those of the commissioners in it
on the day. Populations are the members' latest registered lists on or before
the day. A fixed number of queries whatever the number of networks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pcnhub.oversight.deprivation import current_deciles
from pcnhub.oversight.scopes import NATION, Scope
from pcnhub.register import queries
from pcnhub.register.models import ListMeasure, RelationshipKind
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.variability import (
    CommissionerMeasures,
    NetworkDeprivation,
    NetworkSize,
    Relation,
    Variability,
    band_on,
    by_commissioner,
    network_deprivation,
    variability,
)

#: Practices beyond which a list read takes every practice's list.
LONG_IN = 500


@dataclass(frozen=True)
class NetworkLine:
    """One network of the scope: its size, where it lies, its deprivation."""

    code: str
    name: str
    commissioner: str
    population: Decimal
    practices: int
    members_without_list: int
    relation: Relation
    deprivation: NetworkDeprivation


@dataclass(frozen=True)
class CommissionerLine:
    measures: CommissionerMeasures
    name: str


@dataclass(frozen=True)
class Report:
    as_at: date
    scope: Scope
    figures: Variability
    commissioners: tuple[CommissionerLine, ...]
    #: Networks with members, by code.
    networks: tuple[NetworkLine, ...]
    #: Whether any deprivation figures are held (``pcnhub import deprivation``).
    deprivation_held: bool


def commissioners_in(scope: Scope, day: date) -> set[str] | None:
    """The commissioners a region or system holds on ``day`` (None: any)."""
    if scope.kind == NATION:
        return None
    if scope.kind == "commissioner":
        return {scope.code}
    systems = {scope.code}
    if scope.kind == "region":
        links = queries.parents_on(RelationshipKind.SYSTEM_REGION, day)
        systems = {s for s, parent in links.items() if parent.code == scope.code}
    links = queries.parents_on(RelationshipKind.COMMISSIONER_SYSTEM, day)
    return {c for c, parent in links.items() if parent.code in systems}


def report(day: date, scope: Scope) -> Report:
    """Every figure for ``scope`` on ``day``."""
    rows = queries.networks_on(
        day, scope.code if scope.kind == "commissioner" else None
    )
    wanted = commissioners_in(scope, day)
    if wanted is not None:
        rows = [r for r in rows if r.commissioner_code in wanted]
    sizes = [
        NetworkSize(
            r.pcn_code,
            r.commissioner_code,
            r.registered_population,
            r.practices,
            r.members_without_registered,
        )
        for r in rows
    ]
    band = band_on(default_parameters(), day)
    figures = variability(sizes, band)
    measures = by_commissioner(sizes, band)
    names = queries.names_on({m.code for m in measures if m.code}, day)
    deprivation = _deprivation({r.pcn_code for r in rows if r.practices}, day)
    deciles_held = bool(deprivation[1])
    lines = tuple(
        NetworkLine(
            code=r.pcn_code,
            name=r.pcn_name,
            commissioner=r.commissioner_code,
            population=r.registered_population,
            practices=r.practices,
            members_without_list=r.members_without_registered,
            relation=band.relation(r.registered_population),
            deprivation=deprivation[0][r.pcn_code],
        )
        for r in rows
        if r.practices
    )
    return Report(
        as_at=day,
        scope=scope,
        figures=figures,
        commissioners=tuple(
            CommissionerLine(m, names.get(m.code, "")) for m in measures
        ),
        networks=lines,
        deprivation_held=deciles_held,
    )


def _deprivation(
    networks: set[str], day: date
) -> tuple[dict[str, NetworkDeprivation], dict[str, int]]:
    members: dict[str, list[str]] = defaultdict(list)
    for practice, network in queries.links_on(
        RelationshipKind.PRACTICE_NETWORK, day
    ).values_list("child_id", "parent_id"):
        if network in networks:
            members[network].append(practice)
    everyone = [p for ps in members.values() for p in ps]
    # Beyond a few hundred practices, reading every list is faster than a long
    # IN (as queries.lists_with_dates does).
    lists = queries.list_sizes_on(
        everyone if len(everyone) < LONG_IN else None, ListMeasure.REGISTERED, day
    )
    deciles = current_deciles()
    found = {
        code: network_deprivation(code, members[code], lists, deciles)
        for code in networks
    }
    return found, deciles


# What the command, the CSV and the API give: plain values, in one shape.


Plain = int | float | str | None


def number(value: Decimal | None) -> int | float | None:
    """A figure for CSV and JSON: whole numbers as integers, others as floats
    (every figure here has at most four decimal places, exact in a float's
    shortest form)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def summary_rows(report: Report) -> list[tuple[str, Plain]]:
    """(measure, value), in the order ``pcnhub variability`` prints them."""
    f = report.figures
    p, n = f.population, f.practices
    rows = [
        ("as_at", report.as_at.isoformat()),
        ("scope", report.scope.code or "England"),
        ("scope_kind", report.scope.kind),
        ("band_low", number(f.band.low)),
        ("band_high", number(f.band.high)),
        ("networks", f.networks),
        ("networks_without_members", f.empty_networks),
        ("networks_missing_lists", f.networks_missing_lists),
    ]
    for name, value in _summary(p).items():
        rows.append((f"population_{name}", value))
    rows += [
        ("below_band", f.below),
        ("within_band", f.within),
        ("above_band", f.above),
    ]
    for name, value in _summary(n).items():
        if name != "count":
            rows.append((f"practices_{name}", value))
    rows += [
        ("single_practice_networks", f.single_practice),
        ("networks_with_more_than_10_practices", f.more_than_ten),
    ]
    rows += [(f"networks_with_{k}_practices", v) for k, v in f.practices_distribution]
    return rows


def _summary(s: Any) -> dict[str, Plain]:
    return {
        "count": s.count,
        "min": number(s.minimum),
        "p10": number(s.p10),
        "q1": number(s.q1),
        "median": number(s.median),
        "q3": number(s.q3),
        "p90": number(s.p90),
        "max": number(s.maximum),
    }


COMMISSIONER_COLUMNS = (
    "commissioner_code",
    "commissioner_name",
    "networks",
    "population",
    "within_band",
    "share_within_band",
    "largest_network",
    "smallest_network",
    "largest_share",
    "largest_to_smallest",
)


def commissioner_rows(report: Report) -> list[dict[str, Plain]]:
    return [
        {
            "commissioner_code": line.measures.code,
            "commissioner_name": line.name,
            "networks": line.measures.networks,
            "population": number(line.measures.population),
            "within_band": line.measures.within_band,
            "share_within_band": number(line.measures.share_within),
            "largest_network": number(line.measures.largest),
            "smallest_network": number(line.measures.smallest),
            "largest_share": number(line.measures.largest_share),
            "largest_to_smallest": number(line.measures.largest_to_smallest),
        }
        for line in report.commissioners
    ]


NETWORK_COLUMNS = (
    "pcn_code",
    "pcn_name",
    "commissioner_code",
    "registered_population",
    "practices",
    "band",
    "weighted_imd_decile",
    "population_with_decile",
    "practices_without_decile",
)


def network_rows(
    lines: tuple[NetworkLine, ...] | list[NetworkLine],
) -> list[dict[str, Plain]]:
    return [
        {
            "pcn_code": line.code,
            "pcn_name": line.name,
            "commissioner_code": line.commissioner,
            "registered_population": number(line.population),
            "practices": line.practices,
            "band": str(line.relation),
            "weighted_imd_decile": number(line.deprivation.weighted_decile),
            "population_with_decile": number(line.deprivation.population_with_decile),
            "practices_without_decile": " ".join(line.deprivation.without_decile),
        }
        for line in lines
    ]


def histogram_rows(report: Report) -> list[dict[str, Plain]]:
    return [
        {
            "from": number(b.low),
            "to": number(b.high),
            "networks": b.networks,
            "band": str(b.relation),
        }
        for b in report.figures.histogram
    ]
