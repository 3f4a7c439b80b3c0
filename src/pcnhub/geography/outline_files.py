"""Reading postcode-district outline files (GeoJSON), checked before anything is
written.

A directory holds one ``<AREA>.geojson`` per postcode area (``TS.geojson``), each
a ``FeatureCollection`` whose features are districts: ``properties.name`` the
outcode (``TS18``), ``geometry`` a ``Polygon``, ``MultiPolygon`` or a
``GeometryCollection`` of those, in longitude and latitude (WGS 84), as the
public repository ``missinglink/uk-postcode-polygons`` writes them (derived from
Wikipedia's KML, CC BY-SA 3.0). Every problem is collected with its file,
feature and field, and any problem rejects the whole import.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pcnhub.register.importers.errors import ImportRejected, Problem, Problems, shown
from pcnhub.register.importers.geography import (
    LATITUDE_BOUNDS,
    LONGITUDE_BOUNDS,
    OUTCODE,
)
from pcnhub.rules.maps import Geometry, Ring, simplify_geometry

#: Douglas–Peucker tolerance at import, in degrees of latitude (about 55 m; east
#: –west distances are scaled by the cosine of the district's latitude first).
#: On the 2,736 national outlines it keeps fewer than half of their 429,252
#: points; a map simplifies further for its own scale when drawn.
TOLERANCE = 0.0005
#: Degrees are kept to 5 places (about a metre), as the centroids are.
PLACES = 5
#: Bounds that keep a hostile file cheap (the national set: 120 files, the
#: largest 287 kB, 2,736 features, at most about 2,500 points in one).
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES = 1000
MAX_FEATURES = 20_000
MAX_FEATURE_POINTS = 500_000
#: Problems named per feature before the rest of it is passed over.
MAX_FEATURE_PROBLEMS = 5
AREA = re.compile(r"^[A-Z]{1,2}$")
UNCLOSED = "ring not closed (closed by repeating its first point)"
LOW = (float(LONGITUDE_BOUNDS[0]), float(LATITUDE_BOUNDS[0]))
HIGH = (float(LONGITUDE_BOUNDS[1]), float(LATITUDE_BOUNDS[1]))


@dataclass(frozen=True)
class Outline:
    """One district's outline as it will be stored."""

    outcode: str
    area: str
    geometry: list[list[list[list[float]]]]
    points: int
    source_points: int
    bbox: tuple[float, float, float, float]  # west, south, east, north
    source_file: str
    #: Its position in the file's features, from 1.
    feature: int


class TooMany(Exception):
    """A feature has more problems than are worth naming."""


class FeatureProblems:
    """Problems of one feature, each naming the feature and the field."""

    def __init__(self, problems: Problems, number: int, name: str) -> None:
        self.problems = problems
        self.where = f"feature {number}" + (f" ({name})" if name else "")
        self.count = 0

    def add(self, field: str, message: str) -> None:
        self.problems.items.append(
            Problem(self.problems.file, None, None, f"{self.where}, {field}: {message}")
        )
        self.count += 1
        if self.count >= MAX_FEATURE_PROBLEMS:
            raise TooMany

    def tolerate(self, rule: str, field: str) -> None:
        self.problems.tolerate(rule, f"{self.problems.file} {self.where} {field}")


