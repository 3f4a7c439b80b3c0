"""The current contract year (2026/27) and parameters as known on a day, over the
demo area through the services and the CLI: provisional values marked, items
with no published figure not computed, capacity and access ended, and the
2024/25 uplift's arrears."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from pcnhub.contract import services
from pcnhub.rules.entitlements import ARREARS, NOT_COMPUTED
from pcnhub.rules.periods import ContractYear
from tests.web.conftest import load_demo

pytestmark = pytest.mark.django_db
Y2026 = ContractYear.parse("2026/27")
Y2024 = ContractYear.parse("2024/25")
CAPACITY = {"capacity_and_access_support", "capacity_and_access_improvement"}
PROVISIONAL = {"enhanced_access", "arrs_sum", "network_participation_payment"}
NOT_PUBLISHED = {"core_pcn_funding", "care_home_premium", "investment_and_impact_fund"}


@pytest.fixture
def demo_area(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_2026_27_runs_with_no_capacity_and_access_line(demo_area) -> None:
    lines = services.run_entitlements(Y2026).lines
    assert lines
    assert not {x.item for x in lines} & CAPACITY
    computed = {x.item for x in lines if x.computed}
    assert computed == PROVISIONAL
    assert all(x.provisional for x in lines if x.computed)
    missing = {x.item for x in lines if x.status == NOT_COMPUTED}
    assert missing == NOT_PUBLISHED
    for line in lines:
        if not line.computed:
            assert "not published in pcnhub yet" in line.note
            assert line.amount == 0


def test_2025_26_still_has_capacity_and_access(demo_area) -> None:
    items = {x.item for x in services.run_entitlements(ContractYear(2025)).lines}
    assert "capacity_and_access_support" in items


def test_cli_csv_marks_provisional_and_not_computed_lines(demo_area, capsys) -> None:
    out, _ = run("entitlements", "--year", "2026/27", "--pcn", "U99001")
    err = capsys.readouterr().err  # the notes go to the process's stderr
    rows = list(csv.DictReader(StringIO(out)))
    assert {"status", "provisional", "note"} <= set(rows[0])
    for row in rows:
        if row["item"] in PROVISIONAL:
            assert row["provisional"] == "yes" and row["status"] == "due"
            assert Decimal(row["amount"]) > 0
        else:
            assert row["item"] in NOT_PUBLISHED, row
            assert row["status"] == "not computed" and row["amount"] == ""
            assert "not published in pcnhub yet" in row["note"]
    assert not {r["item"] for r in rows} & CAPACITY
    assert "provisional: arrs.rate rests on an unverified source" in err
    assert "Core PCN funding: not computed: needs core.registered_rate" in err


def test_explain_and_json_traces_say_provisional(demo_area) -> None:
    out, _ = run(
        "entitlements",
        "--year",
        "2026/27",
        "--pcn",
        "U99001",
        "--explain",
        "--item",
        "arrs_sum",
    )
    assert "[provisional]" in out
    assert "(provisional)" in out and "provisional: arrs.rate rests on" in out
    data = json.loads(
        run(
            "entitlements",
            "--year",
            "2026/27",
            "--pcn",
            "U99001",
            "--format",
            "json",
            "--explain",
            "--item",
            "enhanced_access",
        )[0]
    )
    assert all(r["provisional"] == "yes" and r["trace"]["provisional"] for r in data)
    (parameter,) = data[0]["trace"]["parameters"]
    assert parameter["provisional"] and "8.903" in parameter["value"]
    assert "OrgCentral" in parameter["source"] and parameter["conflict"]


def test_workbook_marks_provisional_rows_and_lists_what_is_not_computed(
    demo_area, tmp_path: Path
) -> None:
    path = tmp_path / "2026.xlsx"
    run("entitlements", "--year", "2026/27", "--format", "xlsx", "--output", str(path))
    book = openpyxl.load_workbook(path)
    rows = list(book["All networks"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "pcn_code")
    columns = rows[head]
    assert columns[-1] == "marks"
    body = [dict(zip(columns, r, strict=True)) for r in rows[head + 1 :]]
    labels = {r["item"]: r for r in body if r["pcn_code"] == "U99001"}
    assert labels["ARRS sum (maximum claimable)"]["marks"] == "provisional"
    assert labels["Core PCN funding"]["marks"] == "not computed"
    assert "not published" in labels["Core PCN funding"]["2026-04"]
    missing = list(book["Not computed"].iter_rows(min_row=4, values_only=True))
    assert {r[1] for r in missing} == {
        "Core PCN funding",
        "Care Home Premium",
        "Investment and Impact Fund",
    }
    detail = list(book["Lines"].iter_rows(values_only=True))
    assert detail[0][-3:] == ("status", "provisional", "note")
    assert all(r[8] == "yes" for r in detail[1:] if r[7] == "due")
    assert any(str(n).startswith("provisional: arrs.rate") for r in rows for n in r[:1])


def test_2024_25_arrears_in_september_as_known_now(demo_area) -> None:
    lines = services.run_entitlements(Y2024, pcn="U99001").lines
    arrears = [x for x in lines if x.status == ARREARS]
    assert {x.item for x in arrears} == {"enhanced_access"}  # no beds in the demo
    (line,) = arrears
    assert line.month == date(2024, 9, 1) and line.amount > 0
    assert "published 2024-09-26" in line.note and "7.975" in line.note
    restated = services.run_entitlements(Y2024, pcn="U99001").lines
    year_total = sum(x.amount for x in restated if x.item == "enhanced_access")
    # April–August at £7.674, the rest at £7.975, plus arrears = the year at £7.975
    rate = Decimal("7.975")
    adjusted = line.trace.populations[0].total
    assert year_total == (adjusted * rate).quantize(Decimal("0.01"))


def test_known_on_before_the_uplift_has_no_arrears(demo_area) -> None:
    before = services.run_entitlements(Y2024, pcn="U99001", known_on=date(2024, 9, 25))
    assert not [x for x in before.lines if x.status == ARREARS]
    assert "the contract parameters as known on 2024-09-25" in before.notes
    out, _ = run(
        "entitlements",
        "--year",
        "2024/25",
        "--pcn",
        "U99001",
        "--known-on",
        "2024-09-25",
        "--item",
        "enhanced_access",
    )
    rows = list(csv.DictReader(StringIO(out)))
    assert len(rows) == 12 and {r["status"] for r in rows} == {"due"}
    after, _ = run(
        "entitlements",
        "--year",
        "2024/25",
        "--pcn",
        "U99001",
        "--known-on",
        "2024-10-01",
        "--item",
        "enhanced_access",
    )
    rows = list(csv.DictReader(StringIO(after)))
    (arrear,) = [r for r in rows if r["status"] == "arrears"]
    assert arrear["month"] == "2024-09"


def test_known_on_before_the_2026_27_contract_computes_nothing(demo_area) -> None:
    run_ = services.run_entitlements(Y2026, pcn="U99001", known_on=date(2026, 3, 1))
    assert run_.lines and not any(x.computed for x in run_.lines)


def test_distribution_shares_the_arrears(demo_area) -> None:
    run_ = services.run_distribution("U99001", Y2024)
    arrears = [x for x in run_.lines if x.status == ARREARS]
    shared = [s for s in run_.shares if s.method.endswith("(arrears)")]
    assert sum(s.amount for s in shared) == sum(x.amount for x in arrears) > 0
    due = sum(x.amount for x in run_.lines if x.paid_to != "practice")
    assert sum(s.amount for s in run_.shares) == due


def test_the_workbook_says_where_a_missing_input_is_recorded(
    demo_area, tmp_path: Path
) -> None:
    path = tmp_path / "2025.xlsx"
    run("entitlements", "--year", "2025/26", "--format", "xlsx", "--output", str(path))
    book = openpyxl.load_workbook(path)
    rows = list(book["Not computed"].iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("pcn_code", "item", "month", "reason", "where recorded")
    beds = [r for r in rows[1:] if "beds" in r[3]]
    assert beds and all("governance page (Contract inputs)" in r[4] for r in beds)
    others = [r for r in rows[1:] if "not published" in r[3]]
    assert all(r[4] is None for r in others)


def test_the_commands_notes_cite_documents_not_reference_codes(
    demo_area, capsys: pytest.CaptureFixture[str]
) -> None:
    _, err = run("entitlements", "--year", "2026/27", "--format", "csv")
    err += capsys.readouterr().err
    provisional = [n for n in err.splitlines() if "unverified source" in n]
    assert provisional
    assert not any(re.search(r"\[[A-Z]{1,3}\d+", n) for n in provisional)
    assert any("https://" in n or "OrgCentral" in n for n in provisional)
