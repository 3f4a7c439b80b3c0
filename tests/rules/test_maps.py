"""The maps' pure geometry: projection, boxes, simplification, clipping, SVG."""

from __future__ import annotations

import math
import re

import pytest

from pcnhub.rules.maps import (
    DISTINCT_STYLES,
    NO_NETWORK_STYLE,
    PALETTE,
    SHAPES,
    BBox,
    Projection,
    clip_geometry,
    clip_ring,
    geometry_path,
    marker_path,
    polygon_area,
    ring_path,
    simplify_geometry,
    simplify_indices,
    simplify_ring,
    spread,
    style_for,
)
from pcnhub.rules.voronoi import clip_to_convex, voronoi_cells

SQUARE = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]


def test_projection_scales_longitude_by_the_cosine_of_the_mean_latitude() -> None:
    box = BBox(-2.0, 52.0, -1.0, 53.0)
    p = Projection.fit(box, 600)
    k = math.cos(math.radians(52.5))
    assert p.k == pytest.approx(k)
    # One degree of latitude and cos(52.5) degrees of longitude are as long.
    x0, y0 = p.project(-1.5, 52.5)
    x1, _ = p.project(-1.5 + 1 / k * 0.1, 52.5)
    _, y1 = p.project(-1.5, 52.6)
    assert x1 - x0 == pytest.approx(y0 - y1)
    # North is up, and the box fits the page.
    assert p.project(-1.5, 53.0)[1] < p.project(-1.5, 52.0)[1]
    for lon, lat in ((-2.0, 52.0), (-1.0, 53.0)):
        x, y = p.project(lon, lat)
        assert -1e-9 <= x <= p.width + 1e-9 and -1e-9 <= y <= p.height + 1e-9
    assert p.view_box == f"0 0 600 {round(p.height)}"


def test_a_strip_is_widened_and_a_point_still_has_a_size() -> None:
    tall = Projection.fit(BBox(-1.0, 50.0, -0.999, 53.0), 600)
    assert tall.height == pytest.approx(600 * 5 / 4)
    flat = Projection.fit(BBox(-5.0, 52.0, 1.0, 52.001), 600)
    assert flat.height == pytest.approx(600 * 2 / 3)
    point = Projection.fit(BBox(-1.5, 52.5, -1.5, 52.5), 600)
    assert point.project(-1.5, 52.5) == pytest.approx((300, point.height / 2))


def test_boxes() -> None:
    box = BBox.of_points([(1, 2), (3, -1), (0, 5)])
    assert box == BBox(0, -1, 3, 5)
    assert box.union(BBox(-1, 0, 1, 9)) == BBox(-1, -1, 3, 9)
    assert box.padded(0.5) == BBox(-1.5, -4, 4.5, 8)
    assert BBox(0, 0, 0, 0).padded(0.1, 2) == BBox(-2, -2, 2, 2)
    assert box.intersects(BBox(2, 4, 9, 9)) and not box.intersects(BBox(4, 0, 5, 1))
    assert box.contains((1, 1)) and not box.contains((4, 1))
    with pytest.raises(ValueError):
        BBox.of_points([])


def test_douglas_peucker_drops_points_within_the_tolerance() -> None:
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 5.0), (4.0, 0.0)]
    # (2, -0.1) is kept: it is 1.8 from the line from the start to the spike.
    assert simplify_indices(line, 0.5) == [0, 2, 3, 4]
    flat = [(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 0.05), (4.0, 0.0)]
    assert simplify_indices(flat, 0.5) == [0, 4]
    assert simplify_indices(line, 0.05) == [0, 1, 2, 3, 4]
    assert simplify_indices(line, 10) == [0, 4]
    assert simplify_indices(line[:2], 1) == [0, 1]


def test_a_long_ring_does_not_recurse() -> None:
    ring = [
        (math.cos(2 * math.pi * i / 50_000), math.sin(2 * math.pi * i / 50_000))
        for i in range(50_000)
    ]
    simple = simplify_ring(ring, 0.001)
    assert simple is not None and 20 < len(simple) < 500
    assert simple[0] == simple[-1]
    # Every dropped point lies within the tolerance of the simplified outline.
    assert polygon_area(simple) == pytest.approx(math.pi, rel=0.01)


