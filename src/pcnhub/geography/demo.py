"""Outlines for the demo's invented postcode districts, so that its maps draw.

The demo area (``pcnhub.register.demo``) places its practices in the fictional
postcode area ``ZZ`` (Wendshire), with invented centroids in the English
Midlands. Real outlines do not exist for it, so each district is given the
Voronoi cell of its centroid (the land nearer it than any other centroid),
cut to an oval county around them all. The cells are written as a GeoJSON file
in the layout of the real ones and imported by the ordinary importer, so the
demo takes the same path as real data.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from pcnhub.audit.services import Actor
from pcnhub.geography.outlines import OutlinesImport, import_outlines
from pcnhub.register.demo import DEMO_OUTCODES
from pcnhub.register.models import PostcodeDistrict
from pcnhub.rules.maps import BBox, Point
from pcnhub.rules.voronoi import clip_to_convex, voronoi_cells

#: The county's oval reaches this far beyond the outermost centroids (km).
MARGIN_KM = 7.0
#: Corners of the oval.
CORNERS = 24
ROUNDING = 1.25
KM_PER_DEGREE_LATITUDE = 111.25


def demo_geojson() -> dict[str, object]:
    """The demo districts' outlines as a GeoJSON FeatureCollection, from the
    centroids the demo imported."""
    centroids = {
        outcode: (float(longitude), float(latitude))
        for outcode, latitude, longitude in PostcodeDistrict.objects.filter(
            superseded_by__isnull=True, outcode__in=list(DEMO_OUTCODES)
        ).values_list("outcode", "latitude", "longitude")
    }
    if not centroids:
        raise LookupError(
            "the demo's postcode district centroids are not in the database: "
            "import the demo's files first (pcnhub demo)"
        )
    outcodes = sorted(centroids)
    mean_latitude = sum(lat for _lon, lat in centroids.values()) / len(centroids)
    k = math.cos(math.radians(mean_latitude)) * KM_PER_DEGREE_LATITUDE
    # Kilometres east and north, where Voronoi cells are true to distance.
    sites: list[Point] = [
        (centroids[o][0] * k, centroids[o][1] * KM_PER_DEGREE_LATITUDE)
        for o in outcodes
    ]
    box = BBox.of_points(sites).padded(0.0, MARGIN_KM)
    county = _oval(box)
    features = []
    for outcode, cell in zip(
        outcodes, voronoi_cells(sites, box.padded(0.0, 1.0)), strict=True
    ):
        ring = clip_to_convex(cell, county)
        if ring is None:
            continue
        coordinates = [
            [round(x / k, 5), round(y / KM_PER_DEGREE_LATITUDE, 5)] for x, y in ring
        ]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [coordinates]},
                "properties": {
                    "name": outcode,
                    "description": f"{outcode} postcode district (invented)",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _oval(box: BBox) -> list[Point]:
    cx, cy = (box.min_x + box.max_x) / 2, (box.min_y + box.max_y) / 2
    rx, ry = (box.max_x - box.min_x) / 2, (box.max_y - box.min_y) / 2
    # The ellipse touching the box's sides, a quarter larger: it holds every
    # centroid with room to spare and rounds off the box's corners.
    rx, ry = rx * ROUNDING, ry * ROUNDING
    return [
        (
            cx + rx * math.cos(2 * math.pi * i / CORNERS),
            cy + ry * math.sin(2 * math.pi * i / CORNERS),
        )
        for i in range(CORNERS)
    ]


def create_demo_outlines(actor: Actor | None = None) -> OutlinesImport:
    """Import outlines for the demo's ``ZZ`` districts (after its centroids)."""
    actor = actor or Actor(system="pcnhub demo (district outlines)")
    with tempfile.TemporaryDirectory(prefix="pcnhub-demo-outlines-") as directory:
        path = Path(directory) / "ZZ.geojson"
        path.write_text(json.dumps(demo_geojson()), encoding="utf-8")
        return import_outlines(path, actor=actor)
