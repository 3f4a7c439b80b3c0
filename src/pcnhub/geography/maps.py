"""The maps' content: which practices, where, in which network, on which outlines.

Three maps, each as at a date: a network's members (:func:`network_map`), a
commissioner's practices grouped by network (:func:`commissioner_map`), and
practices in no network (:func:`uncovered_map`, everywhere the user sees or in
one commissioner's area). Each practice is placed at its postcode district's
centroid (the register's ``PostcodeDistrict``); practices whose details give
no postcode, or an outcode with no centroid, are listed as *not placed*. The
outlines drawn are the districts holding the practices and every other
district within the map's box (imported by ``pcnhub import
district-outlines``; nothing is read from a file or another server).

The pages and the API show the same :class:`PracticeMap`. Access is the
caller's: the views and API routes ask the permission first; here rows are only
limited to what the user sees (:func:`pcnhub.access.checks.visible_rows`).
The geometry is :mod:`pcnhub.rules.maps`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pcnhub.access.checks import visible_rows
from pcnhub.contract.snapshots import per_version
from pcnhub.geography.models import DistrictOutline
from pcnhub.register import queries
from pcnhub.register.models import OrganisationVersion
from pcnhub.rules.maps import (
    NO_NETWORK_STYLE,
    OUTLINE_COLOUR,
    BBox,
    MarkerStyle,
    Point,
    Projection,
    clip_geometry,
    geometry_path,
    marker_path,
    simplify_geometry,
    spread,
    style_for,
)

#: The map's width in page units (its viewBox); the height follows its shape.
WIDTH = 480.0
#: A marker's size, and how far apart markers sharing a centroid are spread.
MARKER = 14.0
SPREAD = MARKER * 1.25
#: Outlines are simplified for the map's scale: detail under this many page
#: units is invisible on any screen.
DETAIL = 0.6
#: Space around the practices' districts (a fraction of the map's size, and at
#: least this many degrees: about 2 km), so that their neighbours show.
PADDING = 0.2
MINIMUM_PADDING = 0.02
#: An outcode's label sits this far below its lowest marker.
LABEL_BELOW = MARKER + 8
#: Districts holding practices are labelled with their outcode up to this many.
MAX_LABELS = 40
COLOUR_NAMES = {
    "#0072B2": "blue",
    "#E69F00": "orange",
    "#009E73": "green",
    "#CC79A7": "pink",
    "#56B4E9": "sky blue",
    "#D55E00": "red",
    "#F0E442": "yellow",
    NO_NETWORK_STYLE.colour: "white",
}
SHAPE_NAMES = {"triangle-down": "upside-down triangle"}
NO_NETWORK = "In no network"


@dataclass(frozen=True)
class Source:
    """A data set shown on the map, as its licence asks it to be credited."""

    what: str
    source: str
    licence: str


#: Every map credits its sources (the outlines' CC BY-SA 3.0 asks it), as text:
#: the page makes no request elsewhere, not even a link's.
ATTRIBUTION = (
    Source(
        "Postcode district outlines",
        "derived from Wikipedia's KML maps of UK postcode districts, by the "
        "missinglink/uk-postcode-polygons project on GitHub; simplified by pcnhub",
        "CC BY-SA 3.0",
    ),
    Source(
        "Postcode district centroids",
        "the gibbs/uk-postcodes project on GitHub",
        "CC0 1.0",
    ),
    Source(
        "Practices, networks and commissioners",
        "NHS England and NHS Digital (Organisation Data Service)",
        "Open Government Licence v3.0",
    ),
)


@dataclass(frozen=True)
class Marker:
    colour: str
    shape: str
    #: In words, for the table and the legend: "blue circle".
    text: str

    @classmethod
    def of(cls, style: MarkerStyle) -> Marker:
        colour = COLOUR_NAMES.get(style.colour, style.colour)
        shape = SHAPE_NAMES.get(style.shape, style.shape)
        return cls(style.colour, style.shape, f"{colour} {shape}")


@dataclass(frozen=True)
class LegendEntry:
    pcn_code: str  # "" for practices in no network
    label: str
    marker: Marker
    practices: int
    #: The marker drawn on its own, 20 units square, for the legend.
    path: str


@dataclass(frozen=True)
class PlacedPractice:
    practice_code: str
    practice_name: str
    pcn_code: str
    pcn_name: str
    commissioner_code: str
    outcode: str
    latitude: float
    longitude: float
    #: Where the marker is drawn (page units; spread from the centroid when
    #: practices share it).
    x: float
    y: float
    marker: Marker
    path: str


@dataclass(frozen=True)
class NotPlaced:
    practice_code: str
    practice_name: str
    pcn_code: str
    pcn_name: str
    outcode: str
    reason: str


@dataclass(frozen=True)
class DrawnDistrict:
    outcode: str
    area: str
    path: str
    has_practices: bool


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float


@dataclass
class PracticeMap:
    kind: str  # "network", "commissioner" or "uncovered"
    code: str  # the network or commissioner; "" for every practice in no network
    name: str
    as_at: date
    width: float = WIDTH
    height: float = 0.0
    view_box: str = ""
    #: The box drawn, in degrees: west, south, east, north (None: nothing placed).
    bounds: tuple[float, float, float, float] | None = None
    districts: list[DrawnDistrict] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    practices: list[PlacedPractice] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    not_placed: list[NotPlaced] = field(default_factory=list)
    #: Outcodes of placed practices that have no outline imported.
    outlines_missing: list[str] = field(default_factory=list)
    attribution: tuple[Source, ...] = ATTRIBUTION

    @property
    def drawn(self) -> bool:
        return bool(self.practices)

    @property
    def outline_colour(self) -> str:
        return OUTLINE_COLOUR


@dataclass(frozen=True)
class Row:
    """A practice to place: who, and in which network."""

    practice_code: str
    practice_name: str
    pcn_code: str
    commissioner_code: str


# --- the three maps ----------------------------------------------------------------


def network_map(code: str, day: date) -> PracticeMap:
    """The network's members on ``day`` (access asked by the caller)."""
    rows = [
        Row(r.practice_code, r.practice_name, r.pcn_code, r.commissioner_code)
        for r in queries.practices_on(day, pcn=code)
    ]
    name = queries.names_on([code], day).get(code, "")
    return build("network", code, name, day, rows)


