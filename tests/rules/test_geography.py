"""Geographic contiguity of a network's members: distances, groups, gaps."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcnhub.rules.geography import EARTH_RADIUS_KM, Place, contiguity, distance_km

#: Degrees of latitude per km along a meridian (exact on the haversine sphere).
DEGREES_PER_KM = 180 / (math.pi * EARTH_RADIUS_KM)


def north(code: str, km: float, longitude: float = -1.5) -> Place:
    """A place ``km`` north of 52°N on one meridian."""
    return Place(code, 52 + km * DEGREES_PER_KM, longitude)


# ---------------------------------------------------------------------------------
# Distance
# ---------------------------------------------------------------------------------


def test_distance_between_two_real_district_centroids() -> None:
    # TS18 (Stockton-on-Tees) and TS1 (Middlesbrough), from the CC0 centroid file
    # geography/postcode-district-centroids.csv.
    ts18 = Place("TS18", 54.56241, -1.32257)
    ts1 = Place("TS1", 54.57179, -1.23733)
    # By hand, with the haversine formula:
    #   Δφ = 0.00938° = 1.637119e-4 rad, Δλ = 0.08524° = 1.487719e-3 rad
    #   sin²(Δφ/2) = 6.70040e-9
    #   cos φ1 · cos φ2 = 0.5798158 × 0.5796824 = 0.3361091
    #   sin²(Δλ/2) = 5.533266e-7
    #   h = 6.70040e-9 + 0.3361091 × 5.533266e-7 = 1.926785e-7
    #   d = 2 R asin(√h) = 2 × 6371.0088 × asin(4.389516e-4)
    #     = 2 × 6371.0088 × 4.389516e-4 = 5.5931 km
    assert distance_km(ts18, ts1) == pytest.approx(5.5931, abs=1e-4)
    assert distance_km(ts1, ts18) == distance_km(ts18, ts1)


def test_one_degree_along_a_meridian() -> None:
    # R × π / 180 = 6371.0088 × 0.01745329 = 111.19508 km
    one_degree = distance_km(Place("a", 50, 0), Place("b", 51, 0))
    assert one_degree == pytest.approx(111.19508, abs=1e-5)


def test_same_district_is_zero_km_apart() -> None:
    assert (
        distance_km(Place("A", 54.56241, -1.32257), Place("B", 54.56241, -1.32257)) == 0
    )


# ---------------------------------------------------------------------------------
# Contiguity
# ---------------------------------------------------------------------------------


def test_no_places_and_one_place_are_contiguous() -> None:
    empty = contiguity([], 10)
    assert (empty.groups, empty.gap_km, empty.isolated, empty.connected) == (
        (),
        None,
        (),
        True,
    )
    one = contiguity([north("A81001", 0)], 10)
    assert (one.groups, one.gap_km, one.isolated, one.connected) == (
        (("A81001",),),
        None,
        (),
        True,
    )


def test_practices_in_one_district_are_contiguous_at_zero_km() -> None:
    result = contiguity([north("B", 0), north("A", 0)], 0)
    assert result.connected and result.groups == (("A", "B"),)
    assert result.isolated == ()


def test_a_chain_of_neighbours_is_contiguous() -> None:
    # 0, 6 and 12 km: the ends are 12 km apart, but each step is 6 km.
    places = [north("C", 12), north("A", 0), north("B", 6)]
    assert contiguity(places, 8).groups == (("A", "B", "C"),)
    apart = contiguity(places, 5)
    assert apart.groups == (("A",), ("B",), ("C",))
    assert apart.gap_km == pytest.approx(6)
    assert apart.isolated == (("A", 6.0), ("B", 6.0), ("C", 6.0))


def test_one_far_member() -> None:
    places = [north("P1", 0), north("P2", 3), north("P3", 4.5), north("FAR", 29.97)]
    result = contiguity(places, 10)
    assert not result.connected
    assert result.groups == (("P1", "P2", "P3"), ("FAR",))
    assert result.gap_km == pytest.approx(25.47)
    assert result.isolated == (("FAR", 25.5),)
    assert contiguity(places, 25.5).connected


def test_groups_are_ordered_largest_first_then_by_first_code() -> None:
    places = [
        north("Z1", 0),
        north("Z2", 1),
        north("B1", 50),
        north("A1", 100),
        north("M1", 150),
        north("M2", 151),
        north("M3", 152),
    ]
    result = contiguity(places, 5)
    assert result.groups == (("M1", "M2", "M3"), ("Z1", "Z2"), ("A1",), ("B1",))
    assert result.gap_km == pytest.approx(50)
    assert result.isolated == (("A1", 50.0), ("B1", 49.0))


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="given twice"):
        contiguity([north("A", 0), north("A", 1)], 10)
    with pytest.raises(ValueError, match="max_km"):
        contiguity([north("A", 0)], -1)
    with pytest.raises(ValueError, match="max_km"):
        contiguity([north("A", 0)], math.nan)


# ---------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------

# Places within about 50 km of one another, so that every threshold matters;
# coordinates on a coarse grid so that some places share a district centroid.
coordinates = st.tuples(
    st.integers(0, 400).map(lambda n: 52 + n / 1000),
    st.integers(0, 600).map(lambda n: -1.8 + n / 1000),
)
place_sets = st.dictionaries(
    st.from_regex(r"[A-Z][0-9]{5}", fullmatch=True), coordinates, max_size=12
).map(lambda found: [Place(code, *where) for code, where in found.items()])
thresholds = st.floats(0, 40, allow_nan=False)


@given(places=place_sets, max_km=thresholds, data=st.data())
def test_result_does_not_depend_on_order(
    places: list[Place], max_km: float, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(places))
    assert contiguity(shuffled, max_km) == contiguity(places, max_km)


@given(places=place_sets, max_km=thresholds)
def test_groups_partition_the_places_and_gap_joins_them(
    places: list[Place], max_km: float
) -> None:
    result = contiguity(places, max_km)
    codes = [code for group in result.groups for code in group]
    assert sorted(codes) == sorted(p.code for p in places)
    assert all(list(group) == sorted(group) for group in result.groups)
    keys = [(-len(group), group[0]) for group in result.groups]
    assert keys == sorted(keys)
    by_code = {p.code: p for p in places}
    group_of = {code: i for i, group in enumerate(result.groups) for code in group}
    for a in places:
        for b in places:
            if group_of[a.code] != group_of[b.code]:
                assert distance_km(a, b) > max_km
    assert result.connected == (result.gap_km is None)
    if result.gap_km is not None:
        assert result.gap_km > max_km
        assert contiguity(places, result.gap_km).connected
        below = math.nextafter(result.gap_km, 0)
        assert not contiguity(places, below).connected
    # A member is isolated exactly when it is alone in its group.
    alone = {g[0] for g in result.groups if len(g) == 1} if len(places) > 1 else set()
    assert {code for code, _ in result.isolated} == alone
    assert [code for code, _ in result.isolated] == sorted(alone)
    for code, nearest in result.isolated:
        others = [distance_km(by_code[code], p) for p in places if p.code != code]
        assert nearest == round(min(others), 1)
