"""The must-show: the March 2021 national census imports, and ``pcnhub workforce
--as-at 2021-03-31`` is what a direct count of the file with Python's csv module
gives (staff: distinct UNIQUE_IDENTIFIER; fte: the sum), by network, staff role
and detailed staff role."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import need_shared_data

pytestmark = pytest.mark.django_db
FILE = Path("workforce") / "pcn-workforce-2021-03-individual.csv"


def census_path() -> Path:
    path = need_shared_data() / FILE
    if not path.is_file():
        pytest.skip(f"the March 2021 PCN workforce census is not at {path}")
    return path


def direct_count(path: Path) -> dict[tuple[str, str, str], tuple[int, Decimal]]:
    """The file counted by hand (it is Windows-1252; names are stripped)."""
    staff: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    fte: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    with path.open(encoding="cp1252", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (
                row["PCN_CODE"],
                row["STAFF_ROLE"].strip(),
                row["DETAILED_STAFF_ROLE"].strip(),
            )
            staff[key].add(row["UNIQUE_IDENTIFIER"])
            fte[key] += Decimal(row["FTE"])
    return {key: (len(staff[key]), fte[key]) for key in staff}


def test_the_national_census_equals_a_direct_count() -> None:
    path = census_path()
    out = io.StringIO()
    call_command("import", "workforce-census", str(path), "--quiet", stdout=out)
    assert "as at 2021-03-31" in out.getvalue()

    listed = io.StringIO()
    call_command("workforce", "--as-at", "2021-03-31", "--format", "csv", stdout=listed)
    rows = list(csv.DictReader(io.StringIO(listed.getvalue())))
    got = {
        (r["pcn_code"], r["staff_role"], r["detailed_staff_role"]): (
            int(r["staff"]),
            Decimal(r["fte"]),
        )
        for r in rows
    }
    expected = direct_count(path)
    assert len(rows) == len(got) == len(expected)
    assert got == expected
    assert {r["census_date"] for r in rows} == {"2021-03-31"}
    # 855 networks, 6,860 distinct people (some in two networks or roles).
    assert len({key[0] for key in got}) == 855
