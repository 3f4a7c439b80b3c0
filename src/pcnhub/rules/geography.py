"""Is a network geographically contiguous? Distances between member practices.

The Network Contract DES expects a network's member practices to serve a
contiguous area. pcnhub checks this as a *warning* for a person to look at, not a
rule it enforces: each practice is placed at its postcode district's centroid
(typically within a few kilometres of the surgery), two members are neighbours
when they are at most ``max_km`` apart, and a network is contiguous when every
member can be reached from every other through neighbours.

Choosing ``max_km``: on the real May 2022 ePCN memberships (1,260 networks),
10 km flags 213 networks (17 %), 15 km 92 (7 %), 20 km 27 (2.1 %), 25 km 9 and
30 km 2; about 20 km flags the few outliers worth a person's look.

Pure Python (no Django): the register supplies the places
(``pcnhub.register.queries.practice_places``). Results do not depend on the order
in which the places are given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["EARTH_RADIUS_KM", "Contiguity", "Place", "contiguity", "distance_km"]

#: The mean Earth radius (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Place:
    """Where a member practice is taken to be (its postcode district's centroid)."""

    code: str  # practice ODS code
    latitude: float  # degrees north
    longitude: float  # degrees east (negative west of Greenwich)


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance by the haversine formula, in kilometres.

    Exactly symmetric (``distance_km(a, b) == distance_km(b, a)``), and 0 for two
    places with the same coordinates (two practices in one postcode district).
    """
    # Take the two points in a fixed order so that floating-point rounding is the
    # same whichever way round they are given.
    first, second = sorted(((a.latitude, a.longitude), (b.latitude, b.longitude)))
    lat1, lon1 = map(math.radians, first)
    lat2, lon2 = map(math.radians, second)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Contiguity:
    """How a set of places hangs together at a given neighbour distance.

    * ``groups``: the connected parts (members linked through neighbours at most
      ``max_km`` apart); each group's codes sorted, the groups largest first, then
      by first code. One group (or none, for no places) means contiguous.
    * ``gap_km``: when there is more than one group, the smallest neighbour
      distance that would join them all (the longest edge of the minimum spanning
      tree), so a threshold of ``gap_km`` or more makes the set contiguous. None
      when already contiguous.
    * ``isolated``: members whose nearest other member is farther than ``max_km``,
      as ``(code, nearest_km rounded to 0.1)``, sorted by code.
    """

    groups: tuple[tuple[str, ...], ...]
    gap_km: float | None
    isolated: tuple[tuple[str, float], ...]

    @property
    def connected(self) -> bool:
        return len(self.groups) <= 1


def contiguity(places: Sequence[Place], max_km: float) -> Contiguity:
    """Group ``places`` into parts whose members are linked by steps <= ``max_km``.

    Codes must be unique. Raises :class:`ValueError` for a repeated code or a
    negative or non-finite ``max_km``.
    """
    if not math.isfinite(max_km) or max_km < 0:
        raise ValueError(f"max_km must be a finite distance >= 0, got {max_km!r}")
    ordered = sorted(places, key=lambda p: p.code)
    codes = [p.code for p in ordered]
    for before, after in zip(codes, codes[1:], strict=False):
        if before == after:
            raise ValueError(f"practice {after!r} is given twice")
    n = len(ordered)
    if n < 2:
        return Contiguity(tuple((code,) for code in codes), None, ())

    distance = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            distance[i][j] = distance[j][i] = distance_km(ordered[i], ordered[j])

    # Connected parts of the neighbour graph (union-find).
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if distance[i][j] <= max_km:
                parent[root(i)] = root(j)
    parts: dict[int, list[str]] = {}
    for i in range(n):
        parts.setdefault(root(i), []).append(codes[i])
    groups = tuple(
        sorted(
            (tuple(sorted(members)) for members in parts.values()),
            key=lambda group: (-len(group), group[0]),
        )
    )

    gap = _longest_spanning_edge(distance) if len(groups) > 1 else None

    isolated = tuple(
        (codes[i], round(nearest, 1))
        for i in range(n)
        if (nearest := min(distance[i][j] for j in range(n) if j != i)) > max_km
    )
    return Contiguity(groups, gap, isolated)


def _longest_spanning_edge(distance: list[list[float]]) -> float:
    """The longest edge of a minimum spanning tree (Prim's algorithm).

    Every minimum spanning tree has the same longest edge: the least distance at
    which the whole set is connected.
    """
    n = len(distance)
    in_tree = [False] * n
    best = [math.inf] * n
    best[0] = 0.0
    longest = 0.0
    for _ in range(n):
        i = min((k for k in range(n) if not in_tree[k]), key=lambda k: best[k])
        in_tree[i] = True
        longest = max(longest, best[i])
        for k in range(n):
            if not in_tree[k] and distance[i][k] < best[k]:
                best[k] = distance[i][k]
    return longest
