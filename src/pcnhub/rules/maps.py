"""Map geometry for the offline maps: pure Python (no Django), drawn as SVG.

Everything here works on plain coordinates; :mod:`pcnhub.geography` supplies the
postcode-district outlines and the practices' centroids from the database.

Projection
    Equirectangular with the longitude scaled by the cosine of the map's mean
    latitude (:class:`Projection`): ``x = (lon - west) * cos(mid-latitude)``,
    ``y = north - lat``, both times one scale that makes the map ``width`` page
    units wide. Over the few tens of kilometres of a network or a commissioner
    the distortion against the Ordnance Survey's National Grid is well under
    1 %; over the whole of England (about 6 degrees of latitude) shapes are
    still recognisable, a few per cent wide in the far north and narrow in the
    south. A map is a picture of where practices are, not a survey: the
    practices themselves are placed at their postcode district's centroid,
    typically a few kilometres from the surgery.

Simplification
    Douglas–Peucker (:func:`simplify_indices`) on projected points: a point is
    dropped when the line between its neighbours that are kept passes within
    ``tolerance`` of it. Rings that collapse below a triangle are dropped
    (islands smaller than the tolerance), except where the caller asks to keep
    an outline whatever its size.

Clipping
    Sutherland–Hodgman against the map's rectangle (:func:`clip_ring`), so a
    large district beside a small network costs only the part that is shown.

Markers
    Networks are told apart by colour *and* shape (:func:`style_for`): the eight
    Okabe–Ito colours are safe for the common colour-vision deficiencies, and
    each colour is paired with a different shape, so no two of the first
    :data:`DISTINCT_STYLES` networks look alike even in greyscale. Practices
    sharing a centroid are spread on a small circle around it (:func:`spread`),
    so that each can be seen and counted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "DISTINCT_STYLES",
    "NO_NETWORK_STYLE",
    "PALETTE",
    "SHAPES",
    "BBox",
    "Geometry",
    "MarkerStyle",
    "Point",
    "Projection",
    "Ring",
    "clip_geometry",
    "clip_ring",
    "closed_ring",
    "geometry_path",
    "marker_path",
    "polygon_area",
    "ring_path",
    "simplify_geometry",
    "simplify_indices",
    "simplify_ring",
    "spread",
    "style_for",
]

Point = tuple[float, float]
Ring = list[Point]
#: Polygons, each an outer ring followed by its holes.
Geometry = list[list[Ring]]
K = TypeVar("K")

#: Okabe & Ito's colour-blind-safe palette ("Color Universal Design", 2008),
#: without its black, which marks practices in no network. Each marker also has
#: a dark outline, so the light colours stand out from the map (WCAG 1.4.11).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
)
SHAPES: tuple[str, ...] = (
    "circle",
    "square",
    "triangle",
    "diamond",
    "triangle-down",
    "pentagon",
    "star",
    "hexagon",
)
#: Colours and shapes have coprime counts (7 and 8), so the index's remainders
#: by each are unique up to their product, 56 (the Chinese remainder theorem):
#: the most networks under one commissioner in the May 2022 files is 47.
DISTINCT_STYLES = len(PALETTE) * len(SHAPES)
OUTLINE_COLOUR = "#212b32"
#: A map's height over its width: from a landscape 2:3 to a portrait 5:4.
ASPECT = (2 / 3, 5 / 4)
#: The least span (degrees of latitude, about 1 km) a map shows.
MINIMUM_SPAN = 0.01


@dataclass(frozen=True)
class MarkerStyle:
    colour: str
    shape: str


#: Practices in no network: a white cross on the dark outline colour.
NO_NETWORK_STYLE = MarkerStyle("#ffffff", "cross")


def style_for(index: int) -> MarkerStyle:
    """The ``index``-th network's marker: colour and shape both change from one
    network to the next; unique for the first :data:`DISTINCT_STYLES`."""
    if index < 0:
        raise ValueError(f"a style index is 0 or more, not {index}")
    return MarkerStyle(PALETTE[index % len(PALETTE)], SHAPES[index % len(SHAPES)])


# --- boxes and the projection ------------------------------------------------------


@dataclass(frozen=True)
class BBox:
    """A rectangle: x (or longitude) from ``min_x`` to ``max_x``, y (or latitude)
    from ``min_y`` to ``max_y``."""

    min_x: float
    min_y: float
    max_x: float
    max_y: float

    @classmethod
    def of_points(cls, points: Iterable[Point]) -> BBox:
        xs: list[float] = []
        ys: list[float] = []
        for x, y in points:
            xs.append(x)
            ys.append(y)
        if not xs:
            raise ValueError("a bounding box needs at least one point")
        return cls(min(xs), min(ys), max(xs), max(ys))

    @classmethod
    def of_geometry(cls, geometry: Geometry) -> BBox:
        return cls.of_points(p for polygon in geometry for p in polygon[0])

    def union(self, other: BBox) -> BBox:
        return BBox(
            min(self.min_x, other.min_x),
            min(self.min_y, other.min_y),
            max(self.max_x, other.max_x),
            max(self.max_y, other.max_y),
        )

    def padded(self, fraction: float, minimum: float = 0.0) -> BBox:
        """Wider by ``fraction`` of its size on every side (and by at least
        ``minimum``), so that what lies at its edge is not drawn on the frame."""
        dx = max((self.max_x - self.min_x) * fraction, minimum)
        dy = max((self.max_y - self.min_y) * fraction, minimum)
        return BBox(self.min_x - dx, self.min_y - dy, self.max_x + dx, self.max_y + dy)

    def intersects(self, other: BBox) -> bool:
        return not (
            other.min_x > self.max_x
            or other.max_x < self.min_x
            or other.min_y > self.max_y
            or other.max_y < self.min_y
        )

    def contains(self, point: Point) -> bool:
        x, y = point
        return self.min_x <= x <= self.max_x and self.min_y <= y <= self.max_y


@dataclass(frozen=True)
class Projection:
    """Longitude and latitude to page units (x right, y down), fitted to a box.

    ``k`` is the cosine of the box's mean latitude (east–west degrees are that
    much shorter than north–south ones there); ``scale`` page units per degree
    of latitude.
    """

    west: float
    north: float
    k: float
    scale: float
    width: float
    height: float

    @classmethod
    def fit(cls, box: BBox, width: float = 1000.0) -> Projection:
        """The projection drawing ``box`` (longitude, latitude) ``width`` wide,
        centred; a box taller or flatter than :data:`ASPECT` allows is widened
        in the other direction, so that a map never becomes a strip."""
        if width <= 0:
            raise ValueError("a map is more than 0 wide")
        k = math.cos(math.radians((box.min_y + box.max_y) / 2))
        # A box of one point (one practice, no outline) still needs a size.
        span_x = max((box.max_x - box.min_x) * k, MINIMUM_SPAN)
        span_y = max(box.max_y - box.min_y, MINIMUM_SPAN)
        flattest, tallest = ASPECT
        span_x = max(span_x, span_y / tallest)
        span_y = max(span_y, span_x * flattest)
        scale = width / span_x
        centre_x = (box.min_x + box.max_x) / 2
        centre_y = (box.min_y + box.max_y) / 2
        return cls(
            west=centre_x - span_x / k / 2,
            north=centre_y + span_y / 2,
            k=k,
            scale=scale,
            width=width,
            height=span_y * scale,
        )

    def project(self, longitude: float, latitude: float) -> Point:
        return (
            (longitude - self.west) * self.k * self.scale,
            (self.north - latitude) * self.scale,
        )

    def project_geometry(self, geometry: Geometry) -> Geometry:
        return [
            [[self.project(lon, lat) for lon, lat in ring] for ring in polygon]
            for polygon in geometry
        ]

    @property
    def page(self) -> BBox:
        """The page's rectangle, in page units."""
        return BBox(0.0, 0.0, self.width, self.height)

    @property
    def view_box(self) -> str:
        return f"0 0 {_number(self.width, 0)} {_number(self.height, 0)}"

    def degrees(self, page_units: float) -> float:
        """How many degrees of latitude ``page_units`` stand for."""
        return page_units / self.scale


