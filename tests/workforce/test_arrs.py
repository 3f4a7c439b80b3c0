"""``pcnhub arrs``: ARRS sum, claimed, paid, headroom and utilisation per network
for a contract year, on the demo area and on the real 2020/21 payments file."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.workforce import claiming, staff
from pcnhub.workforce.payments import import_arrs_payments
from pcnhub.workforce.utilisation import COLUMNS
from tests.web.conftest import demo_data  # noqa: F401 - fixture
from tests.workforce.test_payments import HEADER
from tests.workforce.test_staff import entry

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="tests")
YEAR = "2023/24"
REAL = Path("/work/shared/data/payments/nhspaymentsgp-2020-21-prac.csv")
NETWORK = re.compile(r"^U[0-9]{5}$")


def arrs(*options: str) -> tuple[list[dict[str, Any]], str]:
    out, err = StringIO(), StringIO()
    call_command("arrs", *options, "--format", "json", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def by_code(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["pcn_code"]: row for row in rows}


def payments_2023(tmp_path: Path) -> Path:
    """U99001's ARRS booked to one of its practices; U77777 named only here."""
    rows = [
        "Y98,99Z,NHS WENDMOOR CCG,U99001,DEMO PCN,Z99001,A,0,4000.00,9",
        "Y98,99Z,NHS WENDMOOR CCG,U99001,DEMO PCN,Z99002,B,0,1000.00,9",
        "Y98,00X,NHS ELSEWHERE CCG,U77777,AWAY PCN,Z77001,C,0,-20.00,9",
    ]
    path = tmp_path / "nhspaymentsgp-2023-24-prac.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8-sig"))
    return path


def test_a_generated_claim_shows_in_claimed_with_its_headroom(
    demo_data: None,  # noqa: F811
) -> None:
    staff.record_post(ACTOR, "U99001", entry())
    claim = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    rows, err = arrs("--year", YEAR)
    found = by_code(rows)
    assert set(found) == {f"U990{n:02d}" for n in range(1, 13)}
    row = found["U99001"]
    claimed = claim.claimed + claim.adjusted
    assert Decimal(row["claimed"]) == claimed > 0
    arrs_sum = claiming.arrs_sum("U99001", ContractYear.parse(YEAR))
    assert Decimal(row["arrs_sum"]) == arrs_sum > 0
    assert Decimal(row["headroom"]) == arrs_sum - claimed
    share = (claimed * 100 / arrs_sum).quantize(Decimal("0.1"))
    assert Decimal(row["utilisation"]) == share
    assert row["paid"] is None and "paid is blank" in err
    other = found["U99002"]
    assert other["claimed"] == "0.00" and other["headroom"] == other["arrs_sum"]
    assert other["utilisation"] == "0.0"


def test_paid_counts_where_imported_and_payments_only_networks_show(
    demo_data: None,  # noqa: F811
    tmp_path: Path,
) -> None:
    staff.record_post(ACTOR, "U99001", entry())
    claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    import_arrs_payments(payments_2023(tmp_path), actor=ACTOR)
    found = by_code(arrs("--year", YEAR)[0])
    row = found["U99001"]
    assert row["paid"] == "5000.00"
    assert Decimal(row["headroom"]) == Decimal(row["arrs_sum"]) - Decimal(5000)
    away = found["U77777"]
    assert away == {
        "pcn_code": "U77777",
        "arrs_sum": None,
        "claimed": "0.00",
        "paid": "-20.00",
        "headroom": None,
        "utilisation": None,
    }
    assert found["U99002"]["paid"] is None  # the file names none of its practices


def test_the_filters_narrow_the_rows(
    demo_data: None,  # noqa: F811
    tmp_path: Path,
) -> None:
    import_arrs_payments(payments_2023(tmp_path), actor=ACTOR)
    # After the 2021 merger every demo network is 99Z's; U77777 is 00X's.
    within = by_code(arrs("--year", YEAR, "--commissioner", "99z")[0])
    assert "U77777" not in within and len(within) == 12
    away, err = arrs("--year", YEAR, "--commissioner", "00X")
    assert [r["pcn_code"] for r in away] == ["U77777"]
    assert "no commissioner 00X in the register" in err
    [one] = arrs("--year", YEAR, "--pcn", "U99001")[0]
    assert one["pcn_code"] == "U99001" and one["paid"] == "5000.00"


def test_csv_has_exactly_the_columns(demo_data: None) -> None:  # noqa: F811
    out = StringIO()
    call_command("arrs", "--year", YEAR, "--quiet", stdout=out, stderr=StringIO())
    reader = csv.DictReader(StringIO(out.getvalue()))
    assert (
        reader.fieldnames
        == COLUMNS
        == [
            "pcn_code",
            "arrs_sum",
            "claimed",
            "paid",
            "headroom",
            "utilisation",
        ]
    )
    assert len(list(reader)) == 12


def test_a_year_that_is_not_one_is_refused() -> None:
    with pytest.raises(CommandError, match="not a contract year"):
        call_command("arrs", "--year", "2020/22")


@pytest.mark.skipif(
    not REAL.is_file(), reason=f"the real payments file is not at {REAL}"
)
def test_paid_per_network_is_the_files_pcn_workforce_summed() -> None:
    import_arrs_payments(REAL, actor=ACTOR)
    rows, err = arrs("--year", "2020/21")
    expected: dict[str, Decimal] = defaultdict(Decimal)
    with REAL.open(encoding="utf-8-sig", newline="") as f:
        for line in csv.DictReader(f):
            expected[line["PCN Code"]] += Decimal(line["PCN Workforce"])
    networks = {code: v for code, v in expected.items() if NETWORK.match(code)}
    paid = {row["pcn_code"]: Decimal(row["paid"]) for row in rows}
    assert len(networks) > 1200
    assert paid == networks  # every network, to the penny
    elsewhere = sum(v for code, v in expected.items() if code not in networks)
    assert f"not shown: £{elsewhere} booked to" in err