def commissioner_map(user: Any, code: str, day: date) -> PracticeMap:
    """The commissioner's practices on ``day`` that the user sees, by network."""
    practices = visible_rows(
        user,
        queries.practices_on(day, commissioner=code),
        "practice_code",
        "pcn_code",
        "commissioner_code",
    )
    rows = [
        Row(r.practice_code, r.practice_name, r.pcn_code, r.commissioner_code)
        for r in practices
    ]
    name = queries.names_on([code], day).get(code, "")
    return build("commissioner", code, name, day, rows)


def uncovered_map(user: Any, day: date, commissioner: str = "") -> PracticeMap:
    """Practices in no network on ``day`` that the user sees (in the
    commissioner's area, if one is given)."""
    practices = visible_rows(
        user,
        queries.uncovered_on(day, commissioner=commissioner or None),
        "practice_code",
        "commissioner_code",
    )
    rows = [
        Row(p.practice_code, p.practice_name, "", p.commissioner_code)
        for p in practices
    ]
    name = queries.names_on([commissioner], day).get(commissioner, "")
    return build("uncovered", commissioner, name, day, rows)


# --- building a map ----------------------------------------------------------------


def build(kind: str, code: str, name: str, day: date, rows: list[Row]) -> PracticeMap:
    """The map of ``rows`` on ``day``: places, styles, outlines and legend."""
    out = PracticeMap(kind=kind, code=code, name=name, as_at=day)
    places = queries.practice_places([r.practice_code for r in rows], day)
    networks = sorted({r.pcn_code for r in rows if r.pcn_code})
    network_names = queries.names_on(networks, day) if networks else {}
    styles = {pcn: style_for(i) for i, pcn in enumerate(networks)}
    placed = [r for r in rows if r.practice_code in places]
    out.not_placed = _not_placed(
        [r for r in rows if r.practice_code not in places], network_names, day
    )
    out.legend = _legend(rows, networks, network_names, styles)
    if not placed:
        return out
    outcodes = {places[r.practice_code][0] for r in placed}
    own = _outlines(DistrictOutline.objects.filter(outcode__in=outcodes))
    out.outlines_missing = sorted(outcodes - set(own))
    box = BBox.of_points((lon, lat) for _o, lat, lon in places.values())
    for outline in own.values():
        box = box.union(outline)
    box = box.padded(PADDING, MINIMUM_PADDING)
    projection = Projection.fit(box, WIDTH)
    out.height = projection.height
    out.view_box = projection.view_box
    out.bounds = _bounds(projection)
    out.districts = drawn_districts(projection, outcodes)
    out.practices = _placed(placed, places, projection, styles, network_names)
    out.labels = _labels(out.practices, outcodes, projection)
    return out


def _outlines(queryset: Any) -> dict[str, BBox]:
    """Each current outline's box, in degrees."""
    return {
        outcode: BBox(west, south, east, north)
        for outcode, west, south, east, north in queryset.filter(
            superseded_by__isnull=True
        ).values_list(
            "outcode", "min_longitude", "min_latitude", "max_longitude", "max_latitude"
        )
    }


def _bounds(projection: Projection) -> tuple[float, float, float, float]:
    span_lon = projection.width / (projection.k * projection.scale)
    span_lat = projection.height / projection.scale
    west, north = projection.west, projection.north
    return (
        round(west, 5),
        round(north - span_lat, 5),
        round(west + span_lon, 5),
        round(north, 5),
    )


def drawn_districts(projection: Projection, outcodes: set[str]) -> list[DrawnDistrict]:
    """Every district within the map's box, simplified and clipped to it (kept
    per register version: a national map draws some 2,500)."""
    bounds = _bounds(projection)
    drawn = per_version(
        "geography-districts",
        (*bounds, projection.width),
        lambda: _draw(projection, bounds),
    )
    return [
        DrawnDistrict(outcode, area, path, outcode in outcodes)
        for outcode, area, path in drawn
    ]


