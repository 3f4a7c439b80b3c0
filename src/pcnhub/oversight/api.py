"""The variability API (mounted at /api/variability/ by pcnhub.api): the figures
of /variability/ and ``pcnhub variability``, with the same permissions.

``scope`` is a region, system or commissioner code (none: England, for
country-wide roles; anyone else gets their own area, as on the page); a scope
outside the caller's roles is 403, and then a code that names no region, system
or commissioner is 422 (a bad value of ``scope``). ``as_at`` defaults to today.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.core.dates import outside_era
from pcnhub.oversight.scopes import (
    UnknownScope,
    default_scope,
    require_scope,
    sees_network,
)
from pcnhub.oversight.variability import (
    Report,
    commissioner_rows,
    histogram_rows,
    network_rows,
    report,
    summary_rows,
)

router = Router(tags=["variability"])

Figure = float | None
AS_AT = Query(None, description="The day (YYYY-MM-DD; default today)")
SCOPE = Query(
    None,
    description="A region, system or commissioner code (none: England for "
    "country-wide roles, else the caller's own area)",
)


class PopulationSummary(Schema):
    """Type 7 quantiles (linear interpolation) of the networks' registered
    populations; null when there are no networks."""

    count: int
    min: Figure
    p10: Figure
    q1: Figure
    median: Figure
    q3: Figure
    p90: Figure
    max: Figure


class HistogramBin(Schema):
    from_: float = Field(alias="from", description="The bin's first patient count")
    to: Figure = Field(description="Where the next bin starts (null: no top)")
    networks: int
    band: str = Field(description="below, within or above (by the bin's lower edge)")


class PracticeCount(Schema):
    practices: int
    networks: int


class CommissionerRow(Schema):
    commissioner_code: str
    commissioner_name: str
    networks: int
    population: float
    within_band: int
    share_within_band: Figure = Field(description="0 to 1, to four places")
    largest_network: float
    smallest_network: float
    largest_share: Figure = Field(description="largest network / population")
    largest_to_smallest: Figure = Field(description="null: smallest has 0")


class Variability(Schema):
    as_at: date
    scope: str = Field(description="The scope's code; empty for England")
    scope_kind: str = Field(description="nation, region, system or commissioner")
    scope_name: str
    band_low: float
    band_high: float
    networks: int = Field(description="Networks with member practices")
    networks_without_members: int
    networks_missing_lists: int
    population: PopulationSummary
    practices: PopulationSummary
    below_band: int
    within_band: int
    above_band: int
    single_practice_networks: int
    networks_with_more_than_10_practices: int
    practices_per_network: list[PracticeCount]
    histogram: list[HistogramBin]
    commissioners: list[CommissionerRow]


class VariabilityNetworkRow(Schema):
    pcn_code: str
    pcn_name: str
    commissioner_code: str
    registered_population: float
    practices: int
    band: str
    weighted_imd_decile: Figure = Field(
        description="IMD 2019 decile of the members, weighted by their lists"
    )
    population_with_decile: float
    practices_without_decile: str = Field(description="Codes, space-separated")


def _report(request: HttpRequest, as_at: date | None, scope: str | None) -> Report:
    require(request.user, Permission.USE_REGISTER)
    day = as_at or timezone.localdate()
    why = outside_era(day)
    if why:
        raise ValidationError({"as_at": [why]})
    code = scope if scope is not None else default_scope(request.user, day)
    if code is None:
        raise ValidationError(
            {"scope": [f"your roles reach no area on {day}: name one"]}
        )
    try:
        found = require_scope(request.user, code, day)
    except UnknownScope as exc:
        raise ValidationError({"scope": [str(exc)]}) from None
    return report(day, found)


def _summary(rows: dict[str, object], prefix: str) -> dict[str, object]:
    names = ("count", "min", "p10", "q1", "median", "q3", "p90", "max")
    return {n: rows.get(f"{prefix}_{n}") for n in names}


@router.get("", response=Variability, url_name="variability", by_alias=True)
def variability(
    request: HttpRequest, as_at: date | None = AS_AT, scope: str | None = SCOPE
) -> dict[str, object]:
    """Network sizes against the band, practices per network and the
    commissioner-level measures, as ``pcnhub variability`` gives them."""
    found = _report(request, as_at, scope)
    rows = dict(summary_rows(found))
    practices = _summary(rows, "practices")
    practices["count"] = found.figures.practices.count
    return {
        "as_at": found.as_at,
        "scope": found.scope.code,
        "scope_kind": found.scope.kind,
        "scope_name": found.scope.name,
        "band_low": rows["band_low"],
        "band_high": rows["band_high"],
        "networks": found.figures.networks,
        "networks_without_members": found.figures.empty_networks,
        "networks_missing_lists": found.figures.networks_missing_lists,
        "population": _summary(rows, "population"),
        "practices": practices,
        "below_band": found.figures.below,
        "within_band": found.figures.within,
        "above_band": found.figures.above,
        "single_practice_networks": found.figures.single_practice,
        "networks_with_more_than_10_practices": found.figures.more_than_ten,
        "practices_per_network": [
            {"practices": p, "networks": n}
            for p, n in found.figures.practices_distribution
        ],
        "histogram": histogram_rows(found),
        "commissioners": commissioner_rows(found),
    }


@router.get(
    "/networks", response=list[VariabilityNetworkRow], url_name="variability_networks"
)
def networks(
    request: HttpRequest, as_at: date | None = AS_AT, scope: str | None = SCOPE
) -> list[dict[str, object]]:
    """Each network of the scope the caller sees (the network or its
    commissioner): its population, band and list-weighted IMD decile."""
    found = _report(request, as_at, scope)
    lines = [
        line
        for line in found.networks
        if sees_network(request.user, line.code, line.commissioner)
    ]
    return network_rows(lines)
