"""A backdated local variation agreement (and an added item) against a hand
computation: ``tests/rules/local_cases/*.yaml`` (the arithmetic is in the
comments there)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from pcnhub.rules.entitlements import ARREARS, NOT_COMPUTED
from pcnhub.rules.local import load_variation, local_entitlements
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import Network, Practice, whole_period

CASES = Path(__file__).with_name("local_cases")
ONLY_NATIONAL = {"network_participation_payment", "local_access"}


def _files() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(
                pytest.param(path, data, case, id=f"{path.stem}: {case['name']}")
            )
    return out


def _network(raw: dict[str, Any]) -> Network:
    practice = Practice(
        str(raw["practice"]),
        registered=Decimal(str(raw["registered"])),
        weighted=Decimal(str(raw["weighted"])),
        core_contract=True,
    )
    return Network(
        str(raw["code"]),
        commissioner=str(raw["commissioner"]),
        memberships=whole_period([practice]),
    )


@pytest.mark.parametrize(("path", "data", "case"), _files())
def test_local_case(
    tmp_path: Path, path: Path, data: dict[str, Any], case: dict[str, Any]
) -> None:
    agreement = tmp_path / "agreement.yaml"
    agreement.write_text(data["agreement"], encoding="utf-8")
    variation = load_variation(agreement)
    networks = [_network(n) for n in data["networks"]]
    known_on = case["known_on"]
    assert known_on is None or isinstance(known_on, dt.date)
    lines = [
        x
        for x in local_entitlements(
            networks,
            ContractYear.parse(str(data["year"])),
            [variation],
            known_on=known_on,
        )
        if x.network == case["network"]
    ]
    assert not [
        x for x in lines if x.status == NOT_COMPUTED and x.item in ONLY_NATIONAL
    ]
    due: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    arrears: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    annual: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.item not in ONLY_NATIONAL:
            continue  # the other national items are not varied here
        month = line.month.isoformat()[:7]
        (arrears if line.status == ARREARS else due)[(line.item, month)] += line.amount
        annual[line.item] += line.amount
    for item, months in case["months"].items():
        for month, amount in months.items():
            assert due.get((item, month), Decimal("0.00")) == Decimal(amount), (
                f"{item} {month}"
            )
    expected_arrears = {
        (item, month): Decimal(amount)
        for item, months in case["arrears"].items()
        for month, amount in months.items()
    }
    assert dict(arrears) == expected_arrears, "arrears"
    assert dict(annual) == {i: Decimal(a) for i, a in case["annual"].items()}
    marked = {x.item for x in lines if "local variation: 99Z" in x.note}
    assert marked == set(case["marked"]), "lines marked local variation"
    for line in lines:
        if line.status == ARREARS:
            assert "published 2026-07-15" in line.note
            assert "local variation: 99Z Test ICB (99Z)" in line.note
            assert any(v.local and v.published for v in line.trace.parameters)
            assert line.month == dt.date(2026, 7, 1)


GAP_AND_REVISION = """\
commissioner: 99Z
from: 2026-05-01
agreement: {document: "Test ICB agreement", section: "schedule 1"}
parameters:
  enhanced_access.rate:
    values:
      2026-05-01:
        value: 9.50
        per: year
        published: 2026-07-15
        source: {document: "Test ICB agreement", section: "para 1"}
  capacity_access.support_rate:
    values:
      2026-05-01:
        value: 1.00
        per: year
        published: 2026-07-15
        source: {document: "Test ICB agreement", section: "para 2"}
"""


def test_backdating_over_a_national_value_and_over_none(tmp_path: Path) -> None:
    """Enhanced Access has a national 2026/27 value (£8.903, provisional): as
    known before 15 July it holds. The capacity and access support payment has
    none in 2026/27: before 15 July nothing was due (no "not computed" line)."""
    path = tmp_path / "agreement.yaml"
    path.write_text(GAP_AND_REVISION, encoding="utf-8")
    practice = Practice(
        "Z99001",
        registered=Decimal(10000),
        weighted=Decimal(10500),
        adjusted=Decimal(10300),
        core_contract=True,
    )
    networks = [
        Network("U99001", commissioner="99Z", memberships=whole_period([practice]))
    ]
    lines = local_entitlements(
        networks, ContractYear.parse("2026/27"), [load_variation(path)]
    )

    def amounts(item: str, status: str) -> dict[str, Decimal]:
        return {
            x.month.isoformat()[:7]: x.amount
            for x in lines
            if x.item == item and x.status == status
        }

    ea = "enhanced_access"
    # As known before: May–March at 8.903, A = 10,300 × 8.903 × 11/12 =
    # 84,059.158… → 84,059.16; May + June = floor(2/11 × A) = 15,283.48.
    # As now known: A = 10,300 × 9.50 × 11/12 = 89,695.833… → 89,695.83;
    # May + June = floor(2/11 × A) = 16,308.33. Arrears 16,308.33 − 15,283.48.
    assert amounts(ea, ARREARS) == {"2026-07": Decimal("1024.85")}
    assert amounts(ea, "due")["2026-05"] == Decimal("7641.74")
    assert all(x.provisional for x in lines if x.item == ea and x.month.month in (5, 6))
    casp = "capacity_and_access_support"
    # A = 10,300 × 1.00 × 11/12 = 9,441.666… → 9,441.67; May + June =
    # floor(2/11 × A) = floor(1,716.667…) = 1,716.66, nothing paid before.
    assert amounts(casp, ARREARS) == {"2026-07": Decimal("1716.66")}
    assert set(amounts(casp, "due")) == {
        m.isoformat()[:7]
        for m in ContractYear.parse("2026/27").months
        if m >= dt.date(2026, 7, 1)
    }
    assert not [x for x in lines if x.item == casp and x.status == NOT_COMPUTED]
    total = sum(x.amount for x in lines if x.item == casp)
    assert total == Decimal("9441.67")