def _draw(
    projection: Projection, bounds: tuple[float, float, float, float]
) -> list[tuple[str, str, str]]:
    west, south, east, north = bounds
    rows = DistrictOutline.objects.filter(
        superseded_by__isnull=True,
        max_longitude__gte=west,
        min_longitude__lte=east,
        max_latitude__gte=south,
        min_latitude__lte=north,
    ).values_list("outcode", "area", "geometry")
    # A little beyond the page, so that clipped edges fall outside it.
    frame = projection.page.padded(0.0, 2.0)
    drawn = []
    for outcode, area, geometry in rows:
        shape = projection.project_geometry(
            [[[(p[0], p[1]) for p in ring] for ring in polygon] for polygon in geometry]
        )
        shape = clip_geometry(simplify_geometry(shape, DETAIL), frame)
        path = geometry_path(shape)
        if path:
            drawn.append((outcode, area, path))
    return sorted(drawn)


def _placed(
    rows: list[Row],
    places: dict[str, tuple[str, float, float]],
    projection: Projection,
    styles: dict[str, MarkerStyle],
    network_names: dict[str, str],
) -> list[PlacedPractice]:
    ordered = sorted(rows, key=lambda r: (r.pcn_code or "~", r.practice_code))
    centres: list[tuple[str, Point]] = []
    for r in ordered:
        _outcode, latitude, longitude = places[r.practice_code]
        x, y = projection.project(longitude, latitude)
        centres.append((r.practice_code, (round(x, 1), round(y, 1))))
    where = spread(centres, SPREAD)
    out = []
    for r in ordered:
        outcode, latitude, longitude = places[r.practice_code]
        style = styles.get(r.pcn_code, NO_NETWORK_STYLE)
        x, y = where[r.practice_code]
        out.append(
            PlacedPractice(
                practice_code=r.practice_code,
                practice_name=r.practice_name,
                pcn_code=r.pcn_code,
                pcn_name=network_names.get(r.pcn_code, ""),
                commissioner_code=r.commissioner_code,
                outcode=outcode,
                latitude=latitude,
                longitude=longitude,
                x=round(x, 1),
                y=round(y, 1),
                marker=Marker.of(style),
                path=marker_path(style.shape, x, y, MARKER),
            )
        )
    return sorted(out, key=lambda p: p.practice_code)


def _labels(
    practices: Sequence[PlacedPractice], outcodes: set[str], projection: Projection
) -> list[Label]:
    """Outcodes beneath their practices' markers, when there are few enough."""
    if len(outcodes) > MAX_LABELS:
        return []
    lowest: dict[str, float] = {}
    centre: dict[str, float] = {}
    for p in practices:
        lowest[p.outcode] = max(lowest.get(p.outcode, p.y), p.y)
        x, _y = projection.project(p.longitude, p.latitude)
        centre[p.outcode] = x
    return [
        Label(o, round(centre[o], 1), round(lowest[o] + LABEL_BELOW, 1))
        for o in sorted(lowest)
    ]


def _legend(
    rows: list[Row],
    networks: list[str],
    names: dict[str, str],
    styles: dict[str, MarkerStyle],
) -> list[LegendEntry]:
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.pcn_code] += 1
    entries = [
        LegendEntry(
            pcn,
            f"{names.get(pcn) or pcn} ({pcn})" if names.get(pcn) else pcn,
            Marker.of(styles[pcn]),
            counts[pcn],
            marker_path(styles[pcn].shape, 10, 10, MARKER),
        )
        for pcn in networks
    ]
    if counts.get(""):
        entries.append(
            LegendEntry(
                "",
                NO_NETWORK,
                Marker.of(NO_NETWORK_STYLE),
                counts[""],
                marker_path(NO_NETWORK_STYLE.shape, 10, 10, MARKER),
            )
        )
    return entries


def _not_placed(
    rows: list[Row], network_names: dict[str, str], day: date
) -> list[NotPlaced]:
    """Practices the map cannot place, and why."""
    if not rows:
        return []
    postcodes = dict(
        queries.holding_on(
            OrganisationVersion.objects.filter(
                organisation_id__in=[r.practice_code for r in rows]
            ),
            day,
        ).values_list("organisation_id", "postcode")
    )
    out = []
    for r in sorted(rows, key=lambda r: r.practice_code):
        postcode = postcodes.get(r.practice_code) or ""
        outcode = queries.outcode_of(postcode)
        if r.practice_code not in postcodes:
            reason = "no details (address) recorded on this date"
        elif not outcode:
            reason = "no postcode in its details"
        else:
            reason = f"no centroid imported for postcode district {outcode}"
        out.append(
            NotPlaced(
                r.practice_code,
                r.practice_name,
                r.pcn_code,
                network_names.get(r.pcn_code, ""),
                outcode,
                reason,
            )
        )
    return out
