"""``pcnhub import workforce-census`` and ``pcnhub workforce``."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command

from tests.web.conftest import OTHER_COMMISSIONER, OTHER_NETWORK, make_other_area
from tests.workforce.conftest import GOOD

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rows(*args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(run("workforce", *args))))


def test_the_import_command_prints_counts() -> None:
    out = run("import", "workforce-census", str(GOOD), "--quiet")
    assert out.startswith(
        f"Imported {GOOD.name} as workforce-census as at 2021-03-31 (census "
    )
    assert re.search(r"^staff by network and role +4 +0 +0 +0$", out, re.M)
    assert "tolerated: 4\n  4 spaces around a name removed: row 2, row 3" in out
    again = run("import", "workforce-census", str(GOOD), "--quiet")
    assert ", unchanged)." in again


def test_a_bad_census_fails_naming_row_and_field(census_file: Callable) -> None:
    path = census_file(change={4: {"PCN_CODE": ""}})
    with pytest.raises(CommandError) as caught:
        run("import", "workforce-census", str(path), "--quiet")
    message = str(caught.value)
    assert "was not imported; nothing was written" in message
    assert "census.csv, row 4, column 'PCN_CODE': missing code" in message


def test_import_help_lists_the_kind_and_the_register_does_not_import_it() -> None:
    """The register's command names the kind from the settings alone."""
    code = (
        "import sys, os, django;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'pcnhub.settings';"
        "django.setup();"
        "from django.core.management import load_command_class;"
        "parser = load_command_class('pcnhub.register', 'import')"
        ".create_parser('pcnhub', 'import');"
        "print(parser.format_help());"
        "print('imported' if 'pcnhub.workforce.imports' in sys.modules else 'lazy')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "workforce-census" in result.stdout
    assert result.stdout.strip().endswith("lazy")


def test_the_workforce_on_a_date() -> None:
    run("import", "workforce-census", str(GOOD), "--quiet")
    got = rows("--as-at", "2021-06-30")
    assert list(got[0]) == [
        "pcn_code",
        "staff_role",
        "detailed_staff_role",
        "staff",
        "fte",
        "census_date",
    ]
    assert got[3] == {
        "pcn_code": "U88001",
        "staff_role": "Pharmacists",
        "detailed_staff_role": "Pharmacist",
        "staff": "2",
        "fte": "1.766666667",
        "census_date": "2021-03-31",
    }
    assert len(got) == 4
    assert {
        r["pcn_code"] for r in rows("--as-at", "2021-06-30", "--pcn", "U12345")
    } == {"U12345"}


def test_json_keeps_fte_exact() -> None:
    run("import", "workforce-census", str(GOOD), "--quiet")
    got = json.loads(run("workforce", "--as-at", "2021-03-31", "--format", "json"))
    assert (got[0]["pcn_code"], got[0]["fte"], got[0]["staff"]) == (
        "U12345",
        "0.800000000",
        1,
    )


def test_the_latest_census_on_or_before_the_date(census_file: Callable) -> None:
    run("import", "workforce-census", str(GOOD), "--quiet")
    april = census_file("april.csv", month=(2021, 4), change={3: {"FTE": "0.25"}})
    run("import", "workforce-census", str(april), "--quiet")
    assert {r["census_date"] for r in rows("--as-at", "2021-04-29")} == {"2021-03-31"}
    latest = rows("--as-at", "2021-04-30", "--pcn", "U88001")
    assert {r["census_date"] for r in latest} == {"2021-04-30"}
    assert latest[1]["fte"] == "1.516666667"


def test_no_census_on_or_before_the_date_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="none is imported"):
        run("workforce", "--as-at", "2021-03-31")
    run("import", "workforce-census", str(GOOD), "--quiet")
    with pytest.raises(
        CommandError,
        match=r"no PCN workforce census on or before 2021-03-30: the first held is "
        r"2021-03-31 \(census-2021-03.csv\)",
    ):
        run("workforce", "--as-at", "2021-03-30")


def test_a_commissioners_networks_as_the_register_says() -> None:
    make_other_area()
    run("import", "workforce-census", str(GOOD), "--quiet")
    got = rows("--as-at", "2021-03-31", "--commissioner", OTHER_COMMISSIONER)
    assert {r["pcn_code"] for r in got} == {OTHER_NETWORK}
    # The census's own sub-ICB code is not what selects: the register is.
    assert rows("--as-at", "2021-03-31", "--commissioner", "77Q") == []


def test_pcn_and_commissioner_exclude_each_other() -> None:
    with pytest.raises(CommandError):
        run("workforce", "--as-at", "2021-03-31", "--pcn", "U1", "--commissioner", "X")
