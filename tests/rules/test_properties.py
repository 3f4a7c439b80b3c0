"""Properties of entitlements over random networks, for every shipped year.

Each example draws 1–3 networks of 1–8 practices (registered and weighted lists up
to 60,000, an adjusted population or none, random care-home beds, IIF points and
so on), a contract year from the shipped parameters, and checks what must hold
whatever the figures: lines add up exactly to their period's amount, nothing is
negative, the order of the members changes nothing, and national sums are shared
out exactly.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcnhub.rules import money
from pcnhub.rules.entitlements import (
    ARREARS,
    NOT_COMPUTED,
    EntitlementLine,
    annual_totals,
    entitlements,
    pot_context,
)
from pcnhub.rules.items import ITEMS_BY_ID, payable_periods
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Network, NetworkFacts, Practice, whole_period

PARAMETERS = default_parameters()
YEARS = st.sampled_from(PARAMETERS.years)
NPP = "network_participation_payment"
IIF = "investment_and_impact_fund"

#: Which items share a national sum in which year (the shipped parameters).
POT_ITEMS = {
    ContractYear(2021): {
        "arrs_sum": "arrs.national_pot",
        "leadership_and_management": "leadership_management.national_pot",
    },
    ContractYear(2022): {
        "capacity_and_access_support": "capacity_access.support_pot",
    },
}

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

LISTS = st.decimals(
    min_value=1, max_value=60_000, places=2, allow_nan=False, allow_infinity=False
)


@st.composite
def practice(draw: st.DrawFn, code: str) -> Practice:
    return Practice(
        code,
        registered=Decimal(draw(st.integers(min_value=1, max_value=60_000))),
        weighted=draw(LISTS),
        adjusted=draw(st.none() | LISTS),
    )


FACTS = st.builds(
    NetworkFacts,
    nominated_payee=st.sampled_from([None, "", "P00001"]),
    care_home_beds=st.none() | st.integers(min_value=0, max_value=1_500),
    # 58 is the smallest shipped IIF maximum (2024/25)
    iif_points=st.none() | st.decimals(min_value=0, max_value=58, places=1),
    iif_prevalence_factor=st.none()
    | st.decimals(min_value=Decimal("0.5"), max_value=Decimal("1.5"), places=3),
    covid_vaccination_es=st.none() | st.booleans(),
    caip_share=st.none() | st.decimals(min_value=0, max_value=1, places=2),
)


@st.composite
def networks(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 3, max_practices: int = 8
) -> list[Network]:
    out = []
    count = draw(st.integers(min_value=min_size, max_value=max_size))
    for i in range(count):
        size = draw(st.integers(min_value=1, max_value=max_practices))
        members = [draw(practice(f"P{i}{j:03d}")) for j in range(size)]
        out.append(
            Network(f"U{i:05d}", memberships=whole_period(members), facts=draw(FACTS))
        )
    return out


def shuffled(nets: list[Network], seed: int) -> list[Network]:
    """The same networks, members and networks in another order."""
    rng = random.Random(seed)
    out = []
    for network in nets:
        memberships = list(network.memberships)
        rng.shuffle(memberships)
        out.append(replace(network, memberships=tuple(memberships)))
    rng.shuffle(out)
    return out


def reversed_members(nets: list[Network]) -> list[Network]:
    return [replace(n, memberships=n.memberships[::-1]) for n in reversed(nets)]


def multiset(lines: list[EntitlementLine]) -> Counter:
    return Counter((x.network, x.item, x.month, x.practice, x.amount) for x in lines)


def by_period(lines: list[EntitlementLine]) -> dict[tuple, list[EntitlementLine]]:
    groups: dict[tuple, list[EntitlementLine]] = defaultdict(list)
    for line in lines:
        key = (line.network, line.item, line.practice, line.trace.period_start)
        groups[key].append(line)
    return groups


# --- lines add up ---------------------------------------------------------------


@given(nets=networks(), year=YEARS)
@PROPERTY
def test_lines_add_up_to_each_periods_amount(
    nets: list[Network], year: ContractYear
) -> None:
    everything = entitlements(nets, year, PARAMETERS, as_paid=False)
    assert everything, "every year has at least a core funding line and the NPP"
    lines = [x for x in everything if x.status != NOT_COMPUTED]
    assert all(x.status != ARREARS for x in everything), "restated: no arrears"
    for line in lines:
        assert line.amount >= 0, line
        assert line.amount == line.amount.quantize(money.PENNY), line
        assert line.month in year.months
        assert line.trace.amount_for_period >= 0
    for key, group in by_period(lines).items():
        trace = group[0].trace
        assert all(line.trace == trace for line in group), key
        assert sum(line.amount for line in group) == trace.amount_for_period, key
        if key[1] == IIF:
            (line,) = group
            assert line.month == date(year.start_year + 1, 3, 1)
            continue
        months = [line.month for line in group]
        assert len(months) == len(set(months)) == trace.instalments
        assert sorted(line.instalment for line in group) == list(
            range(1, trace.instalments + 1)
        )
        period_months = [m for m in year.months if trace.period_start <= m]
        assert sorted(months) == period_months[: trace.instalments]


@given(nets=networks(), year=YEARS)
@PROPERTY
def test_core_funding_is_rate_times_lists(
    nets: list[Network], year: ContractYear
) -> None:
    """An independent working of the one item paid in every year."""
    lines = entitlements(nets, year, PARAMETERS, items=["core_pcn_funding"])
    totals = annual_totals(lines)
    registered = PARAMETERS.at("core.registered_rate", year.start)
    adjusted = PARAMETERS.at("core.adjusted_rate", year.start)
    assert registered is not None
    if registered.not_published:  # 2026/27: one "not computed" line a network
        assert sorted(x.network for x in lines) == sorted(n.code for n in nets)
        assert all(x.status == NOT_COMPUTED and x.amount == 0 for x in lines)
        return
    assert registered.per == "year"
    for network in nets:
        members = network.practices
        amount = sum(p.registered for p in members) * registered.value
        if adjusted is not None:
            amount += sum(p.adjusted_or_weighted for p in members) * adjusted.value
        assert totals[(network.code, "core_pcn_funding")] == money.penny(amount)


@given(nets=networks(), year=YEARS)
@PROPERTY
def test_network_participation_practice_totals(
    nets: list[Network], year: ContractYear
) -> None:
    lines = entitlements(nets, year, PARAMETERS, items=[NPP])
    totals = annual_totals(lines)
    periods = payable_periods(ITEMS_BY_ID[NPP], year, PARAMETERS)
    for network in nets:
        own = [x for x in lines if x.network == network.code]
        by_practice: dict[str, Decimal] = defaultdict(lambda: money.ZERO)
        for line in own:
            assert line.paid_to == "practice" and line.payee == line.practice
            by_practice[line.practice] += line.amount
        assert set(by_practice) == {p.code for p in network.practices}
        assert sum(by_practice.values(), money.ZERO) == totals[(network.code, NPP)]
        for p in network.practices:
            expected = money.ZERO
            for period in periods:
                (value,) = period.values
                assert value is not None
                factor = Decimal(len(period.months)) / 12 if value.per == "year" else 1
                expected += money.penny(p.weighted * value.value * factor)
            assert by_practice[p.code] == expected
            assert sum(1 for x in own if x.practice == p.code) == sum(
                len(period.months) for period in periods
            )


@given(nets=networks(), year=YEARS)
@PROPERTY
def test_conditions_leave_items_out(nets: list[Network], year: ContractYear) -> None:
    lines = entitlements(nets, year, PARAMETERS)
    paid = {(x.network, x.item) for x in lines if x.computed}
    missing = {(x.network, x.item): x.note for x in lines if not x.computed}
    for network in nets:
        facts = network.facts
        for item, absent, needs in (
            ("care_home_premium", facts.care_home_beds is None, "beds"),
            ("capacity_and_access_improvement", facts.caip_share is None, "CAIP"),
            (IIF, facts.iif_points is None, "IIF achievement"),
        ):
            payable = payable_periods(ITEMS_BY_ID[item], year, PARAMETERS)
            if absent:
                assert (network.code, item) not in paid
            if absent and payable:  # said out loud, not left out
                note = missing[(network.code, item)]
                assert needs in note or "not published" in note, note
        if not facts.covid_vaccination_es:
            assert (network.code, "clinical_director_covid_top_up") not in paid
            assert (network.code, "clinical_director_covid_top_up") not in missing
        core = (network.code, "core_pcn_funding")
        assert core in paid or "not published" in missing[core]


@given(nets=networks(), year=YEARS)
@PROPERTY
def test_lines_as_paid_add_up_to_the_year_restated(
    nets: list[Network], year: ContractYear
) -> None:
    """Months paid as known then, plus arrears, come to the year as known now."""

    def totals(lines: list[EntitlementLine]) -> dict[tuple, Decimal]:
        out: dict[tuple, Decimal] = defaultdict(lambda: money.ZERO)
        for x in lines:
            if x.computed:
                out[(x.network, x.item, x.practice)] += x.amount
        return {k: v for k, v in out.items() if v}

    paid = entitlements(nets, year, PARAMETERS)
    restated = entitlements(nets, year, PARAMETERS, as_paid=False)
    assert totals(paid) == totals(restated)
    for line in paid:
        if line.status == ARREARS:
            assert line.trace.period_start < line.month, line
            assert line.trace.notes and "arrears" in line.note


# --- order does not matter ------------------------------------------------------


@given(nets=networks(), year=YEARS, seed=st.integers(0, 2**32 - 1))
@PROPERTY
def test_lines_do_not_depend_on_member_order(
    nets: list[Network], year: ContractYear, seed: int
) -> None:
    lines = multiset(entitlements(nets, year, PARAMETERS))
    assert multiset(entitlements(reversed_members(nets), year, PARAMETERS)) == lines
    assert multiset(entitlements(shuffled(nets, seed), year, PARAMETERS)) == lines


# --- national sums ----------------------------------------------------------


@given(
    nets=networks(min_size=1, max_size=6),
    year=st.sampled_from(sorted(POT_ITEMS)),
    seed=st.integers(0, 2**32 - 1),
)
@PROPERTY
def test_national_sums_are_shared_exactly(
    nets: list[Network], year: ContractYear, seed: int
) -> None:
    context = pot_context(nets, year, PARAMETERS)
    assert {name for name, _ in context.pot_shares} == set(POT_ITEMS[year].values())
    for (name, start), shares in context.pot_shares.items():
        value = PARAMETERS.at(name, start)
        assert value is not None and value.per == "period"
        rest = context.pot_rest[(name, start)]
        assert set(shares) == {n.code for n in nets}
        assert sum(shares.values(), money.ZERO) + rest == money.penny(value.value)
        assert rest >= 0 and all(share >= 0 for share in shares.values())
        whole = context.pot_bases[(name, start)]
        national = PARAMETERS.at("national_population.weighted", start)
        held = sum((context.pot_bases[(name, start, c)] for c in shares), Decimal(0))
        assert whole == max(held, Decimal(national.value) if national else held)
        for code, share in shares.items():
            base = context.pot_bases[(name, start, code)]
            assert abs(share - value.value * base / whole) < money.PENNY
    # the same shares whatever order the networks come in
    again = pot_context(shuffled(nets, seed), year, PARAMETERS)
    assert again.pot_shares == context.pot_shares
    assert again.pot_rest == context.pot_rest
    # and the networks' lines for those items add up to their shares
    items = sorted(POT_ITEMS[year])
    totals = annual_totals(entitlements(nets, year, PARAMETERS, context, items))
    for item, name in POT_ITEMS[year].items():
        ((start, shares),) = [
            (k[1], v) for k, v in context.pot_shares.items() if k[0] == name
        ]
        paid = sum((totals[(n.code, item)] for n in nets), money.ZERO)
        assert paid == sum(shares.values(), money.ZERO), item
        assert paid + context.pot_rest[(name, start)] == money.penny(
            PARAMETERS.at(name, start).value
        )


@given(nets=networks(min_size=2, max_size=6), year=st.sampled_from(sorted(POT_ITEMS)))
@PROPERTY
def test_networks_computed_one_at_a_time_share_the_same_sums(
    nets: list[Network], year: ContractYear
) -> None:
    """With the context from every network, each network's lines are its own."""
    context = pot_context(nets, year, PARAMETERS)
    together = multiset(entitlements(nets, year, PARAMETERS, context))
    alone = Counter()
    for network in nets:
        alone += multiset(entitlements([network], year, PARAMETERS, context))
    assert alone == together


