"""``services.run_entitlement_totals``: every network's totals per item without
the monthly lines, exactly what ``run_entitlements``' lines add up to, on the
demo register (every contract year, as paid and as known on a day) and, marked
``national``, on the real one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pcnhub.contract import services
from pcnhub.rules.entitlements import annual_totals
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from tests.contract.test_national_contract import load_register
from tests.web.conftest import load_demo

pytestmark = pytest.mark.django_db


def exactly(totals: dict[tuple[str, str], Decimal]) -> dict[tuple[str, str], str]:
    return {key: str(value) for key, value in totals.items()}


def same_as_the_lines(year: ContractYear, known_on: date | None = None) -> int:
    """Check the totals run against the lines run; the number of networks."""
    totals = services.run_entitlement_totals(year, known_on=known_on)
    lines = services.run_entitlements(year, known_on=known_on)
    assert [n.code for n in totals.networks] == [n.code for n in lines.networks]
    assert exactly(totals.totals) == exactly(annual_totals(lines.lines))
    assert set(totals.notes) == set(lines.notes)
    for network in totals.networks:
        code = network.code
        mine = [x for x in lines.lines if x.network == code]
        found = {(code, k): v for k, v in totals.network_totals(code).items()}
        assert exactly(found) == exactly(annual_totals(mine))
    # The lines on demand are the lines of the lines run, in the same order.
    assert [x.row() for x in totals.lines()] == [x.row() for x in lines.lines]
    return len(totals.networks)


def test_the_demo_register_totals_are_the_sums_of_its_lines(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")
    counted = [same_as_the_lines(year) for year in default_parameters().years]
    assert min(counted) > 0
    # As known on a day: months before a backdated change, and its arrears.
    same_as_the_lines(ContractYear(2024), known_on=date(2024, 10, 15))
    same_as_the_lines(ContractYear(2024), known_on=date(2024, 6, 1))


def test_one_networks_lines_on_demand(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")
    year = ContractYear(2021)
    totals = services.run_entitlement_totals(year)
    code = totals.networks[0].code
    alone = services.run_entitlements(year, pcn=code)
    assert [x.row() for x in totals.lines(code)] == [x.row() for x in alone.lines]
    assert totals.network_totals(code) == {
        item: v for (_, item), v in annual_totals(alone.lines).items()
    }
    assert totals.network_totals(code)["core_pcn_funding"] > 0


@pytest.mark.national
def test_the_national_register_totals_are_the_sums_of_its_lines(
    shared_data: Path,
) -> None:
    load_register(shared_data)
    for year in (ContractYear(2021), ContractYear(2024), ContractYear(2026)):
        assert same_as_the_lines(year) == 1251