# --- simplification ------------------------------------------------------------------


def simplify_indices(points: Sequence[Point], tolerance: float) -> list[int]:
    """The indices (in order) of the points Douglas–Peucker keeps: always the
    first and the last. Iterative, so a ring of 100,000 points does not reach
    Python's recursion limit."""
    n = len(points)
    if n <= 2 or tolerance <= 0:
        return list(range(n))
    keep = [False] * n
    keep[0] = keep[n - 1] = True
    limit = tolerance * tolerance
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        index = _farthest(points, first, last, limit)
        if index >= 0:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [i for i in range(n) if keep[i]]


def _farthest(points: Sequence[Point], first: int, last: int, limit: float) -> int:
    """The point between ``first`` and ``last`` farthest from the segment joining
    them, if its squared distance is over ``limit``; else -1. Inlined (squared
    distances, no calls): this loop is most of an import's time."""
    ax, ay = points[first]
    bx, by = points[last]
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    worst, index = limit, -1
    for i in range(first + 1, last):
        px, py = points[i]
        ex, ey = px - ax, py - ay
        if length > 0.0:
            t = (ex * dx + ey * dy) / length
            if t > 1.0:
                ex, ey = px - bx, py - by
            elif t > 0.0:
                ex, ey = ex - t * dx, ey - t * dy
        d = ex * ex + ey * ey
        if d > worst:
            worst, index = d, i
    return index


