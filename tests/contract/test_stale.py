"""Stale and missing lists said out loud: every check names the list it used.

The demo holds registered lists of 1 January 2021 and 2022 only. Checked on
1 June 2026 (contract year 2026/27, basis date 1 January 2026), every network's
population rests on the January 2022 lists, and a warning says they are four
years older than the contract's basis date.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from pcnhub.contract import services
from pcnhub.register import demo
from pcnhub.register.models import ListMeasure, ListSize
from pcnhub.rules.checks import MET, UNKNOWN, WARNING
from tests.web.conftest import give_national_role, load_demo

pytestmark = pytest.mark.django_db
STALE_RULE = "data.lists_current"


@pytest.fixture
def demo_area(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


@pytest.fixture
def analyst(client: Client) -> Client:
    user = get_user_model().objects.create_user(username="analyst", password="x")
    client.force_login(give_national_role(user))
    return client


def check_json(*args: str) -> tuple[list[dict], str]:
    out, err = StringIO(), StringIO()
    call_command("check", *args, "--format", "json", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_check_in_2026_states_the_january_2022_lists_and_warns(demo_area) -> None:
    findings, _ = check_json("--as-at", "2026-06-01")
    population = [f for f in findings if f["rule"] == "population.band"]
    assert len(population) == 12
    for finding in population:
        assert finding["evidence"]["list_of"] == "2022-01-01", finding
        assert "lists_on" not in finding["evidence"]
    stale = [f for f in findings if f["rule"] == STALE_RULE]
    assert {f["pcn_code"] for f in stale} == {f["pcn_code"] for f in population}
    for finding in stale:
        assert finding["outcome"] == WARNING
        assert "2022-01-01" in finding["message"]
        assert "2026-01-01" in finding["message"]
        assert finding["evidence"]["basis_date"] == "2026-01-01"
        assert finding["evidence"]["newest_list"] == "2022-01-01"


def test_cli_summary_names_the_lists_used(demo_area) -> None:
    _, err = check_json("--as-at", "2026-06-01", "--pcn", "U99001")
    assert "registered lists of 2022-01-01" in err
    assert "stale" in err


def test_no_stale_warning_when_the_basis_lists_are_held(demo_area) -> None:
    findings = services.run_checks(date(2022, 6, 1)).findings
    assert not [f for f in findings if f.rule == STALE_RULE]
    population = [f for f in findings if f.rule == "population.band"]
    assert {f.evidence["list_of"] for f in population} == {"2022-01-01"}


def test_a_year_late_is_stale_too(demo_area) -> None:
    findings = services.run_checks(date(2023, 4, 1), pcn="U99001").findings
    (stale,) = [f for f in findings if f.rule == STALE_RULE]
    assert stale.outcome == WARNING
    assert stale.evidence == {
        "basis_date": "2023-01-01",
        "newest_list": "2022-01-01",
        "list_of": "2022-01-01",
    }


def test_a_member_with_no_list_at_all_is_not_known_with_the_reason(
    demo_area,
) -> None:
    member = "Z91001"  # in U99001 throughout
    ListSize.objects.filter(practice_id=member, measure=ListMeasure.REGISTERED).delete()
    findings = services.run_checks(date(2022, 6, 1), pcn="U99001").findings
    missing = [f for f in findings if f.rule == STALE_RULE]
    assert [(f.outcome, f.practice_code) for f in missing] == [(UNKNOWN, member)]
    assert "no registered list" in missing[0].message
    assert "import" in missing[0].message
    (population,) = [f for f in findings if f.rule == "population.band"]
    assert population.evidence["members_without_list"] == member


def test_coverage_evidence_names_the_lists_used(demo_area) -> None:
    findings = services.run_checks(date(2026, 6, 1), commissioner="99Z").findings
    (summary,) = [
        f
        for f in findings
        if f.rule == "coverage.all_practices" and not f.practice_code
    ]
    assert summary.evidence["list_of"] == "2022-01-01"
    uncovered = [
        f
        for f in findings
        if f.rule == "coverage.all_practices"
        and f.practice_code == demo.UNCOVERED_PRACTICE_CODE
    ]
    assert uncovered[0].evidence["list_of"] == "2022-01-01"


def test_current_lists_need_no_finding(demo_area) -> None:
    findings = services.run_checks(date(2022, 6, 1), pcn="U99001").findings
    assert MET in {f.outcome for f in findings}
    assert not [f for f in findings if f.rule == STALE_RULE]


def test_network_page_shows_the_stale_lists_and_links_its_sources(
    demo_area, analyst: Client
) -> None:
    html = analyst.get("/org/U99001/?as_at=2026-06-01").content.decode()
    assert "Lists are of the contract&#39;s date" in html or (
        "Lists are of the contract's date" in html
    )
    assert "registered lists of 2022-01-01" in html
    assert "2026-01-01" in html
    assert "List of: 2022-01-01" in html
    faqs = "https://www.england.nhs.uk/primary-care/primary-care-networks/resources/"
    assert f'<a href="{faqs}pcn-faqs/second/"' in html
    assert "Primary Care Networks FAQs – second iteration (NHS England, May 2019)" in (
        html
    )
    assert not re.search(r"\[[A-Z]{1,3}\d+[a-z]?(; [A-Z]{1,3}\d+[a-z]?)*\]", html)


def test_checks_csv_cites_documents_not_codes(demo_area, analyst: Client) -> None:
    body = analyst.get("/checks/?as_at=2026-06-01&format=csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert {r["rule"] for r in rows} >= {"data.lists_current", "population.band"}
    for row in rows:
        assert "https://" in row["source"], row
        assert not re.search(r"\[[A-Z]{1,3}\d", row["source"]), row
