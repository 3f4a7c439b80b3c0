"""The variability measures (pcnhub.rules.variability): hand-checked examples and
properties."""

from __future__ import annotations

import statistics
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcnhub.rules.registry import default_parameters
from pcnhub.rules.variability import (
    BIN_CAP,
    BIN_WIDTH,
    Band,
    NetworkSize,
    Relation,
    band_on,
    by_commissioner,
    histogram,
    network_deprivation,
    quantile,
    summarise,
    variability,
)

BAND = Band(Decimal(30000), Decimal(50000))
D = Decimal


def net(code: str, population: int, practices: int = 3, comm: str = "99Z"):
    return NetworkSize(code, comm, D(population), practices)


def test_band_from_the_contract_parameters() -> None:
    assert band_on(default_parameters(), date(2021, 1, 1)) == BAND
    # Before the first contract year: the band it was published with.
    assert band_on(default_parameters(), date(2018, 6, 1)) == BAND


def test_quantiles_by_hand() -> None:
    # n = 5, h = 4p: P10 at h=0.4 is 10 + 0.4*10; Q1 at h=1 is 20; P90 at h=3.6.
    values = [D(10), D(20), D(30), D(40), D(100)]
    s = summarise(values)
    assert (s.count, s.minimum, s.maximum) == (5, D(10), D(100))
    assert s.p10 == D("14.0")
    assert s.q1 == D(20)
    assert s.median == D(30)
    assert s.q3 == D(40)
    assert s.p90 == D("76.0")  # 40 + 0.6 * 60


def test_quantile_of_one_value_and_of_none() -> None:
    assert quantile([D(7)], D("0.9")) == D(7)
    assert summarise([]).count == 0 and summarise([]).median is None
    with pytest.raises(ValueError):
        quantile([], D("0.5"))
    with pytest.raises(ValueError):
        quantile([D(1)], D("1.5"))


populations = st.lists(st.integers(min_value=0, max_value=300_000), min_size=1)


@given(populations)
def test_quantiles_match_numpy_linear_and_statistics_inclusive(xs: list[int]) -> None:
    s = summarise(D(x) for x in xs)
    ours = [s.p10, s.q1, s.median, s.q3, s.p90]
    expected = np.quantile(np.array(xs, dtype=float), [0.1, 0.25, 0.5, 0.75, 0.9])
    for got, want in zip(ours, expected, strict=True):
        assert got is not None and float(got) == pytest.approx(want, abs=1e-6)
    if len(xs) > 1:
        # Exact: the standard library's type 7 over fractions.
        deciles = statistics.quantiles(
            [Fraction(x) for x in xs], n=10, method="inclusive"
        )
        quartiles = statistics.quantiles(
            [Fraction(x) for x in xs], n=4, method="inclusive"
        )
        exact = [deciles[0], *quartiles, deciles[8]]
        assert [Fraction(v) for v in ours if v is not None] == exact


@given(populations)
def test_summary_is_ordered_and_counts_add_up(xs: list[int]) -> None:
    s = summarise(D(x) for x in xs)
    chain = [s.minimum, s.p10, s.q1, s.median, s.q3, s.p90, s.maximum]
    assert all(a is not None and b is not None and a <= b for a, b in pairwise(chain))
    v = variability([net(f"U{i:05d}", x) for i, x in enumerate(xs)], BAND)
    assert v.below + v.within + v.above == v.networks == len(xs)
    assert sum(b.networks for b in v.histogram) == len(xs)
    assert v.within == sum(30000 <= x <= 50000 for x in xs)


def test_band_edges_are_within() -> None:
    assert BAND.relation(D(30000)) is Relation.WITHIN
    assert BAND.relation(D(50000)) is Relation.WITHIN
    assert BAND.relation(D("29999.5")) is Relation.BELOW
    assert BAND.relation(D("50000.01")) is Relation.ABOVE


