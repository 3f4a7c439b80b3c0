"""National totals first, monthly lines on demand (issue 16).

:func:`entitlement_year` works out what each network is due per item and payable
period, with the traces, before any monthly line is made. Over generated
registers (practices joining, leaving and coming back mid-year, moving between
networks, every shipped year, as paid and restated, as known on any day) its
totals are exactly what its lines add up to, network by network and item by
item; one network's lines are the same as its lines in the whole run; the lines
share the dues' traces; and totals make no line at all.
"""

from __future__ import annotations

import gc
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcnhub.rules import money
from pcnhub.rules.entitlements import (
    EntitlementLine,
    EntitlementYear,
    annual_totals,
    entitlement_year,
    entitlements,
    pot_context,
)
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Membership, Network, NetworkFacts, Practice
from tests.rules.test_properties import FACTS, practice

PARAMETERS = default_parameters()
YEARS = st.sampled_from(PARAMETERS.years)
PROPERTY = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _month(year: ContractYear, index: int) -> date | None:
    """The first of the year's month ``index`` (0 = April); 0 or 12: no bound."""
    return year.months[index] if 0 < index < 12 else None


@st.composite
def register(draw: st.DrawFn, year: ContractYear) -> list[Network]:
    """1–4 networks; each membership may start and end in any month, so members
    join, leave, come back (two memberships) and move to another network."""
    count = draw(st.integers(min_value=1, max_value=4))
    pool: list[Practice] = [
        draw(practice(f"P{i:03d}"))
        for i in range(draw(st.integers(min_value=1, max_value=10)))
    ]
    spans = st.tuples(
        st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=12)
    ).map(sorted)
    memberships: list[list[Membership]] = [[] for _ in range(count)]
    for member in pool:
        for start, end in draw(st.lists(spans, min_size=1, max_size=2)):
            if start == end:
                continue
            where = draw(st.integers(min_value=0, max_value=count - 1))
            memberships[where].append(
                Membership(member, _month(year, start), _month(year, end))
            )
    return [
        Network(f"U{i:05d}", memberships=tuple(m), facts=draw(FACTS))
        for i, m in enumerate(memberships)
    ]


@st.composite
def runs(draw: st.DrawFn) -> tuple[ContractYear, list[Network], date | None, bool]:
    year = draw(YEARS)
    known_on = draw(
        st.none()
        | st.dates(
            min_value=date(year.start_year - 1, 1, 1),
            max_value=date(year.start_year + 2, 1, 1),
        )
    )
    return year, draw(register(year)), known_on, draw(st.booleans())


def exactly(totals: dict[tuple[str, str], Decimal]) -> dict[tuple[str, str], str]:
    """The totals as text: the same value to the same digits ('8.30', not '8.3')."""
    return {key: str(value) for key, value in totals.items()}


def worked_out(
    nets: list[Network], year: ContractYear, known_on: date | None, as_paid: bool
) -> EntitlementYear:
    known = PARAMETERS.known_on(known_on) if known_on else PARAMETERS
    context = pot_context(nets, year, known)
    return entitlement_year(
        nets, year, PARAMETERS, context, known_on=known_on, as_paid=as_paid
    )


@given(run=runs())
@PROPERTY
def test_totals_are_exactly_what_the_lines_add_up_to(
    run: tuple[ContractYear, list[Network], date | None, bool],
) -> None:
    year, nets, known_on, as_paid = run
    due = worked_out(nets, year, known_on, as_paid)
    lines = due.lines()
    assert exactly(due.totals()) == exactly(annual_totals(lines))
    for network in nets:
        mine = [x for x in lines if x.network == network.code]
        assert exactly(
            {k: v for k, v in due.totals().items() if k[0] == network.code}
        ) == exactly(annual_totals(mine))
    for _, one in due.parts():
        assert one.trace.item == one.item
    for _, dues in due.paid:
        for each in dues:
            made = each.lines()
            assert str(sum((x.amount for x in made), money.ZERO)) == str(each.total)
            assert len(made) == len(each.rows)


@given(run=runs())
@PROPERTY
def test_a_networks_lines_on_demand_are_its_lines_in_the_whole_run(
    run: tuple[ContractYear, list[Network], date | None, bool],
) -> None:
    year, nets, known_on, as_paid = run
    due = worked_out(nets, year, known_on, as_paid)
    everything = due.lines()
    assert [x.row() for x in everything] == [
        x.row()
        for x in entitlements(
            nets,
            year,
            PARAMETERS,
            pot_context(
                nets, year, PARAMETERS.known_on(known_on) if known_on else PARAMETERS
            ),
            known_on=known_on,
            as_paid=as_paid,
        )
    ]
    for network in nets:
        alone = due.lines([network.code])
        theirs = [x for x in everything if x.network == network.code]
        assert [(x.row(), x.trace, x.instalment) for x in alone] == [
            (x.row(), x.trace, x.instalment) for x in theirs
        ]


@given(run=runs())
@PROPERTY
def test_lines_share_the_dues_traces_and_are_new_each_time(
    run: tuple[ContractYear, list[Network], date | None, bool],
) -> None:
    year, nets, known_on, as_paid = run
    due = worked_out(nets, year, known_on, as_paid)
    traces = {id(part.trace) for _, part in due.parts()}
    first, second = due.lines(), due.lines()
    assert {id(x.trace) for x in first} <= traces
    assert all(a.trace is b.trace for a, b in zip(first, second, strict=True))
    for line in first:
        line.note = "changed by a reader"  # lines are the reader's own
    assert all(x.note != "changed by a reader" for x in due.lines())


def _lines_alive() -> int:
    # type(), not isinstance(): isinstance asks some objects (a lazy CSP nonce
    # left by an earlier request) for __class__, which can raise.
    return sum(1 for x in gc.get_objects() if type(x) is EntitlementLine)


def test_totals_make_no_line() -> None:
    year = ContractYear(2021)
    members = tuple(
        Membership(Practice(f"P{i:03d}", registered=Decimal(9000), weighted=Decimal(1)))
        for i in range(6)
    )
    moving = (
        *members[:3],
        Membership(Practice("P100", registered=Decimal(5000)), date(2021, 10, 1)),
    )
    nets = [
        Network("U00001", memberships=members, facts=NetworkFacts(care_home_beds=40)),
        Network("U00002", memberships=moving),
    ]
    before = _lines_alive()
    due = entitlement_year(nets, year, PARAMETERS)
    totals = due.totals()
    assert _lines_alive() == before
    assert totals[("U00001", "core_pcn_funding")] == Decimal("81000.00")
    lines = due.lines()
    assert _lines_alive() == before + len(lines) > before
    assert exactly(totals) == exactly(annual_totals(lines))