def outline_files(path: Path) -> list[Path]:
    """The ``.geojson`` files to read: the file given, or a directory's, sorted."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise_one(path.name, "no such file or directory")
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".geojson")
    if not files:
        raise_one(path.name, "the directory holds no .geojson files")
    if len(files) > MAX_FILES:
        raise_one(path.name, f"more than {MAX_FILES:,} .geojson files")
    return files


def raise_one(file: str, message: str) -> None:
    raise ImportRejected([Problem(file, None, None, message)])


def read_file(path: Path, problems: Problems) -> list[Outline]:
    """The outlines of one file; its problems are added to ``problems``."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.add(None, None, f"{size:,} bytes: more than {MAX_FILE_BYTES:,}")
        return []
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        problems.add(None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return []
    except json.JSONDecodeError as exc:
        problems.add(
            None,
            None,
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
        )
        return []
    features = _features(document, problems)
    stem = path.stem.upper()
    file_area = stem if AREA.match(stem) else None
    outlines = []
    for number, feature in enumerate(features, start=1):
        name = _name_of(feature)
        where = FeatureProblems(problems, number, name)
        try:
            outline = _outline(feature, name, path.name, file_area, where, number)
        except TooMany:
            outline = None
        if outline is not None:
            outlines.append(outline)
    return outlines


def _features(document: Any, problems: Problems) -> list[Any]:
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        kind = document.get("type") if isinstance(document, dict) else None
        problems.add(
            None,
            "type",
            "expected a GeoJSON FeatureCollection"
            + (f", not {shown(str(kind))}" if kind else ""),
        )
        return []
    features = document.get("features")
    if not isinstance(features, list):
        problems.add(None, "features", "expected a list of features")
        return []
    if not features:
        problems.add(None, "features", "the file has no features")
    if len(features) > MAX_FEATURES:
        problems.add(None, "features", f"more than {MAX_FEATURES:,} features")
        return []
    return features


def _name_of(feature: Any) -> str:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    return name.strip().upper() if isinstance(name, str) else ""


def _outline(
    feature: Any,
    name: str,
    file: str,
    file_area: str | None,
    where: FeatureProblems,
    number: int,
) -> Outline | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        where.add("type", "expected a GeoJSON Feature")
        return None
    before = where.count
    if not name:
        where.add("properties.name", "no outcode given (e.g. TS18)")
    elif not OUTCODE.match(name):
        where.add(
            "properties.name",
            f"malformed outcode {shown(name)} (expected {OUTCODE.pattern}, e.g. TS18)",
        )
    area = re.sub(r"[0-9].*$", "", name)
    if file_area and name and OUTCODE.match(name) and area != file_area:
        where.add(
            "properties.name",
            f"{name} is in postcode area {area}, but the file is {file_area}'s",
        )
    polygons = _polygons(feature.get("geometry"), "geometry", where)
    if where.count > before or not polygons:
        return None
    source_points = sum(len(ring) for polygon in polygons for ring in polygon)
    if source_points > MAX_FEATURE_POINTS:
        where.add("geometry", f"more than {MAX_FEATURE_POINTS:,} points")
        return None
    return _simplified(name, area, polygons, source_points, file, number)


def _polygons(geometry: Any, field: str, where: FeatureProblems) -> Geometry:
    """The geometry's polygons (rings of (longitude, latitude)), checked."""
    if not isinstance(geometry, dict):
        where.add(field, "no geometry given")
        return []
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list) or not parts:
            where.add(f"{field}.geometries", "expected a list of polygons")
            return []
        return [
            polygon
            for j, part in enumerate(parts)
            for polygon in _polygons(part, f"{field}.geometries[{j}]", where)
        ]
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        polygon = _polygon(coordinates, f"{field}.coordinates", where)
        return [polygon] if polygon else []
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            where.add(f"{field}.coordinates", "expected a list of polygons")
            return []
        found = (
            _polygon(c, f"{field}.coordinates[{i}]", where)
            for i, c in enumerate(coordinates)
        )
        return [p for p in found if p]
    where.add(
        f"{field}.type",
        f"expected Polygon, MultiPolygon or GeometryCollection, not {shown(str(kind))}",
    )
    return []


def _polygon(coordinates: Any, field: str, where: FeatureProblems) -> list[Ring]:
    if not isinstance(coordinates, list) or not coordinates:
        where.add(field, "expected a list of rings (the outline, then any holes)")
        return []
    rings = [_ring(r, f"{field}[{i}]", where) for i, r in enumerate(coordinates)]
    return [r for r in rings if r] if all(rings) else []


