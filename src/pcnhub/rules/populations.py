"""The populations an entitlement is worked out on: a member set's total on a
basis (registered, weighted, adjusted), the ARRS role sets, and how a rate
given per year scales to a payable period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from pcnhub.rules.params import Value
from pcnhub.rules.snapshot import Practice
from pcnhub.rules.trace import Population, number

_BASES: dict[str, Callable[[Practice], Decimal | None]] = {
    "registered": lambda p: p.registered,
    "weighted": lambda p: p.weighted,
    "adjusted": lambda p: p.adjusted_or_weighted,
}


def population(members: Sequence[Practice], basis: str) -> Population:
    """The members' total on ``basis``, naming any member with no figure."""
    read = _BASES[basis]
    found = [(p.code, read(p)) for p in members]
    parts = tuple(sorted((code, v or Decimal(0)) for code, v in found))
    missing = sorted(code for code, v in found if v is None)
    notes = []
    if missing:
        notes.append(f"no {basis} list for {', '.join(missing)} (counted as 0)")
    if basis == "adjusted" and any(p.adjusted is None for p in members):
        notes.append("weighted list used for the adjusted population (not published)")
    total = sum((v for _, v in parts), Decimal(0))
    return Population(basis, total, parts, "; ".join(notes))


def _role_sets(members: Sequence[Practice], threshold: Value | None) -> Population:
    registered = population(members, "registered")
    if threshold is None:
        note = "one role set: no large-network threshold in force"
        return Population("role sets", Decimal(1), (), note)
    large = registered.total >= threshold.value
    note = (
        f"registered {number(registered.total)} {'≥' if large else '<'} "
        f"{threshold.value:,}"
    )
    return Population("role sets", Decimal(2 if large else 1), (), note)


def _factor(value: Value, n: int) -> Decimal:
    return Decimal(n) / 12 if value.per == "year" else Decimal(1)


def _months(n: int) -> str:
    return f"{n}/12 of a year" if n != 12 else "a year"
