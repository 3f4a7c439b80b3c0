"""``instalments`` (cumulative floors in whole pence, worked out once) gives
exactly what the rule's definition, :func:`instalment` for each k, gives."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pcnhub.rules.money import PENNY, instalment, instalments

#: amounts to the penny either side of zero (arrears can be negative) ...
PENCE = st.integers(min_value=-(10**12), max_value=10**12).map(lambda p: p * PENNY)
#: ... and amounts not to the penny, which take the general path
ANY = st.decimals(
    min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False
)


@given(st.one_of(PENCE, ANY), st.integers(min_value=1, max_value=12))
def test_instalments_are_the_definition_digit_for_digit(total: Decimal, n: int) -> None:
    expected = [instalment(total, k, n) for k in range(1, n + 1)]
    found = instalments(total, n)
    # str: the same value and the same exponent ('8.30', not '8.3')
    assert [str(x) for x in found] == [str(x) for x in expected]
    assert sum(found, Decimal(0)) == total or total * 100 % 1


def test_whole_pounds_keep_their_pence() -> None:
    assert [str(x) for x in instalments(Decimal("100"), 12)][:2] == ["8.33", "8.33"]
    assert [str(x) for x in instalments(Decimal("0"), 3)] == ["0.00"] * 3


def test_no_instalments_for_no_months() -> None:
    assert instalments(Decimal("10.00"), 0) == []