def _ring(coordinates: Any, field: str, where: FeatureProblems) -> Ring:
    if not isinstance(coordinates, list):
        where.add(field, "expected a list of [longitude, latitude] positions")
        return []
    ring: Ring = []
    for i, position in enumerate(coordinates):
        point = _position(position)
        if isinstance(point, str):
            where.add(f"{field}[{i}]", point)
            return []
        ring.append(point)
    if ring and ring[0] != ring[-1]:
        where.tolerate(UNCLOSED, field)
        ring.append(ring[0])
    if len(ring) < 4:
        where.add(field, f"{len(ring)} positions: a ring needs at least 4 (closed)")
        return []
    return ring


def _position(position: Any) -> tuple[float, float] | str:
    """(longitude, latitude), or what is wrong with the position."""
    if not isinstance(position, list) or len(position) not in (2, 3):
        return f"expected [longitude, latitude], got {shown(json.dumps(position))}"
    values = position[:2]
    if not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        for v in values
    ):
        return f"expected two numbers, got {shown(json.dumps(position))}"
    longitude, latitude = float(values[0]), float(values[1])
    if not (LOW[0] <= longitude <= HIGH[0] and LOW[1] <= latitude <= HIGH[1]):
        return (
            f"[{longitude}, {latitude}] is outside the UK (longitude {LOW[0]:g} to "
            f"{HIGH[0]:g}, latitude {LOW[1]:g} to {HIGH[1]:g}; are they swapped?)"
        )
    return (longitude, latitude)


def _simplified(
    outcode: str,
    area: str,
    polygons: Geometry,
    source_points: int,
    file: str,
    number: int,
) -> Outline:
    """The outline simplified at :data:`TOLERANCE` and rounded to 5 places."""
    south = min(p[1] for polygon in polygons for p in polygon[0])
    north = max(p[1] for polygon in polygons for p in polygon[0])
    k = math.cos(math.radians((south + north) / 2))
    scaled = [[[(x * k, y) for x, y in ring] for ring in poly] for poly in polygons]
    simple = simplify_geometry(scaled, TOLERANCE, keep_outline=True)
    geometry = [
        [r for r in (_rounded(ring, k) for ring in polygon) if len(r) >= 4]
        for polygon in simple
    ]
    geometry = [polygon for polygon in geometry if polygon]
    lons = [p[0] for polygon in geometry for p in polygon[0]]
    lats = [p[1] for polygon in geometry for p in polygon[0]]
    return Outline(
        outcode=outcode,
        area=area,
        geometry=geometry,
        points=sum(len(ring) for polygon in geometry for ring in polygon),
        source_points=source_points,
        bbox=(min(lons), min(lats), max(lons), max(lats)),
        source_file=file,
        feature=number,
    )


def _rounded(ring: Ring, k: float) -> list[list[float]]:
    """The ring back in degrees, to 5 places, without repeated points."""
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x / k, PLACES), round(y, PLACES)]
        if not out or point != out[-1]:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def read_all(files: list[Path], progress: Any) -> tuple[list[Outline], Problems]:
    """Every file's outlines, and every problem (file, feature, field) with the
    tolerated quirks, under one :class:`Problems` whose items name their files."""
    everything = Problems("")
    outlines: list[Outline] = []
    seen: dict[str, Outline] = {}
    for path in progress(files, "district outline files", len(files)):
        problems = Problems(path.name)
        for outline in read_file(path, problems):
            first = seen.get(outline.outcode)
            if first is not None:
                problems.add(
                    None,
                    None,
                    f"feature {outline.feature} ({outline.outcode}), properties.name:"
                    f" {outline.outcode} is given twice (also feature {first.feature}"
                    f" of {first.source_file})",
                )
                continue
            seen[outline.outcode] = outline
            outlines.append(outline)
        everything.items += problems.items
        for rule, where in problems.tolerated.items():
            everything.tolerated.setdefault(rule, []).extend(where)
    return outlines, everything
