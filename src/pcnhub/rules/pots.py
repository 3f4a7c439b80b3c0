"""National sums (pots): each network's share of a sum paid nationally, fixed
by population (:func:`pot_context`), and what a network's figures depend on
beyond itself (:class:`Context`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pcnhub.rules import money
from pcnhub.rules.dues import _no_collection
from pcnhub.rules.items import ITEMS, Item, payable_periods
from pcnhub.rules.params import Parameters
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.populations import _BASES, _factor
from pcnhub.rules.snapshot import Network

REST = "(networks not in the register)"


@dataclass
class Context:
    """What a network's figures depend on beyond itself: national sums' shares."""

    pot_shares: dict[tuple[str, date], dict[str, Decimal]] = field(default_factory=dict)
    #: keyed by (parameter, start) for the whole, (parameter, start, network) for
    #: a network's base
    pot_bases: dict[tuple[str, date] | tuple[str, date, str], Decimal] = field(
        default_factory=dict
    )
    #: the share left for networks not in the register (see :func:`pot_context`)
    pot_rest: dict[tuple[str, date], Decimal] = field(default_factory=dict)


def pot_context(
    networks: Sequence[Network], year: ContractYear, parameters: Parameters
) -> Context:
    """Share each national sum in force in ``year`` between ``networks``.

    Each network's share is fixed by its population on the first day of the
    sum's period in the year (a network forming later has no share). The
    denominator is the networks' total or the national population
    (``national_population.weighted``), whichever is larger; what the networks
    do not take is left for "networks not in the register". Shares and that
    rest add up exactly to the sum (largest remainder).
    """
    context = Context()
    with _no_collection():
        _share_pots(context, networks, year, parameters)
    return context


def _share_pots(
    context: Context,
    networks: Sequence[Network],
    year: ContractYear,
    parameters: Parameters,
) -> None:
    for item in ITEMS:
        for component in item.components:
            if not component.pot:
                continue
            for period in payable_periods(
                Item(item.id, item.label, (component,)), year, parameters
            ):
                (value,) = period.values
                assert value is not None
                key = (component.parameter, value.start)
                if key in context.pot_shares:
                    continue
                read = _BASES[component.basis]
                bases = {}
                for n in networks:
                    members = n.members_on(period.start)
                    if members:  # the total population() gives, without its parts
                        bases[n.code] = sum(
                            (read(p) or Decimal(0) for p in members), Decimal(0)
                        )
                amount = value.value * _factor(value, len(period.months))
                held = sum(bases.values(), Decimal(0))
                national = parameters.at("national_population.weighted", period.start)
                whole = max(held, Decimal(national.value) if national else held)
                shares = money.largest_remainder(
                    money.penny(amount), {**bases, REST: whole - held}
                )
                context.pot_rest[key] = shares.pop(REST)
                context.pot_shares[key] = shares
                context.pot_bases[key] = whole
                for code, base in bases.items():
                    context.pot_bases[(*key, code)] = base


def _same_pots(a: Parameters, b: Parameters, year: ContractYear) -> bool:
    """Do ``a`` and ``b`` hold the same national sums in ``year``?"""
    for item in ITEMS:
        for component in item.components:
            if component.pot and any(
                a.at(component.parameter, m) != b.at(component.parameter, m)
                for m in year.months
            ):
                return False
    return True
