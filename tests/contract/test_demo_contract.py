"""Checks, entitlements and distribution over the demo area, through the services
and the CLI, with expected figures worked out from the register independently."""

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
from django.core.management.base import CommandError

from pcnhub.contract import services
from pcnhub.contract.facts import FactsError, read_facts
from pcnhub.register import demo, queries
from pcnhub.rules.checks import APPROVAL, BREACH, MET, UNKNOWN, WARNING
from pcnhub.rules.entitlements import annual_totals
from pcnhub.rules.periods import ContractYear
from tests.web.conftest import load_demo

pytestmark = pytest.mark.django_db
JAN_2021 = date(2021, 1, 1)
YEAR = ContractYear.parse("2021/22")


@pytest.fixture
def demo_area(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def by_rule(findings, rule: str) -> dict[str, str]:
    return {
        f.pcn_code or f.practice_code: f.outcome for f in findings if f.rule == rule
    }


def test_checks_find_small_networks_and_the_uncovered_practice(demo_area) -> None:
    findings = services.run_checks(JAN_2021).findings
    small = {
        n.pcn_code
        for n in queries.networks_on(JAN_2021)
        if n.registered_population < 30000
    }
    population = by_rule(findings, "population.band")
    assert small and {c for c, o in population.items() if o == APPROVAL} == small
    assert len(population) == 12
    coverage = [f for f in findings if f.rule == "coverage.all_practices"]
    breaches = [f.practice_code for f in coverage if f.outcome == BREACH]
    assert demo.UNCOVERED_PRACTICE_CODE in breaches
    # Governance facts are not in the register: not known, not "met".
    assert set(by_rule(findings, "governance.data_sharing").values()) == {UNKNOWN}


def test_contiguity_warns_about_the_far_member_only(demo_area) -> None:
    findings = services.run_checks(JAN_2021).findings
    warned = [
        f for f in findings if f.rule == "geography.contiguity" and f.outcome == WARNING
    ]
    assert len(warned) == 1
    assert "groups" in warned[0].evidence and float(warned[0].evidence["gap_km"]) > 10


def test_facts_file_drives_governance_findings(demo_area, tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(
        "pcn_code,clinical_directors,nominated_payee,agreement_signed,"
        "schedules_complete,data_sharing,small_population_reason\n"
        "U99001,Dr A Patel,Z91001,yes,yes,yes,\n"
        "U99004,,Z91030,yes,no,no,rural: large sparse area\n",
        encoding="utf-8",
    )
    facts = read_facts(path)
    findings = services.run_checks(JAN_2021, facts=facts).findings
    one = {f.rule: f.outcome for f in findings if f.pcn_code == "U99001"}
    assert one["governance.clinical_director"] == MET
    assert one["governance.nominated_payee"] == MET
    assert one["governance.network_agreement"] == MET
    four = {f.rule: f.outcome for f in findings if f.pcn_code == "U99004"}
    assert four["governance.network_agreement"] == BREACH
    assert four["governance.data_sharing"] == BREACH
    assert four["governance.clinical_director"] == UNKNOWN
    assert four["population.band"] == MET  # approved, with the reason recorded


def test_bad_facts_file_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(
        "pcn_code,care_home_beds,data_sharing,colour\n"
        "U99001,-3,maybe,blue\nX1,,,\nU99001,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(FactsError) as caught:
        read_facts(path)
    text = str(caught.value)
    assert "facts.csv: column 'colour' is not a network fact" in text
    assert "facts.csv: row 2, column care_home_beds: cannot be negative" in text
    assert "facts.csv: row 2, column data_sharing: expected yes or no" in text
    assert "facts.csv: row 3, column pcn_code: 'X1' is not a PCN code" in text
    assert "facts.csv: row 4, column pcn_code: U99001 appears twice" in text


def test_entitlements_follow_the_register(demo_area) -> None:
    lines = services.run_entitlements(YEAR).lines
    totals = annual_totals(lines)
    for network in queries.networks_on(YEAR.start, lists_at=YEAR.population_date):
        code = network.pcn_code
        if queries.members_of(code, YEAR.start) != queries.members_of(
            code, YEAR.months[-1]
        ):
            continue  # membership changes in the year: see the next test
        registered = network.registered_population
        assert totals[(network.pcn_code, "core_pcn_funding")] == (
            registered * Decimal("1.50")
        ).quantize(Decimal("0.01"))
        assert totals[(network.pcn_code, "clinical_director")] == (
            registered * Decimal("0.722")
        ).quantize(Decimal("0.01"))


def test_a_practice_moving_mid_year_is_paid_by_month(demo_area) -> None:
    moved = demo.MOVED_PRACTICE_CODE
    lines = services.run_entitlements(YEAR).lines
    npp = [
        (x.network, x.month)
        for x in lines
        if x.practice == moved and x.item == "network_participation_payment"
    ]
    assert len(npp) == 12
    assert {n for n, m in npp if m < demo.MOVE_DATE} == {demo.MOVED_FROM_PCN_CODE}
    assert {n for n, m in npp if m >= demo.MOVE_DATE} == {demo.MOVED_TO_PCN_CODE}
    core_from = {
        x.month: x.amount
        for x in lines
        if x.network == demo.MOVED_FROM_PCN_CODE and x.item == "core_pcn_funding"
    }
    # The network's monthly core payment drops when the practice leaves.
    assert core_from[date(2021, 9, 1)] > core_from[date(2021, 10, 1)]


def test_what_if_adding_the_uncovered_practice(demo_area) -> None:
    target = "U99012"
    uncovered = demo.UNCOVERED_PRACTICE_CODE
    before = annual_totals(services.run_entitlements(YEAR, pcn=target).lines)
    edits = services.Edits(add=[uncovered])
    after_run = services.run_entitlements(YEAR, pcn=target, edits=edits)
    after = annual_totals(after_run.lines)
    registered = queries.list_sizes_on([uncovered], "registered", YEAR.population_date)
    extra = (registered[uncovered] * Decimal("1.50")).quantize(Decimal("0.01"))
    key = (target, "core_pcn_funding")
    assert after[key] - before[key] == extra
    assert any("what-if" in note for note in after_run.notes)


def test_what_if_list_size_and_frozen_register(demo_area) -> None:
    member = queries.members_of("U99001", JAN_2021)[0]
    edits = services.Edits(lists=[(member, "registered", Decimal("0"))])
    run = services.run_entitlements(
        ContractYear.parse("2024/25"),
        pcn="U99001",
        edits=edits,
        register_as_at=JAN_2021,
    )
    assert {x.item for x in run.lines} >= {"core_pcn_funding", "enhanced_access"}
    core = run.lines[0].trace
    assert any(
        p.basis == "registered" and dict(p.parts)[member] == 0 for p in core.populations
    )


def test_cli_entitlements_csv_json_and_explain(demo_area) -> None:
    rows = list(
        csv.DictReader(
            StringIO(run("entitlements", "--year", "2021/22", "--pcn", "U99001"))
        )
    )
    assert list(rows[0]) == [
        "pcn_code",
        "practice_code",
        "month",
        "item",
        "amount",
        "payee",
        "paid_to",
        "status",
        "provisional",
        "note",
    ]
    assert {r["month"] for r in rows} == {f"{m:%Y-%m}" for m in YEAR.months}
    data = json.loads(
        run(
            "entitlements",
            "--year",
            "2021/22",
            "--pcn",
            "U99001",
            "--format",
            "json",
            "--explain",
        )
    )
    assert data[0]["trace"]["parameters"][0]["source"]
    text = run(
        "entitlements",
        "--year",
        "2021/22",
        "--pcn",
        "U99001",
        "--explain",
        "--item",
        "core_pcn_funding",
    )
    assert (
        "parameter core.registered_rate = £1.50 per registered patient a year" in text
    )
    assert "instalment 12 of 12" in text


def test_cli_errors_are_plain(demo_area) -> None:
    with pytest.raises(CommandError, match="no network U99999"):
        run("entitlements", "--year", "2021/22", "--pcn", "U99999")
    with pytest.raises(CommandError, match="no parameters for 2031/32"):
        run("entitlements", "--year", "2031/32")
    with pytest.raises(CommandError, match="write CODE:MEASURE=N"):
        run("entitlements", "--year", "2021/22", "--pcn", "U99001", "--set-list", "x")


def test_xlsx_has_a_sheet_per_network_and_an_all_networks_sheet(
    demo_area, tmp_path: Path
) -> None:
    path = tmp_path / "out.xlsx"
    run("entitlements", "--year", "2021/22", "--format", "xlsx", "--output", str(path))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "All networks" and book.sheetnames[-1] == "Lines"
    # 12 networks, then the items not computed (no beds, no IIF points recorded)
    assert len(book.sheetnames) == 12 + 3 and book.sheetnames[-2] == "Not computed"
    lines = services.run_entitlements(YEAR).lines
    detail = list(book["Lines"].iter_rows(min_row=2, values_only=True))
    assert len(detail) == len(lines)
    amounts = [Decimal(str(r[4])) for r in detail if r[4] is not None]
    assert sum(amounts) == sum(x.amount for x in lines)
    assert all(r[7] == "not computed" for r in detail if r[4] is None)
    sheet = book["U99001"]
    assert sheet["A1"].value.startswith("U99001")


def test_cli_check_csv_columns_and_outcome_filter(demo_area) -> None:
    rows = list(
        csv.DictReader(
            StringIO(run("check", "--as-at", "2021-01-01", "--outcome", "breach"))
        )
    )
    assert list(rows[0]) == [
        "pcn_code",
        "practice_code",
        "commissioner_code",
        "rule",
        "outcome",
        "message",
        "evidence",
        "source",
    ]
    assert {r["outcome"] for r in rows} == {"breach"}
    assert demo.UNCOVERED_PRACTICE_CODE in {r["practice_code"] for r in rows}
    one = json.loads(
        run("check", "--as-at", "2021-01-01", "--pcn", "U99001", "--format", "json")
    )
    assert {f["pcn_code"] for f in one} == {"U99001"}


def test_distribution_adds_up_and_follows_the_schedule(
    demo_area, tmp_path: Path
) -> None:
    members = queries.members_of("U99001", YEAR.start)
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(
        "default: weighted\nitems:\n"
        f"  clinical_director: {{fixed: {{{members[0]}: 1200}}, remainder: equal}}\n"
        f"  core_pcn_funding: {{percent: {{{members[0]}: 100}}}}\n",
        encoding="utf-8",
    )
    rows = list(
        csv.DictReader(
            StringIO(
                run(
                    "distribution",
                    "--pcn",
                    "U99001",
                    "--year",
                    "2021/22",
                    "--schedule",
                    str(schedule),
                )
            )
        )
    )
    lines = services.run_entitlements(YEAR, pcn="U99001").lines
    for line in lines:
        if line.paid_to == "practice":
            continue
        shares = [
            Decimal(r["amount"])
            for r in rows
            if r["item"] == line.item and r["month"] == f"{line.month:%Y-%m}"
        ]
        assert sum(shares) == line.amount
    core = {
        r["practice_code"]
        for r in rows
        if r["item"] == "core_pcn_funding" and Decimal(r["amount"])
    }
    assert core == {members[0]}
    first = [
        Decimal(r["amount"])
        for r in rows
        if r["item"] == "clinical_director" and r["practice_code"] == members[0]
    ]
    others = [
        Decimal(r["amount"])
        for r in rows
        if r["item"] == "clinical_director" and r["practice_code"] == members[1]
    ]
    assert sum(first) - sum(others) == Decimal(1200)


def test_distribution_schedule_errors_name_the_field(demo_area, tmp_path: Path) -> None:
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text("items:\n  arrs_sum: {percent: {Z91001: 60}}\n")
    with pytest.raises(CommandError, match=r"items.arrs_sum.percent: percentages add"):
        run(
            "distribution",
            "--pcn",
            "U99001",
            "--year",
            "2021/22",
            "--schedule",
            str(schedule),
        )
    schedule.write_text("items:\n  network_participation_payment: equal\n")
    with pytest.raises(CommandError, match="not an item a network shares"):
        run(
            "distribution",
            "--pcn",
            "U99001",
            "--year",
            "2021/22",
            "--schedule",
            str(schedule),
        )


def test_rules_document_is_up_to_date() -> None:
    from pcnhub.rules.docs import generate

    path = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    assert path.read_text(encoding="utf-8") == generate(), (
        "docs/rules.md is out of date: run `pcnhub rulesdoc --write`"
    )


def test_example_files_in_the_docs_work_with_the_demo(demo_area) -> None:
    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    facts = read_facts(examples / "network-facts-demo.csv")
    assert facts["U99004"].small_population_reason
    findings = services.run_checks(JAN_2021, facts=facts).findings
    six = {f.rule: f.outcome for f in findings if f.pcn_code == "U99006"}
    # 2020/21: a PCN's own bank account is not yet allowed as the payee.
    assert six["governance.nominated_payee"] == BREACH
    rows = list(
        csv.DictReader(
            StringIO(
                run(
                    "distribution",
                    "--pcn",
                    "U99001",
                    "--year",
                    "2021/22",
                    "--schedule",
                    str(examples / "financial-schedule-demo.yaml"),
                )
            )
        )
    )
    assert {r["method"] for r in rows if r["item"] == "arrs_sum"} == {"weighted list"}


def test_traces_cite_documents_not_the_references_codes(demo_area) -> None:
    args = ("entitlements", "--year", "2021/22", "--pcn", "U99001", "--explain")
    text = run(*args, "--item", "core_pcn_funding")
    parameter_lines = [line for line in text.splitlines() if "parameter " in line]
    assert parameter_lines
    for line in parameter_lines:
        # "[A18; B4]" is the reference's own shorthand: no commissioner can open it.
        assert not re.search(r"\[[A-Z]+\d+", line), line
        assert "Network Contract DES" in line or "(" in line, line
    data = json.loads(run(*args, "--format", "json"))
    parameter = data[0]["trace"]["parameters"][0]
    assert parameter["citations"], parameter
    assert not re.search(r"\[[A-Z]+\d+", parameter["source"])
    assert any(c["url"].startswith("https://") for c in parameter["citations"])
