"""The rules over the real 2020/21 register (../shared/data)."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pcnhub.contract import services
from pcnhub.rules.checks import APPROVAL, BREACH
from pcnhub.rules.entitlements import annual_totals
from pcnhub.rules.periods import ContractYear
from tests.register.samples import load

pytestmark = [pytest.mark.django_db, pytest.mark.national]

QOF = "qof/MAPPING_NHS_GEOGRAPHIES_2021.csv"
REGISTRATIONS = "registrations/gp-reg-pat-prac-all-2021-01.csv"
PAYMENTS = "payments/nhspaymentsgp-2020-21-prac.csv"
JAN_2021 = date(2021, 1, 1)


def load_register(data: Path, practices: bool = True) -> None:
    if practices:
        load("epraccur", data / "ods/epraccur-2019-12.csv", date(2019, 12, 1))
    load("qof-mapping", data / QOF, JAN_2021)
    load("registrations", data / REGISTRATIONS)
    load("payments", data / PAYMENTS, JAN_2021)


def expected_from_files(data: Path) -> tuple[dict[str, int], set[str]]:
    with (data / QOF).open(encoding="utf-8-sig") as handle:
        mapping = list(csv.DictReader(handle))
    with (data / REGISTRATIONS).open(encoding="utf-8-sig") as handle:
        lists = {
            r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(handle)
        }
    populations: dict[str, int] = defaultdict(int)
    for row in mapping:
        if row["PCN_ODS_CODE"] != "U":
            populations[row["PCN_ODS_CODE"]] += lists[row["PRACTICE_CODE"]]
    uncovered = {r["PRACTICE_CODE"] for r in mapping if r["PCN_ODS_CODE"] == "U"}
    return populations, uncovered


def test_check_lists_small_networks_and_uncovered_practices(shared_data: Path) -> None:
    # The 2020/21 register as the QOF mapping publishes it (the ODS extract would
    # add practices it lists as open that the mapping does not place at all).
    load_register(shared_data, practices=False)
    populations, uncovered = expected_from_files(shared_data)
    findings = services.run_checks(JAN_2021).findings

    small = {
        f.pcn_code: f.evidence["registered_population"]
        for f in findings
        if f.rule == "population.band" and f.outcome == APPROVAL
    }
    expected_small = {c: p for c, p in populations.items() if p < 30000}
    assert len(expected_small) > 50
    assert small == {c: f"{p:,}" for c, p in expected_small.items()}

    breaches = {
        f.practice_code
        for f in findings
        if f.rule == "coverage.all_practices"
        and f.outcome == BREACH
        and f.practice_code
    }
    assert len(uncovered) == 70
    assert breaches == uncovered


def test_a_national_year_of_entitlements(shared_data: Path) -> None:
    load_register(shared_data)
    year = ContractYear.parse("2021/22")
    run = services.run_entitlements(year)
    populations, _ = expected_from_files(shared_data)
    assert len(run.networks) == len(populations) == 1251
    totals = annual_totals(run.lines)
    for code, registered in populations.items():
        assert totals[(code, "core_pcn_funding")] == Decimal(registered) * Decimal(
            "1.50"
        )
    # Every line carries its trace back to a sourced parameter.
    assert all(line.trace.parameters for line in run.lines)
    # The national ARRS sum: the networks' shares and the rest add up to it.
    arrs = sum(x.amount for x in run.lines if x.item == "arrs_sum")
    rest = sum(
        amount
        for (name, _), amount in services.pot_context(
            run.networks, year, services.default_parameters()
        ).pot_rest.items()
        if name == "arrs.national_pot"
    )
    assert arrs + rest == Decimal(746_000_000)


def test_the_current_contract_year_over_the_national_register(
    shared_data: Path,
) -> None:
    """2026/27 on the real register: no capacity and access, provisional lines
    marked, the items with no published figure not computed, for every network."""
    load_register(shared_data)
    run = services.run_entitlements(ContractYear.parse("2026/27"))
    populations, _ = expected_from_files(shared_data)
    assert len(run.networks) == len(populations) == 1251
    items = {x.item for x in run.lines}
    assert not items & {
        "capacity_and_access_support",
        "capacity_and_access_improvement",
    }
    computed = [x for x in run.lines if x.computed]
    assert computed and all(x.provisional for x in computed)
    missing = defaultdict(set)
    for line in run.lines:
        if not line.computed:
            missing[line.item].add(line.network)
            assert "not published in pcnhub yet" in line.note
    assert missing["core_pcn_funding"] == set(populations)
    assert missing["investment_and_impact_fund"] == set(populations)
    # The NPP is the one item paid to practices: £1.761 (provisional) a year each.
    npp = annual_totals([x for x in computed if x.practice])
    assert len(npp) == 1251