def one_practice_network(code: str, weighted: Decimal) -> Network:
    return Network(
        code,
        memberships=whole_period(
            [Practice(f"{code}P", registered=weighted, weighted=weighted)]
        ),
    )


def test_a_network_with_no_members_has_no_share_and_no_lines() -> None:
    year = ContractYear(2021)
    full = one_practice_network("U00001", Decimal(41000))
    empty = Network("U00002")
    context = pot_context([full, empty], year, PARAMETERS)
    for key, shares in context.pot_shares.items():
        assert set(shares) == {"U00001"}
        assert shares["U00001"] + context.pot_rest[key] == money.penny(
            PARAMETERS.at(*key).value
        )
    lines = entitlements([full, empty], year, PARAMETERS, context)
    assert {x.network for x in lines} == {"U00001"}
    share = context.pot_shares[("arrs.national_pot", date(2021, 4, 1))]["U00001"]
    assert annual_totals(lines)[("U00001", "arrs_sum")] == share
    # £746m × 41,000 ÷ 60,670,522
    assert share == Decimal("504132.80")


def test_networks_larger_than_england_share_the_whole_sum() -> None:
    """The denominator is the networks' total when it exceeds the national one."""
    year = ContractYear(2021)
    nets = [
        one_practice_network("U00001", Decimal(40_000_000)),
        one_practice_network("U00002", Decimal(30_000_000)),
    ]
    context = pot_context(nets, year, PARAMETERS)
    key = ("arrs.national_pot", date(2021, 4, 1))
    assert context.pot_rest[key] == money.ZERO
    assert context.pot_bases[key] == Decimal(70_000_000)
    assert context.pot_shares[key] == {
        "U00001": Decimal("426285714.29"),
        "U00002": Decimal("319714285.71"),
    }


# --- bugs -------------------------------------------------------------------


def test_role_sets_without_a_threshold() -> None:
    parameters = PARAMETERS.with_values("arrs.large_network_threshold", ())
    network = Network(
        "U00001",
        memberships=whole_period(
            [Practice("A", registered=Decimal(40000), weighted=Decimal(41000))]
        ),
    )
    lines = entitlements([network], ContractYear(2019), parameters, items=["arrs_sum"])
    assert sum(x.amount for x in lines) == Decimal("53942.00")