def test_histogram_bins_and_band_marks() -> None:
    bins = histogram(
        [D(0), D(4999), D(5000), D(30000), D(49999), D(50000), D(250000)], BAND
    )
    assert len(bins) == int(BIN_CAP / BIN_WIDTH) + 1
    assert (bins[0].low, bins[0].high, bins[0].networks) == (D(0), D(5000), 2)
    assert bins[1].networks == 1
    assert [b.low for b in bins if b.relation is Relation.WITHIN] == [
        D(30000),
        D(35000),
        D(40000),
        D(45000),
    ]
    assert bins[6].networks == 1 and bins[9].networks == 1  # 30,000 and 49,999
    assert bins[10].networks == 1 and bins[10].relation is Relation.ABOVE  # 50,000
    assert bins[-1].high is None and bins[-1].networks == 1  # 250,000


def test_practices_per_network_and_empty_networks() -> None:
    networks = [
        net("U00001", 31000, 1),
        net("U00002", 12000, 1),
        net("U00003", 60000, 11),
        net("U00004", 45000, 4),
        net("U00005", 0, 0),  # open by its ODS dates, no members
    ]
    v = variability(networks, BAND)
    assert v.networks == 4 and v.empty_networks == 1
    assert (v.below, v.within, v.above) == (1, 2, 1)
    assert v.practices_distribution == ((1, 2), (4, 1), (11, 1))
    assert v.single_practice == 2 and v.more_than_ten == 1
    assert v.practices.median == D("2.5")
    assert v.population.minimum == D(12000)


def test_commissioner_measures_by_hand() -> None:
    networks = [
        net("U00001", 20000, comm="99Z"),
        net("U00002", 40000, comm="99Z"),
        net("U00003", 60000, comm="99Z"),
        net("U00004", 35000, comm="98Z"),
        net("U00005", 0, 0, comm="98Z"),
    ]
    rows = {r.code: r for r in by_commissioner(networks, BAND)}
    z = rows["99Z"]
    assert (z.networks, z.population, z.within_band) == (3, D(120000), 1)
    assert z.share_within == D("0.3333")
    assert z.largest_share == D("0.5000")  # 60,000 of 120,000
    assert z.largest_to_smallest == D("3.0000")
    y = rows["98Z"]
    assert (y.networks, y.share_within, y.largest_share, y.largest_to_smallest) == (
        1,
        D("1.0000"),
        D("1.0000"),
        D("1.0000"),
    )


def test_ratio_to_a_network_with_no_listed_patients_is_none() -> None:
    rows = by_commissioner(
        [net("U1", 1000), NetworkSize("U2", "99Z", D(0), 1, 1)], BAND
    )
    assert rows[0].largest_to_smallest is None
    assert rows[0].largest_share == D(1)


def test_deprivation_weighted_by_list_by_hand() -> None:
    # (10,000 * 2 + 30,000 * 6) / 40,000 = 5; Z3 has no decile, Z4 no list.
    found = network_deprivation(
        "U00001",
        ["Z1", "Z2", "Z3", "Z4"],
        {"Z1": D(10000), "Z2": D(30000), "Z3": D(5000)},
        {"Z1": 2, "Z2": 6, "Z4": 9},
    )
    assert found.weighted_decile == D("5.00")
    assert found.population_with_decile == D(40000)
    assert found.without_decile == ("Z3",)
    assert found.without_list == ("Z4",)
    assert found.practices == 4
    none = network_deprivation("U00002", ["Z3"], {"Z3": D(1)}, {})
    assert none.weighted_decile is None and none.without_decile == ("Z3",)


@given(
    st.lists(
        st.tuples(st.integers(1, 10), st.integers(1, 100_000)), min_size=1, max_size=30
    )
)
def test_weighted_decile_lies_between_the_members_deciles(
    members: list[tuple[int, int]],
) -> None:
    codes = [f"Z{i}" for i in range(len(members))]
    deciles = {c: d for c, (d, _) in zip(codes, members, strict=True)}
    lists = {c: D(n) for c, (_, n) in zip(codes, members, strict=True)}
    found = network_deprivation("U1", codes, lists, deciles)
    assert found.weighted_decile is not None
    low, high = min(deciles.values()), max(deciles.values())
    assert D(low) <= found.weighted_decile <= D(high)
    exact = Fraction(sum(d * n for d, n in members), sum(n for _, n in members))
    assert abs(Fraction(found.weighted_decile) - exact) <= Fraction(1, 200)
