"""``pcnhub practices``: every practice on a date with its network, commissioner
and lists, as CSV or JSON, limited by ``--user`` like the other commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pcnhub.register import demo, queries
from pcnhub.register.models import (
    ListMeasure,
    ListSize,
    Organisation,
    OrganisationKind,
    OrganisationVersion,
    Relationship,
    RelationshipKind,
)
from tests.web.conftest import load_demo

COLUMNS = [
    "practice_code",
    "practice_name",
    "pcn_code",
    "commissioner_code",
    "registered_patients",
    "weighted_patients",
    "list_date",
    "weighted_list_date",
    "commissioner_inferred",
]


@pytest.fixture
def area(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


def run(*args: str, fmt: str = "json") -> Any:
    out = io.StringIO()
    call_command("practices", *args, "--format", fmt, stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    return json.loads(text) if fmt == "json" else list(csv.reader(io.StringIO(text)))


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("practices", *args, stdout=io.StringIO(), stderr=io.StringIO())
    return str(raised.value)


def test_csv_columns_and_a_row(area: None) -> None:
    rows = run("--as-at", "2021-06-01", fmt="csv")
    assert rows[0] == COLUMNS
    by_code = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    member = by_code["Z91001"]
    assert member["pcn_code"] == "U99001"
    assert member["commissioner_code"] == "99Z"
    assert member["list_date"] == member["weighted_list_date"] == "2021-01-01"
    expected = queries.list_sizes_on(
        ["Z91001"], ListMeasure.REGISTERED, date(2021, 6, 1)
    )
    assert Decimal(member["registered_patients"]) == expected["Z91001"]
    assert member["commissioner_inferred"] == "False"
    alone = by_code[demo.UNCOVERED_PRACTICE_CODE]
    assert alone["pcn_code"] == ""
    uncovered = {u.practice_code for u in queries.uncovered_on(date(2021, 6, 1))}
    assert {c for c, r in by_code.items() if not r["pcn_code"]} == uncovered


def test_every_member_and_open_practice_once(area: None) -> None:
    day = date(2022, 6, 1)
    rows = run("--as-at", day.isoformat())
    codes = [r["practice_code"] for r in rows]
    assert len(codes) == len(set(codes))
    members = {p for n in demo.DEMO_PCNS for p in queries.members_of(n, day)}
    assert set(codes) == members | set(queries.open_practices_in_area(day))
    assert {r["list_date"] for r in rows} == {"2022-01-01"}
    assert demo.LONG_CLOSED_PRACTICE_CODE not in codes


def test_one_network_and_one_commissioner(area: None) -> None:
    day = date(2022, 1, 1)
    network = demo.MOVED_TO_PCN_CODE
    rows = run("--as-at", day.isoformat(), "--pcn", network.lower())
    assert [r["practice_code"] for r in rows] == queries.members_of(network, day)
    assert {r["pcn_code"] for r in rows} == {network}
    everyone = run("--as-at", "2026-06-01")
    assert run("--as-at", "2026-06-01", "--commissioner", "99Z") == everyone
    assert run("--as-at", "2026-06-01", "--commissioner", "97Z") == []
    before = run("--as-at", "2021-03-01", "--commissioner", "97Z")
    assert before and {r["commissioner_code"] for r in before} == {"97Z"}


def test_a_practice_left_under_a_merged_commissioner_is_inferred(area: None) -> None:
    """The demo's epraccur moves every practice explicitly; one a file never moved
    is under the successor from the merger, marked inferred."""
    code = "Z97999"
    Organisation.objects.create(code=code, kind=OrganisationKind.PRACTICE)
    OrganisationVersion.objects.create(
        organisation_id=code,
        name='=HYPERLINK("http://example.invalid")',
        status="A",
        prescribing_setting=4,
        valid_from=date(2019, 1, 1),
    )
    Relationship.objects.create(
        kind=RelationshipKind.PRACTICE_COMMISSIONER,
        child_id=code,
        parent_id="97Z",
        valid_from=date(2019, 1, 1),
    )
    for on in (date(2021, 1, 1), date(2022, 1, 1)):
        ListSize.objects.create(
            practice_id=code, measure=ListMeasure.REGISTERED, date=on, value=100
        )
    [row] = [r for r in run("--as-at", "2021-06-01") if r["practice_code"] == code]
    assert (row["commissioner_code"], row["commissioner_inferred"]) == ("99Z", True)
    assert row["weighted_patients"] is None and row["weighted_list_date"] is None
    table = run("--as-at", "2021-06-01", "--commissioner", "99Z", fmt="csv")
    [cells] = [r for r in table if r[0] == code]
    assert cells[1].startswith("'=HYPERLINK")  # the shared writer neutralises it
    assert cells[-1] == "True"
    before = run("--as-at", "2021-03-01", "--commissioner", "97Z")
    assert code in {r["practice_code"] for r in before}


def test_a_fixed_number_of_queries(area: None) -> None:
    """As many queries for 99Z's 25 practices before the merger as for its 59
    after, and for a network of 4 as for one of 7."""

    def count(day: date, **options: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = queries.practices_on(day, **options)
        return len(captured), len(rows)

    before, after = date(2021, 3, 1), date(2022, 1, 1)
    for options in ({}, {"commissioner": "99Z"}):
        (few_queries, few), (many_queries, many) = (
            count(before, **options),
            count(after, **options),
        )
        assert few < many or not options
        assert few_queries == many_queries
    small, large = count(after, pcn="U99012"), count(after, pcn="U99001")
    assert small[1] < large[1] and small[0] == large[0]


def test_output_file(area: None, tmp_path: Path) -> None:
    target = tmp_path / "practices.csv"
    out = io.StringIO()
    call_command(
        "practices", "--as-at", "2022-01-01", "--output", str(target), stdout=out
    )
    assert out.getvalue() == ""
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert rows[0] == COLUMNS and len(rows) > 50


def test_users_see_their_own_only(area: None, make_user: Any) -> None:
    practice = make_user("practice_manager", "Z91001").get_username()
    commissioner = make_user("commissioner", "99Z").get_username()
    mine = run("--as-at", "2022-01-01", "--user", practice)
    assert [r["practice_code"] for r in mine] == ["Z91001"]
    assert "may not see U99002" in refused(
        "--as-at", "2022-01-01", "--pcn", "U99002", "--user", practice
    )
    assert "may not see 99Z" in refused(
        "--as-at", "2022-01-01", "--commissioner", "99Z", "--user", practice
    )
    theirs = run(
        "--as-at", "2021-06-01", "--commissioner", "99Z", "--user", commissioner
    )
    assert len(theirs) == len(run("--as-at", "2021-06-01"))


def test_bad_options_are_refused(area: None) -> None:
    assert "no such code" in refused("--as-at", "2022-01-01", "--pcn", "U00000")
    assert "not a network" in refused("--as-at", "2022-01-01", "--pcn", "99Z")
    assert "not a commissioner" in refused(
        "--as-at", "2022-01-01", "--commissioner", "U99001"
    )
    with pytest.raises(CommandError, match="not allowed with"):
        call_command(
            "practices",
            "--as-at",
            "2022-01-01",
            "--pcn",
            "U99001",
            "--commissioner",
            "99Z",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
