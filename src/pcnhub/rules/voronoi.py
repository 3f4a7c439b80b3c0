"""Outlines from points: Voronoi cells clipped to a convex outline, for the
demo's invented postcode districts (:mod:`pcnhub.geography.demo`). Pure Python,
beside :mod:`pcnhub.rules.maps`, whose points, rings and boxes it uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pcnhub.rules.maps import BBox, Point, Ring, closed_ring, polygon_area


def voronoi_cells(sites: Sequence[Point], box: BBox) -> list[Ring]:
    """Each site's Voronoi cell (the points nearer it than any other site) inside
    ``box``, as a closed ring, by clipping the box with the half-plane of every
    other site: quadratic, for the handful of districts of an invented area."""
    cells: list[Ring] = []
    frame: Ring = [
        (box.min_x, box.min_y),
        (box.max_x, box.min_y),
        (box.max_x, box.max_y),
        (box.min_x, box.max_y),
    ]
    for i, (sx, sy) in enumerate(sites):
        cell = list(frame)
        for j, (ox, oy) in enumerate(sites):
            if i == j or (ox, oy) == (sx, sy):
                continue
            cell = _half_plane(cell, (sx, sy), (ox, oy))
            if not cell:
                break
        cells.append(closed_ring(cell))
    return cells


def clip_to_convex(ring: Sequence[Point], convex: Sequence[Point]) -> Ring | None:
    """The part of ``ring`` inside the convex polygon ``convex`` (its corners
    in either order), closed; None if none of it is."""
    corners = list(convex)
    if corners and corners[0] == corners[-1]:
        corners = corners[:-1]
    if len(corners) < 3:
        raise ValueError("a convex polygon has at least 3 corners")
    if polygon_area(corners) < 0:
        corners.reverse()
    points = list(ring)
    if points and points[0] == points[-1]:
        points = points[:-1]
    for a, b in zip(corners, [*corners[1:], corners[0]], strict=True):
        if not points:
            return None
        points = _left_of(points, a, b)
    return closed_ring(points) if len(points) >= 3 else None


def _left_of(points: Ring, a: Point, b: Point) -> Ring:
    """The part of the polygon to the left of the line from ``a`` to ``b``."""
    (ax, ay), (bx, by) = a, b

    def side(p: Point) -> float:
        return -((bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax))  # <= 0: left

    return _keep_side(points, side)


def _half_plane(points: Ring, site: Point, other: Point) -> Ring:
    """The part of the polygon nearer ``site`` than ``other``."""
    (sx, sy), (ox, oy) = site, other
    nx, ny = ox - sx, oy - sy
    limit = (ox * ox + oy * oy - sx * sx - sy * sy) / 2

    def side(p: Point) -> float:
        return p[0] * nx + p[1] * ny - limit  # <= 0: nearer the site

    return _keep_side(points, side)


def _keep_side(points: Ring, side: Callable[[Point], float]) -> Ring:
    """The part of the polygon where ``side`` is 0 or less (one clipping step)."""
    if not points:
        return []
    out: Ring = []
    previous = points[-1]
    for current in points:
        a, b = side(previous), side(current)
        if b <= 0:
            if a > 0:
                out.append(_between(previous, current, a, b))
            out.append(current)
        elif a <= 0:
            out.append(_between(previous, current, a, b))
        previous = current
    return out


def _between(p: Point, q: Point, a: float, b: float) -> Point:
    t = a / (a - b)
    return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
