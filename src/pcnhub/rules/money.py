"""Money: ``Decimal`` pounds to the penny, and the one rounding rule.

The rule, written once:

* An amount computed from a rate (rate × population, or a share of a pot) is
  rounded **half up to the penny**.
* An amount paid in *n* monthly instalments is split by **cumulative rounding
  down**: instalment *k* is ``floor(A × k / n) − floor(A × (k − 1) / n)`` (each to
  the penny). The instalments are never negative, differ by at most a penny,
  and always add up exactly to *A*.
* A sum shared out (a pot among networks, a network's income among its
  practices) uses the **largest remainder**: everyone gets their share rounded
  down to the penny, and the pennies left over go one each to the largest
  fractional remainders, ties broken by code. The shares add up exactly to the
  sum and do not depend on the order of the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")


def penny(amount: Decimal) -> Decimal:
    """Round half up to the penny."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def _floor(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_FLOOR)


def instalment(total: Decimal, k: int, n: int) -> Decimal:
    """Instalment ``k`` (1-based) of ``total`` paid in ``n`` monthly instalments."""
    if not 1 <= k <= n:
        raise ValueError(f"instalment {k} of {n} does not exist")
    return _floor(total * k / n) - _floor(total * (k - 1) / n)


def instalments(total: Decimal, n: int) -> list[Decimal]:
    """All ``n`` instalments of ``total``, by the same rule as :func:`instalment`.

    The cumulative floors are worked out once each, in whole pence: for an
    amount to the penny, ``floor(A × k / n)`` to the penny is ``P × k // n``
    pence exactly (``P`` the amount in pence), so the instalments are the
    differences of consecutive floors, with no ``Decimal`` division at all.
    """
    if n < 1:
        return []
    pence = total * 100
    if pence != pence.to_integral_value():  # not to the penny: the general rule
        return [instalment(total, k, n) for k in range(1, n + 1)]
    p = int(pence)
    floors = [p * k // n for k in range(n + 1)]
    made: dict[int, Decimal] = {}
    out = []
    for k in range(n):
        step = floors[k + 1] - floors[k]
        found = made.get(step)
        if found is None:
            found = made[step] = Decimal(step).scaleb(-2)
        out.append(found)
    return out


def largest_remainder(
    total: Decimal, weights: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Share ``total`` in proportion to ``weights``, to the penny, exactly.

    A zero total weight shares nothing (every share is zero) unless ``total`` is
    zero too; callers decide what an empty base means before calling.
    """
    whole = sum(weights.values(), Decimal(0))
    if total < 0 or any(w < 0 for w in weights.values()):
        raise ValueError("cannot share a negative amount or by a negative weight")
    if whole == 0:
        if total:
            raise ValueError(f"cannot share £{total} when every weight is zero")
        return {code: ZERO for code in weights}
    exact = {code: total * w / whole for code, w in weights.items()}
    shares = {code: _floor(x) for code, x in exact.items()}
    pennies = int((total - sum(shares.values(), ZERO)) / PENNY)
    by_remainder = sorted(exact, key=lambda c: (-(exact[c] - shares[c]), c))
    for code in by_remainder[:pennies]:
        shares[code] += PENNY
    return shares
