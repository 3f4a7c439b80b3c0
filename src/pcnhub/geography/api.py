"""The maps API (mounted at /api/maps/ by pcnhub.api): the layers each map page
draws, as JSON, with the same permissions as the pages.

* ``GET /api/maps/org/{code}``: a network's members, or a commissioner's
  practices by network (``register.view_organisation`` on the code, asked
  before the code is looked up: 403 before 404);
* ``GET /api/maps/uncovered``: practices in no network that the caller sees,
  or in one commissioner's area (``?commissioner=``, the same permission on it).

Each answers the districts drawn (SVG path data in the map's page units, its
``view_box``), the practices' points (degrees, and page units), the legend, the
practices not placed and why, and the sources to credit.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.geography.maps import (
    PracticeMap,
    commissioner_map,
    network_map,
    uncovered_map,
)
from pcnhub.geography.organisations import organisation_for_map
from pcnhub.register.models import OrganisationKind

router = Router(tags=["maps"])

PROJECTION = (
    "equirectangular: x = (longitude - west) * cos(mean latitude) * scale, "
    "y = (north - latitude) * scale, in page units from the top left"
)


class MarkerOut(Schema):
    colour: str = Field(description="Fill colour, #RRGGBB")
    shape: str = Field(
        description="circle, square, triangle, diamond, triangle-down, pentagon, "
        "star, hexagon, or cross (in no network)"
    )
    text: str = Field(description="The marker in words, e.g. 'blue circle'")


class DistrictOut(Schema):
    outcode: str
    area: str
    path: str = Field(description="SVG path data in page units (fill-rule evenodd)")
    has_practices: bool


class LabelOut(Schema):
    text: str
    x: float
    y: float


class PracticePoint(Schema):
    practice_code: str
    practice_name: str
    pcn_code: str = Field(description="Empty when in no network")
    pcn_name: str
    commissioner_code: str
    outcode: str
    latitude: float = Field(description="The postcode district's centroid")
    longitude: float
    x: float = Field(description="The marker in page units (spread when shared)")
    y: float
    marker: MarkerOut
    path: str = Field(description="The marker's SVG path data")


class LegendOut(Schema):
    pcn_code: str = Field(description="Empty for practices in no network")
    label: str
    marker: MarkerOut
    practices: int
    path: str = Field(description="The marker drawn in a 20 by 20 box")


class NotPlacedOut(Schema):
    practice_code: str
    practice_name: str
    pcn_code: str
    pcn_name: str
    outcode: str
    reason: str


class SourceOut(Schema):
    what: str
    source: str
    licence: str


class MapOut(Schema):
    kind: str = Field(description="network, commissioner or uncovered")
    code: str = Field(description="The network or commissioner; empty for all")
    name: str
    as_at: date
    projection: str
    width: float
    height: float
    view_box: str = Field(description="Empty when no practice is placed")
    bounds: list[float] | None = Field(
        description="The box drawn in degrees: west, south, east, north"
    )
    districts: list[DistrictOut]
    labels: list[LabelOut]
    practices: list[PracticePoint]
    legend: list[LegendOut]
    not_placed: list[NotPlacedOut]
    outlines_missing: list[str]
    attribution: list[SourceOut]


def _out(m: PracticeMap) -> dict[str, Any]:
    out = asdict(m)
    out["projection"] = PROJECTION
    out["bounds"] = list(m.bounds) if m.bounds else None
    out["attribution"] = [asdict(s) for s in m.attribution]
    return out


@router.get(
    "/org/{code}",
    response=MapOut,
    url_name="maps_organisation",
    summary="A network's or a commissioner's map layers as at a date",
)
def organisation_map(
    request: HttpRequest, code: str, as_at: date | None = None
) -> dict[str, Any]:
    day = as_at or timezone.localdate()
    org = organisation_for_map(request.user, code)
    if org.kind == OrganisationKind.NETWORK:
        return _out(network_map(org.code, day))
    return _out(commissioner_map(request.user, org.code, day))


@router.get(
    "/uncovered",
    response=MapOut,
    url_name="maps_uncovered",
    summary="Practices in no network, as map layers as at a date",
)
def uncovered(
    request: HttpRequest, commissioner: str = "", as_at: date | None = None
) -> dict[str, Any]:
    require(request.user, Permission.USE_REGISTER)
    day = as_at or timezone.localdate()
    code = ""
    if commissioner.strip():
        org = organisation_for_map(
            request.user, commissioner, (OrganisationKind.COMMISSIONER,)
        )
        code = org.code
    return _out(uncovered_map(request.user, day, code))