def closed_ring(ring: Sequence[Point]) -> Ring:
    points = list(ring)
    if points and points[0] != points[-1]:
        points.append(points[0])
    return points


def simplify_ring(ring: Sequence[Point], tolerance: float) -> Ring | None:
    """The closed ring simplified, or None when it collapses to less than a
    triangle (smaller than the tolerance).

    A closed ring's first and last points are the same, so Douglas–Peucker would
    measure everything from one point; the ring is split at its point farthest
    from the start, and each half simplified.
    """
    points = closed_ring(ring)
    if len(points) < 4:
        return None
    start = points[0]
    far = max(
        range(len(points)),
        key=lambda i: math.hypot(points[i][0] - start[0], points[i][1] - start[1]),
    )
    first = [points[i] for i in simplify_indices(points[: far + 1], tolerance)]
    second = [points[far + i] for i in simplify_indices(points[far:], tolerance)]
    simplified = first + second[1:]
    if len(simplified) < 4 or abs(polygon_area(simplified)) <= tolerance**2:
        return None
    return simplified


def simplify_geometry(
    geometry: Geometry, tolerance: float, keep_outline: bool = False
) -> Geometry:
    """Every polygon's rings simplified; rings that collapse are dropped, and a
    polygon whose outer ring collapses with them. With ``keep_outline`` a
    polygon whose outer ring would collapse keeps it as given (an import keeps
    every district, however small, for a map drawn at any scale)."""
    out: Geometry = []
    for polygon in geometry:
        outer = simplify_ring(polygon[0], tolerance)
        if outer is None:
            if not keep_outline:
                continue
            outer = closed_ring(polygon[0])
        holes = [h for h in (simplify_ring(r, tolerance) for r in polygon[1:]) if h]
        out.append([outer, *holes])
    return out


def polygon_area(ring: Sequence[Point]) -> float:
    """The ring's signed area (shoelace; positive when anticlockwise in x-right,
    y-up coordinates)."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2


# --- clipping ------------------------------------------------------------------------


def _clip_edge(points: Ring, inside: tuple[int, float, bool]) -> Ring:
    """The part of the polygon on one side of a line of the box: ``inside`` is
    (axis, value, whether the side above the value is kept)."""
    axis, value, above = inside
    if not points:
        return points

    def keeps(p: Point) -> bool:
        return p[axis] >= value if above else p[axis] <= value

    def crossing(a: Point, b: Point) -> Point:
        t = (value - a[axis]) / (b[axis] - a[axis])
        x = a[0] + t * (b[0] - a[0])
        y = a[1] + t * (b[1] - a[1])
        return (value, y) if axis == 0 else (x, value)

    out: Ring = []
    previous = points[-1]
    for current in points:
        if keeps(current):
            if not keeps(previous):
                out.append(crossing(previous, current))
            out.append(current)
        elif keeps(previous):
            out.append(crossing(previous, current))
        previous = current
    return out


def clip_ring(ring: Sequence[Point], box: BBox) -> Ring | None:
    """The part of the ring inside ``box`` (Sutherland–Hodgman), closed; None if
    none of it is. A concave ring clipped in two may be joined along the box's
    edge, which the map's frame hides."""
    points = list(ring)
    if points and points[0] == points[-1]:
        points = points[:-1]
    for edge in (
        (0, box.min_x, True),
        (0, box.max_x, False),
        (1, box.min_y, True),
        (1, box.max_y, False),
    ):
        points = _clip_edge(points, edge)
    if len(points) < 3:
        return None
    return closed_ring(points)


def clip_geometry(geometry: Geometry, box: BBox) -> Geometry:
    out: Geometry = []
    for polygon in geometry:
        outer = clip_ring(polygon[0], box)
        if outer is None:
            continue
        holes = [h for h in (clip_ring(r, box) for r in polygon[1:]) if h]
        out.append([outer, *holes])
    return out


# --- SVG -----------------------------------------------------------------------------


