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
