"""Numbers in a facts file and in CLI options are finite numbers in digits
(issue 15, item 4): NaN, Infinity, 1e400 and the like are refused naming the
file, row and column, or the option, never a decimal.InvalidOperation."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pcnhub.contract.cli import edits
from pcnhub.contract.facts import FactsError, read_facts
from tests.web.conftest import load_demo

BAD = ["NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "1e400", "1E2", "9" * 400]
IDS = [raw[:10] for raw in BAD]


def facts_file(tmp_path: Path, column: str, value: str) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text(f"pcn_code,{column}\nU99001,{value}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("raw", BAD, ids=IDS)
@pytest.mark.parametrize(
    "column", ["iif_points", "iif_prevalence_factor", "caip_share", "care_home_beds"]
)
def test_facts_numbers_are_finite(tmp_path: Path, column: str, raw: str) -> None:
    with pytest.raises(FactsError) as caught:
        read_facts(facts_file(tmp_path, column, raw))
    assert str(caught.value).startswith(f"facts.csv: row 2, column {column}: ")


def test_facts_numbers_in_digits_are_read(tmp_path: Path) -> None:
    facts = read_facts(facts_file(tmp_path, "iif_points", "123.5"))
    assert facts["U99001"].iif_points == Decimal("123.5")


@pytest.mark.parametrize(
    "raw", [*BAD, "-5", "", "12,000"], ids=[*IDS, "-5", "empty", "12,000"]
)
def test_set_list_values_are_finite(raw: str) -> None:
    with pytest.raises(CommandError) as caught:
        edits({"set_list": [f"Z91001:registered={raw}"]})
    assert "--set-list" in str(caught.value) and "Z91001" in str(caught.value)


def test_set_list_values_in_digits_are_read() -> None:
    what_if = edits({"set_list": ["z91001:weighted=9100.25"]})
    assert what_if.lists == [("Z91001", "weighted", Decimal("9100.25"))]


@pytest.mark.django_db
def test_a_nan_list_size_on_the_command_line_is_a_plain_error(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")
    with pytest.raises(CommandError, match="--set-list"):
        call_command(
            "entitlements",
            "--year",
            "2021/22",
            "--pcn",
            "U99001",
            "--set-list",
            "Z91001:registered=NaN",
            stdout=StringIO(),
            stderr=StringIO(),
        )