def _number(value: float, places: int) -> str:
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def ring_path(ring: Sequence[Point], places: int = 1) -> str:
    """SVG path data for one closed ring: ``M x y L x y … Z``, to ``places``
    decimals, repeated points (after rounding) left out."""
    parts: list[str] = []
    last = ""
    body = list(ring)
    if len(body) > 1 and body[0] == body[-1]:
        body = body[:-1]
    for x, y in body:
        pair = f"{_number(x, places)} {_number(y, places)}"
        if pair != last:
            parts.append(pair)
            last = pair
    if len(parts) < 3:
        return ""
    return "M" + parts[0] + "L" + " ".join(parts[1:]) + "Z"


def geometry_path(geometry: Geometry, places: int = 1) -> str:
    """One path's data for every ring of every polygon (holes drawn as holes
    with ``fill-rule="evenodd"``)."""
    return "".join(ring_path(r, places) for polygon in geometry for r in polygon)


def marker_path(shape: str, x: float, y: float, size: float) -> str:
    """SVG path data for a marker of ``shape`` centred on (x, y), about ``size``
    across (shapes of equal area look equally heavy, so each is scaled)."""
    r = size / 2
    if shape == "circle":
        return (
            f"M{_number(x - r, 1)} {_number(y, 1)}"
            f"a{_number(r, 2)} {_number(r, 2)} 0 1 0 {_number(2 * r, 2)} 0"
            f"a{_number(r, 2)} {_number(r, 2)} 0 1 0 {_number(-2 * r, 2)} 0Z"
        )
    if shape == "cross":
        w = r * 0.4
        arms = [
            (-w, -r),
            (w, -r),
            (w, -w),
            (r, -w),
            (r, w),
            (w, w),
            (w, r),
            (-w, r),
            (-w, w),
            (-r, w),
            (-r, -w),
            (-w, -w),
        ]
        return ring_path([(x + dx, y + dy) for dx, dy in arms], 2)
    corners = _corners(shape, r)
    return ring_path([(x + dx, y + dy) for dx, dy in corners], 2)


def _corners(shape: str, r: float) -> list[Point]:
    if shape == "square":
        s = r * 0.89
        return [(-s, -s), (s, -s), (s, s), (-s, s)]
    if shape in ("triangle", "triangle-down"):
        s = r * 1.25
        sign = 1 if shape == "triangle" else -1
        return [
            (0.0, -sign * s),
            (s * 0.866, sign * s * 0.5),
            (-s * 0.866, sign * s * 0.5),
        ]
    if shape == "diamond":
        s = r * 1.2
        return [(0.0, -s), (s, 0.0), (0.0, s), (-s, 0.0)]
    if shape == "pentagon":
        return _regular(5, r * 1.08)
    if shape == "hexagon":
        return _regular(6, r * 1.02, turn=0.5)
    if shape == "star":
        outer, inner = r * 1.35, r * 0.6
        return [
            (
                (outer if i % 2 == 0 else inner) * math.sin(math.pi * i / 5),
                -(outer if i % 2 == 0 else inner) * math.cos(math.pi * i / 5),
            )
            for i in range(10)
        ]
    raise ValueError(f"no marker shape {shape!r} (known: {', '.join(SHAPES)}, cross)")


def _regular(n: int, radius: float, turn: float = 0.0) -> list[Point]:
    """A regular ``n``-gon, a corner at the top (or ``turn`` of a side along)."""
    return [
        (
            radius * math.sin(2 * math.pi * (i + turn) / n),
            -radius * math.cos(2 * math.pi * (i + turn) / n),
        )
        for i in range(n)
    ]


def spread(points: Sequence[tuple[K, Point]], gap: float) -> dict[K, Point]:
    """Each key's point; keys sharing a point are moved onto a circle around it,
    in the order given, the first at the top, neighbours ``gap`` apart (the
    circle grows with their number), so that every marker shows. A point on its
    own stays where it is."""
    groups: dict[Point, list[K]] = {}
    for key, point in points:
        groups.setdefault(point, []).append(key)
    out: dict[K, Point] = {}
    for (x, y), keys in groups.items():
        n = len(keys)
        if n == 1:
            out[keys[0]] = (x, y)
            continue
        # The chord between neighbours on a circle of radius r is 2r sin(pi/n).
        radius = gap / (2 * math.sin(math.pi / n))
        for i, key in enumerate(keys):
            angle = 2 * math.pi * i / n
            out[key] = (x + radius * math.sin(angle), y - radius * math.cos(angle))
    return out
