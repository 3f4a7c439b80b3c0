"""The items of the Network Contract DES the rules pay, and their payable periods.

What each item reads (its parameters and the population each multiplies) is data
here, apart from the computation (:mod:`pcnhub.rules.entitlements`), so that the
parameter check (:mod:`pcnhub.rules.registry`) reads the items without importing
the computation that reads the checked parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pcnhub.rules.params import Parameters, Value
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import Network

NETWORK = "nominated payee"
PRACTICE = "practice"


@dataclass(frozen=True, slots=True)
class Component:
    """One parameter an item reads and the population it multiplies."""

    parameter: str
    basis: str
    pot: bool = False


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    components: tuple[Component, ...]
    paid_to: str = NETWORK
    explanation: str = ""
    #: Extra conditions on the network's facts; returns a reason not to pay, or None.
    condition: Callable[[Network], str | None] | None = None
    #: Components are parts that add up (core funding from 2024/25); otherwise
    #: they are alternatives, and only one may be in force at a time.
    parts_add_up: bool = False
    #: A network fact (a share from 0 to 1) the amount is multiplied by.
    scaled_by: str = ""
    #: Paid once on achievement, in the last month of its period, not monthly.
    achievement: bool = False
    #: An input the network must record first; returns what is missing, or None.
    #: Unlike ``condition``, a missing input gives a "not computed" line.
    needs: Callable[[Network], str | None] | None = None


# --- items -------------------------------------------------------------------


def _needs_covid_es(network: Network) -> str | None:
    if network.facts.covid_vaccination_es:
        return None
    return "paid only where a member practice is in the COVID vaccination ES"


def _needs_beds(network: Network) -> str | None:
    if network.facts.care_home_beds is not None:
        return None
    return "the beds in the network's aligned care homes"


def _needs_caip(network: Network) -> str | None:
    if network.facts.caip_share is not None:
        return None
    return "the commissioner's CAIP assessment (share achieved)"


def _needs_iif(network: Network) -> str | None:
    if network.facts.iif_points is not None:
        return None
    return "the IIF achievement (points achieved)"


ITEMS: tuple[Item, ...] = (
    Item(
        "core_pcn_funding",
        "Core PCN funding",
        (
            Component("core.registered_rate", "registered"),
            Component("core.adjusted_rate", "adjusted"),
        ),
        parts_add_up=True,
        explanation="registered list × registered rate, plus (from 2024/25) "
        "adjusted population × adjusted rate",
    ),
    Item(
        "clinical_director",
        "Clinical Director payment",
        (Component("clinical_director.rate", "registered"),),
        explanation="registered list × rate",
    ),
    Item(
        "clinical_director_covid_top_up",
        "Clinical Director COVID vaccination top-up",
        (Component("clinical_director.covid_top_up", "registered"),),
        explanation="registered list × rate, where a member is in the COVID "
        "vaccination Enhanced Service",
        condition=_needs_covid_es,
    ),
    Item(
        "extended_hours_access",
        "Extended Hours Access",
        (Component("extended_hours.rate", "registered"),),
        explanation="registered list × rate",
    ),
    Item(
        "enhanced_access",
        "Enhanced Access",
        (Component("enhanced_access.rate", "adjusted"),),
        explanation="adjusted population × rate",
    ),
    Item(
        "care_home_premium",
        "Care Home Premium",
        (Component("care_home_premium.rate", "beds"),),
        explanation="beds in aligned care homes × rate",
        needs=_needs_beds,
    ),
    Item(
        "pcn_support_payment",
        "PCN support payment",
        (Component("support_payment.rate", "weighted"),),
        explanation="weighted list × rate",
    ),
    Item(
        "leadership_and_management",
        "Leadership and Management",
        (
            Component("leadership_management.rate", "adjusted"),
            Component("leadership_management.national_pot", "adjusted", pot=True),
        ),
        explanation="adjusted population × rate, or the network's adjusted-population "
        "share of the national sum",
    ),
    Item(
        "arrs_sum",
        "ARRS sum (maximum claimable)",
        (
            Component("arrs.rate", "weighted"),
            Component("arrs.national_pot", "weighted", pot=True),
            Component("arrs.role_set_sum", "role sets"),
        ),
        explanation="weighted list × rate, or the weighted-population share of the "
        "national sum, or (2019/20) one role set per network (two from 100,000 "
        "patients)",
    ),
    Item(
        "gp_arrs_sum",
        "GP ARRS sum (maximum claimable)",
        (Component("arrs.gp_rate", "weighted"),),
        explanation="weighted list × rate",
    ),
    Item(
        "capacity_and_access_support",
        "Capacity and Access Support Payment",
        (
            Component("capacity_access.support_rate", "adjusted"),
            Component("capacity_access.support_pot", "adjusted", pot=True),
        ),
        explanation="adjusted population × rate, or the adjusted-population share of "
        "the national sum",
    ),
    Item(
        "capacity_and_access_improvement",
        "Capacity and Access Improvement Payment",
        (Component("capacity_access.improvement_rate", "adjusted"),),
        explanation="adjusted population × maximum rate × share assessed as achieved",
        needs=_needs_caip,
        scaled_by="caip_share",
    ),
    Item(
        "investment_and_impact_fund",
        "Investment and Impact Fund",
        (Component("iif.point_value", "points"),),
        explanation="points achieved × point value × (registered list ÷ average PCN "
        "list) × prevalence factor, paid in the last month of the IIF year",
        achievement=True,
        needs=_needs_iif,
    ),
    Item(
        "network_participation_payment",
        "Network Participation Payment",
        (Component("network_participation.rate", "weighted"),),
        paid_to=PRACTICE,
        explanation="each practice's own weighted list × rate, paid to the practice",
    ),
)
ITEMS_BY_ID = {item.id: item for item in ITEMS}


# --- periods -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    months: tuple[date, ...]
    values: tuple[Value | None, ...]


def payable_periods(
    item: Item, year: ContractYear, parameters: Parameters
) -> list[Period]:
    """Runs of months in ``year`` with the same parameter values in force."""
    periods: list[Period] = []
    run: list[date] = []
    key: tuple[Value | None, ...] = ()
    for month in (*year.months, None):
        now = (
            tuple(parameters.at(c.parameter, month) for c in item.components)
            if month
            else ()
        )
        if run and now != key:
            end = month or year.end
            periods.append(Period(run[0], end, tuple(run), key))
            run = []
        if month and any(v is not None for v in now):
            run.append(month)
        key = now
    return periods