def test_a_ring_smaller_than_the_tolerance_collapses() -> None:
    tiny = [(0, 0), (0.1, 0), (0.1, 0.1), (0, 0.1), (0, 0)]
    assert simplify_ring(tiny, 1.0) is None
    island = [[tiny]]
    assert simplify_geometry(island, 1.0) == []
    assert simplify_geometry(island, 1.0, keep_outline=True) == [[tiny]]
    hole = [(4.0, 4.0), (4.2, 4.0), (4.2, 4.2), (4.0, 4.0)]
    assert simplify_geometry([[SQUARE, hole]], 1.0) == [[SQUARE]]


def test_clipping_to_a_box() -> None:
    clipped = clip_ring(SQUARE, BBox(5, 5, 20, 20))
    assert clipped is not None
    assert sorted(set(clipped)) == [(5, 5), (5, 10), (10, 5), (10, 10)]
    assert clip_ring(SQUARE, BBox(20, 20, 30, 30)) is None
    assert clip_geometry([[SQUARE]], BBox(-5, -5, 50, 50)) == [[SQUARE]]


def test_clipping_to_a_convex_polygon_in_either_order() -> None:
    triangle = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)]
    for corners in (triangle, triangle[::-1]):
        clipped = clip_to_convex(SQUARE, corners)
        assert clipped is not None
        assert abs(polygon_area(clipped)) == pytest.approx(50)


def test_voronoi_cells_share_out_the_box() -> None:
    sites = [(2.0, 2.0), (8.0, 2.0), (5.0, 8.0)]
    box = BBox(0, 0, 10, 10)
    cells = voronoi_cells(sites, box)
    assert sum(abs(polygon_area(c)) for c in cells) == pytest.approx(100)
    # Each site is inside its own cell: its cell is nearest it.
    for (sx, sy), cell in zip(sites, cells, strict=True):
        xs = [p[0] for p in cell]
        ys = [p[1] for p in cell]
        assert min(xs) <= sx <= max(xs) and min(ys) <= sy <= max(ys)


def test_svg_path_data() -> None:
    assert ring_path(SQUARE) == "M0 0L10 0 10 10 0 10Z"
    assert ring_path([(0.04, 0.0), (0.01, 0.0), (5.0, 5.0), (0, 5)]) == (
        "M0 0L5 5 0 5Z"
    )
    assert ring_path([(0, 0), (1, 1)]) == ""
    hole = [(2, 2), (4, 2), (4, 4), (2, 2)]
    assert geometry_path([[SQUARE, hole]]) == "M0 0L10 0 10 10 0 10ZM2 2L4 2 4 4Z"
    assert re.fullmatch(r"[MLZa0-9 .\-]+", geometry_path([[SQUARE]]))


def test_every_marker_shape_is_drawn_about_its_centre() -> None:
    for shape in (*SHAPES, "cross"):
        path = marker_path(shape, 50, 50, 10)
        numbers = [float(n) for n in re.findall(r"-?[0-9.]+", path)]
        assert path.startswith("M") and path.endswith("Z"), shape
        if shape != "circle":
            assert all(42 <= n <= 58 for n in numbers), shape
    with pytest.raises(ValueError):
        marker_path("heart", 0, 0, 10)


def test_styles_differ_in_colour_and_shape() -> None:
    styles = [style_for(i) for i in range(DISTINCT_STYLES)]
    assert len(set(styles)) == DISTINCT_STYLES == len(PALETTE) * len(SHAPES)
    for a, b in zip(styles, styles[1:], strict=False):
        assert a.colour != b.colour and a.shape != b.shape
    assert NO_NETWORK_STYLE not in styles
    with pytest.raises(ValueError):
        style_for(-1)


def test_markers_sharing_a_point_are_spread_gap_apart() -> None:
    points = [("a", (10.0, 10.0)), ("b", (10.0, 10.0)), ("c", (10.0, 10.0))]
    points.append(("d", (50.0, 50.0)))
    where = spread(points, 6.0)
    assert where["d"] == (50.0, 50.0)
    assert where["a"][0] == pytest.approx(10) and where["a"][1] < 10
    ab = math.dist(where["a"], where["b"])
    assert ab == pytest.approx(6.0)
    assert math.dist(where["b"], where["c"]) == pytest.approx(6.0)
