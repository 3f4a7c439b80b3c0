"""The rounding rule: half up to the penny, instalments, largest remainder."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcnhub.rules.money import (
    PENNY,
    ZERO,
    instalment,
    instalments,
    largest_remainder,
    penny,
)

#: Any non-negative amount to the penny, up to a billion pounds.
PENCE = st.integers(min_value=0, max_value=100_000_000_000).map(
    lambda p: Decimal(p) * PENNY
)
#: Populations: whole registered lists or Carr-Hill weighted lists to 3 places.
WEIGHTS = st.decimals(
    min_value=0, max_value=10_000_000, places=3, allow_nan=False, allow_infinity=False
)
CODES = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=6)


def pounds(text: str) -> Decimal:
    return Decimal(text)


# --- penny -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.0049999", "0.00"),
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("1.5", "1.50"),
        ("45000.0000", "45000.00"),
        ("52830.0", "52830.00"),
    ],
)
def test_penny_rounds_half_up(amount: str, rounded: str) -> None:
    result = penny(pounds(amount))
    assert result == pounds(rounded)
    assert str(result) == rounded


# --- instalments -------------------------------------------------------------


def test_instalments_of_100_pounds_over_12_months() -> None:
    parts = instalments(pounds("100.00"), 12)
    assert sum(parts) == pounds("100.00")
    assert parts[:3] == [pounds("8.33"), pounds("8.33"), pounds("8.34")]
    assert set(parts) == {pounds("8.33"), pounds("8.34")}


def test_instalments_of_a_penny() -> None:
    assert instalments(pounds("0.01"), 3) == [ZERO, ZERO, pounds("0.01")]
    assert instalments(ZERO, 12) == [ZERO] * 12


def test_one_instalment_is_the_whole() -> None:
    assert instalments(pounds("1234.56"), 1) == [pounds("1234.56")]


@pytest.mark.parametrize(("k", "n"), [(0, 12), (13, 12), (1, 0), (-1, 3)])
def test_instalment_that_does_not_exist(k: int, n: int) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        instalment(pounds("10.00"), k, n)


@given(total=PENCE, n=st.integers(min_value=1, max_value=12))
@settings(max_examples=60)
def test_instalments_sum_exactly(total: Decimal, n: int) -> None:
    parts = instalments(total, n)
    assert len(parts) == n
    assert sum(parts, ZERO) == total
    assert all(p >= 0 for p in parts)
    assert max(parts) - min(parts) <= PENNY
    assert all(p == p.quantize(PENNY) for p in parts)
    assert parts == [instalment(total, k, n) for k in range(1, n + 1)]


@given(total=PENCE, n=st.integers(min_value=1, max_value=12))
@settings(max_examples=60)
def test_instalments_so_far_never_overpay(total: Decimal, n: int) -> None:
    """After k months, at most k/n of the amount has been paid (rounding down)."""
    paid = ZERO
    for k, part in enumerate(instalments(total, n), start=1):
        paid += part
        assert paid <= total * k / n
        assert total * k / n - paid < PENNY


# --- largest remainder -------------------------------------------------------


def test_three_equal_shares_tie_broken_by_code() -> None:
    shares = largest_remainder(
        pounds("10.00"), {"B": Decimal(1), "C": Decimal(1), "A": Decimal(1)}
    )
    assert shares == {"A": pounds("3.34"), "B": pounds("3.33"), "C": pounds("3.33")}


def test_shares_in_proportion() -> None:
    shares = largest_remainder(
        pounds("100.00"), {"X": Decimal("30000"), "Y": Decimal("10000")}
    )
    assert shares == {"X": pounds("75.00"), "Y": pounds("25.00")}


def test_largest_remainder_gets_the_penny() -> None:
    # exact shares 3.3333…, 6.6666…: the larger remainder (Y) gets the penny
    shares = largest_remainder(pounds("10.00"), {"X": Decimal(1), "Y": Decimal(2)})
    assert shares == {"X": pounds("3.33"), "Y": pounds("6.67")}


def test_zero_weight_shares_nothing() -> None:
    shares = largest_remainder(
        pounds("10.00"), {"A": Decimal(1), "B": Decimal(0), "C": Decimal(2)}
    )
    assert shares["B"] == ZERO
    assert sum(shares.values()) == pounds("10.00")


def test_all_zero_weights() -> None:
    assert largest_remainder(ZERO, {"A": Decimal(0), "B": Decimal(0)}) == {
        "A": ZERO,
        "B": ZERO,
    }
    assert largest_remainder(ZERO, {}) == {}
    with pytest.raises(ValueError, match="every weight is zero"):
        largest_remainder(pounds("1.00"), {"A": Decimal(0), "B": Decimal(0)})
    with pytest.raises(ValueError, match="every weight is zero"):
        largest_remainder(pounds("1.00"), {})


def test_negative_total_or_weight() -> None:
    with pytest.raises(ValueError, match="negative"):
        largest_remainder(pounds("-1.00"), {"A": Decimal(1)})
    with pytest.raises(ValueError, match="negative"):
        largest_remainder(pounds("1.00"), {"A": Decimal(2), "B": Decimal(-1)})
    with pytest.raises(ValueError, match="negative"):
        largest_remainder(ZERO, {"A": Decimal(-1), "B": Decimal(1)})


@st.composite
def weightings(draw: st.DrawFn) -> dict[str, Decimal]:
    codes = draw(st.lists(CODES, min_size=1, max_size=12, unique=True))
    return {code: draw(WEIGHTS) for code in codes}


@given(total=PENCE, weights=weightings(), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=60)
def test_largest_remainder_properties(
    total: Decimal, weights: dict[str, Decimal], seed: int
) -> None:
    if sum(weights.values()) == 0 and total:
        with pytest.raises(ValueError, match="every weight is zero"):
            largest_remainder(total, weights)
        return
    shares = largest_remainder(total, weights)
    assert set(shares) == set(weights)
    assert sum(shares.values(), ZERO) == total
    assert all(s >= 0 and s == s.quantize(PENNY) for s in shares.values())
    whole = sum(weights.values(), Decimal(0))
    for code, share in shares.items():
        if weights[code] == 0:
            assert share == ZERO
        else:
            # never more than a penny from the exact share
            assert abs(share - total * weights[code] / whole) < PENNY
    items = list(weights.items())
    random.Random(seed).shuffle(items)
    assert largest_remainder(total, dict(items)) == shares
    assert largest_remainder(total, dict(reversed(items))) == shares


@given(total=PENCE, weights=weightings())
@settings(max_examples=60)
def test_largest_remainder_with_extra_zero_weights(
    total: Decimal, weights: dict[str, Decimal]
) -> None:
    """Adding a member with no population changes nobody's share."""
    if sum(weights.values()) == 0:
        return
    shares = largest_remainder(total, weights)
    more = largest_remainder(total, {**weights, "~ZERO": Decimal(0)})
    assert more.pop("~ZERO") == ZERO
    assert more == shares
