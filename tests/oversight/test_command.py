"""``pcnhub variability``: its formats, scopes, ``--user`` and clear errors."""

from __future__ import annotations

import csv
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("variability", *args, stdout=out)
    return out.getvalue()


def test_csv_json_and_by_commissioner_agree(demo_data: None) -> None:
    rows = dict(csv.reader(StringIO(run("--as-at", "2022-01-01"))))
    figures = json.loads(run("--as-at", "2022-01-01", "--format", "json"))
    assert rows["measure"] == "value"
    assert int(rows["networks"]) == figures["networks"] == 12
    assert figures["below_band"] + figures["within_band"] + figures["above_band"] == 12
    assert float(rows["population_median"]) == figures["population_median"]
    by = list(
        csv.DictReader(StringIO(run("--as-at", "2022-01-01", "--by", "commissioner")))
    )
    # 98Z and 97Z merged into 99Z on 1 April 2021: one commissioner in 2022.
    assert [r["commissioner_code"] for r in by] == ["99Z"]
    assert int(by[0]["networks"]) == 12
    before = list(
        csv.DictReader(StringIO(run("--as-at", "2021-01-01", "--by", "commissioner")))
    )
    assert len(before) > 1
    assert (
        sum(int(r["networks"]) for r in before)
        == json.loads(run("--as-at", "2021-01-01", "--format", "json"))["networks"]
    )


def test_scopes(demo_data: None) -> None:
    for code, kind in (("Y98", "region"), ("QZZ", "system"), ("99Z", "commissioner")):
        got = json.loads(
            run("--as-at", "2022-01-01", "--scope", code, "--format", "json")
        )
        assert (got["scope"], got["scope_kind"], got["networks"]) == (code, kind, 12)
    networks = json.loads(
        run(
            "--as-at",
            "2022-01-01",
            "--scope",
            "99z",
            "--by",
            "network",
            "--format",
            "json",
        )
    )
    assert len(networks) == 12 and networks[0]["pcn_code"] == "U99001"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--scope", "ZZZ"), "--scope: ZZZ is not in the register"),
        (("--scope", "U99001"), "U99001 is a network: a scope is a region"),
    ],
)
def test_unknown_or_wrong_codes_are_clear(
    demo_data: None, args: tuple, words: str
) -> None:
    with pytest.raises(CommandError, match=words):
        run("--as-at", "2022-01-01", *args)


@pytest.mark.parametrize(
    ("date", "words"),
    [
        ("2021-13-01", "expected a date as YYYY-MM-DD"),
        ("1066-10-14", "date 1066-10-14 is outside"),
    ],
)
def test_bad_dates_are_clear(date: str, words: str) -> None:
    with pytest.raises(CommandError, match=words):
        run("--as-at", date)


def test_as_a_user(client_for: Any, people: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="do not include 88X"):
        run("--as-at", "2022-01-01", "--scope", "88X", "--user", "commissioner")
    with pytest.raises(CommandError, match="country-wide"):
        run("--as-at", "2022-01-01", "--user", "commissioner")
    mine = json.loads(
        run(
            "--as-at",
            "2022-01-01",
            "--scope",
            "99Z",
            "--user",
            "manager",
            "--by",
            "network",
            "--format",
            "json",
        )
    )
    assert [r["pcn_code"] for r in mine] == ["U99001"]
