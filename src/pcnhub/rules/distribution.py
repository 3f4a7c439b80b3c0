"""Sharing a network's income between its member practices.

The network agreement's financial schedule says how each item is shared: by
registered list, by weighted list, in equal shares, as fixed amounts (the rest
shared by another method), as percentages, or a mix by item. Each month's amount
is shared between the practices that are members on the first of that month,
to the penny and exactly (largest remainder, see :mod:`pcnhub.rules.money`).

The Network Participation Payment is already paid to each practice, so it is not
shared again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pcnhub.rules import money
from pcnhub.rules.entitlements import EntitlementLine
from pcnhub.rules.items import ITEMS_BY_ID, PRACTICE
from pcnhub.rules.numbers import parse_decimal
from pcnhub.rules.periods import ContractYear, month_label
from pcnhub.rules.snapshot import Network, Practice

BY_LIST = {"registered", "weighted", "equal"}
METHODS = BY_LIST | {"fixed", "percent"}


class ScheduleError(ValueError):
    """A financial schedule is wrong; the message names the field."""


@dataclass(frozen=True)
class Method:
    kind: str
    amounts: Mapping[str, Decimal] = field(default_factory=dict)
    remainder: str = "registered"

    def describe(self) -> str:
        if self.kind == "fixed":
            fixed = ", ".join(f"{c} £{a:,}" for c, a in sorted(self.amounts.items()))
            return f"fixed amounts a year ({fixed}), the rest by {self.remainder}"
        if self.kind == "percent":
            parts = ", ".join(f"{c} {a}%" for c, a in sorted(self.amounts.items()))
            return f"percentages ({parts})"
        return {"equal": "equal shares"}.get(self.kind, f"{self.kind} list")


@dataclass(frozen=True)
class Schedule:
    """How a network shares its income: a default method and any by item."""

    default: Method = field(default_factory=lambda: Method("registered"))
    items: Mapping[str, Method] = field(default_factory=dict)
    origin: str = "default (no financial schedule recorded: by registered list)"

    def method(self, item: str) -> Method:
        return self.items.get(item, self.default)


@dataclass(frozen=True, slots=True)
class Share:
    network: str
    practice: str
    item: str
    month: date
    amount: Decimal
    method: str

    def row(self) -> dict[str, str]:
        return {
            "pcn_code": self.network,
            "practice_code": self.practice,
            "month": month_label(self.month),
            "item": self.item,
            "amount": str(self.amount),
            "method": self.method,
        }


def _amounts(raw: object, where: str, *, percent: bool) -> dict[str, Decimal]:
    if not isinstance(raw, Mapping) or not raw:
        raise ScheduleError(f"{where}: give practice codes with amounts")
    amounts: dict[str, Decimal] = {}
    for code, value in raw.items():
        try:
            # YAML gives .nan and .inf as floats, NaN and 1e400 as text; none is
            # an amount, and Decimal() would take them all.
            amount = parse_decimal(value)
        except ValueError as exc:
            raise ScheduleError(f"{where}.{code}: {exc}") from None
        amounts[str(code)] = amount
    if percent and sum(amounts.values()) != 100:
        raise ScheduleError(
            f"{where}: percentages add up to {sum(amounts.values())}, not 100"
        )
    return amounts


def parse_method(raw: object, where: str) -> Method:
    """``"weighted"``, ``{"percent": {...}}`` or ``{"fixed": {...}, "remainder": m}``"""
    if isinstance(raw, str):
        if raw not in BY_LIST:
            raise ScheduleError(
                f"{where}: unknown method {raw!r} (use {', '.join(sorted(METHODS))})"
            )
        return Method(raw)
    if isinstance(raw, Mapping):
        unknown = set(raw) - {"fixed", "percent", "remainder"}
        if unknown or ("fixed" in raw) == ("percent" in raw):
            raise ScheduleError(
                f"{where}: give either fixed: or percent: (and, with fixed, remainder:)"
            )
        if "percent" in raw:
            if "remainder" in raw:
                raise ScheduleError(f"{where}: percentages leave no remainder")
            return Method(
                "percent", _amounts(raw["percent"], f"{where}.percent", percent=True)
            )
        remainder = raw.get("remainder", "registered")
        if remainder not in BY_LIST:
            raise ScheduleError(f"{where}.remainder: use registered, weighted or equal")
        return Method(
            "fixed", _amounts(raw["fixed"], f"{where}.fixed", percent=False), remainder
        )
    raise ScheduleError(f"{where}: a method is a name or a mapping, not {raw!r}")


def parse_schedule(data: object, origin: str) -> Schedule:
    """A schedule from its YAML form (see docs/rules.md, distribution)."""
    if not isinstance(data, Mapping):
        raise ScheduleError(f"{origin}: expected a mapping with default: and items:")
    unknown = set(data) - {"network", "default", "items"}
    if unknown:
        raise ScheduleError(f"{origin}: unknown key {sorted(unknown)[0]!r}")
    default = parse_method(data.get("default", "registered"), f"{origin}: default")
    items: dict[str, Method] = {}
    for item, raw in (data.get("items") or {}).items():
        if item not in ITEMS_BY_ID or ITEMS_BY_ID[item].paid_to == PRACTICE:
            raise ScheduleError(f"{origin}: items.{item}: not an item a network shares")
        items[item] = parse_method(raw, f"{origin}: items.{item}")
    return Schedule(default, items, origin)


def _weights(kind: str, members: Sequence[Practice]) -> dict[str, Decimal]:
    if kind == "equal":
        return {p.code: Decimal(1) for p in members}
    read: Callable[[Practice], Decimal | None] = (
        (lambda p: p.registered) if kind == "registered" else (lambda p: p.weighted)
    )
    return {p.code: read(p) or Decimal(0) for p in members}


def _share_line(
    line: EntitlementLine,
    members: Sequence[Practice],
    method: Method,
    year: ContractYear,
) -> dict[str, Decimal]:
    codes = {p.code for p in members}
    if method.kind == "percent":
        weights = {c: a for c, a in method.amounts.items() if c in codes}
        return money.largest_remainder(
            line.amount, weights or _weights("equal", members)
        )
    if method.kind != "fixed":
        weights = _weights(method.kind, members)
        if not any(weights.values()):
            weights = _weights("equal", members)
        return money.largest_remainder(line.amount, weights)
    k = year.months.index(line.month) + 1
    fixed = {
        c: money.instalment(a, k, 12) for c, a in method.amounts.items() if c in codes
    }
    rest = line.amount - sum(fixed.values(), money.ZERO)
    if rest < 0:
        raise ScheduleError(
            f"{line.network} {line.item} {month_label(line.month)}: fixed amounts "
            f"£{sum(fixed.values()):,} are more than the £{line.amount:,} due"
        )
    shares = money.largest_remainder(rest, _weights(method.remainder, members))
    return {c: shares[c] + fixed.get(c, money.ZERO) for c in shares}


def distribute(
    network: Network,
    lines: Sequence[EntitlementLine],
    year: ContractYear,
    schedule: Schedule | None = None,
) -> list[Share]:
    """Each member's share of each of the network's lines, per month."""
    schedule = schedule or Schedule()
    shares: list[Share] = []
    for line in lines:
        if line.network != network.code or line.paid_to == PRACTICE:
            continue
        members = network.members_on(line.month)
        method = schedule.method(line.item)
        for code, amount in sorted(_share_line(line, members, method, year).items()):
            shares.append(
                Share(
                    network.code, code, line.item, line.month, amount, method.describe()
                )
            )
    return shares
