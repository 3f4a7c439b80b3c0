"""Monthly claims generated from staff records: stored, numbered, audited, with
adjustment lines when an earlier month's due changes, and the seed's scenario."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.workforce import claiming, staff
from pcnhub.workforce.claim_files import claim_csv, claim_xlsx
from tests.web.conftest import demo_data  # noqa: F401 - fixture
from tests.workforce.test_staff import entry

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="tests")


def test_a_full_month_of_a_full_time_post(demo_data: None) -> None:  # noqa: F811
    staff.record_post(ACTOR, "U99001", entry())
    claim = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    # £28,000 a year with on-costs worked out; 31 of 366 days (2023/24 holds
    # 29 Feb 2024), within the £38,056 cap: (28000 + on-costs) × 31 / 366.
    [line] = claim.lines
    assert line["days_in_post"] == 31 and line["days_in_year"] == 366
    assert Decimal(line["claimable"]) == claim.claimed > 0
    annual = Decimal(line["annual_cost"])
    assert claim.claimed == (annual * 31 / 366).quantize(Decimal("0.01"))
    assert claim.number == 1 and claim.contract_year == "2023/24"
    assert claim.arrs_sum > 0
    assert AuditEntry.objects.filter(action="workforce.claim_generated").count() == 1


def test_generating_again_numbers_the_claim_and_the_latest_counts(
    demo_data: None,  # noqa: F811
) -> None:
    staff.record_post(ACTOR, "U99001", entry())
    first = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    again = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    assert again.number == 2
    assert claiming.claimed_by_network("2023/24") == {"U99001": first.claimed}


def test_a_corrected_record_gives_an_adjustment_line(demo_data: None) -> None:  # noqa: F811
    version = staff.record_post(ACTOR, "U99001", entry())
    april = claiming.generate_claim(ACTOR, "U99001", date(2023, 4, 1))
    staff.change_post(
        ACTOR,
        version.post,
        entry(salary=Decimal("30000")),
        expected_version=1,
        reason="backdated pay award",
    )
    may = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    [adjustment] = may.adjustments
    assert adjustment["month"] == "2023-04"
    assert Decimal(adjustment["claimed"]) == april.claimed
    assert Decimal(adjustment["difference"]) == may.adjusted > 0
    total = april.claimed + may.claimed + may.adjusted
    assert claiming.claimed_by_network("2023/24")["U99001"] == total
    # Generated again, May's adjustment is the same, not added twice.
    may_again = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    assert may_again.adjusted == may.adjusted
    assert claiming.claimed_by_network("2023/24")["U99001"] == total


def test_a_person_in_two_networks_is_claimed_once(
    demo_data: None,  # noqa: F811
) -> None:
    first = staff.record_post(ACTOR, "U99001", entry())
    staff.record_post(
        ACTOR,
        "U99002",
        entry(start=date(2023, 5, 1)),
        person_key=first.post.person_key,
    )
    ours = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    theirs = claiming.generate_claim(ACTOR, "U99002", date(2023, 5, 1))
    assert ours.claimed > 0
    assert theirs.claimed == 0
    codes = {f["code"] for f in theirs.lines[0]["findings"]}
    assert any("twice" in c or "duplicate" in c for c in codes), codes


def test_the_seed_scenario_is_flagged_with_the_amount_at_stake(
    demo_data: None,  # noqa: F811
) -> None:
    """Fifteen locally funded social prescribers in post when the scheme arrives."""
    for n in range(15):
        staff.record_post(
            ACTOR,
            "U99001",
            entry(
                name=f"Link worker {n + 1}",
                funding="local_scheme",
                start=date(2019, 1, 7),
                salary=Decimal("23000"),
            ),
        )
    claim = claiming.generate_claim(ACTOR, "U99001", date(2019, 7, 1))
    assert claim.claimed == 0
    assert len(claim.lines) == 15
    assert claim.at_stake > 0
    assert all(
        any(f["code"] == "not_additional" for f in line["findings"])
        for line in claim.lines
    )
    assert claim.notes and "15 post(s) are not additional" in claim.notes[0]


def test_claims_stay_within_the_arrs_sum(demo_data: None) -> None:  # noqa: F811
    year = ContractYear.parse("2023/24")
    small = Decimal("5000.00")
    staff.record_post(ACTOR, "U99001", entry())
    worked = claiming.work_out("U99001", date(2023, 6, 1), sum_for_year=small)
    assert sum(line.claimable for line in worked.lines) == small
    assert worked.year == year


def test_the_claim_files_hold_every_line(demo_data: None) -> None:  # noqa: F811
    staff.record_post(ACTOR, "U99001", entry())
    claim = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    text = claim_csv(claim)
    header, row = text.splitlines()
    assert header.startswith("line,pcn_code,month,post,person_key,role")
    assert "name" not in header.split(",")
    assert row.startswith("claim,U99001,2023-05,")
    assert str(claim.claimed) in row
    named = claim_csv(claim, {claim.lines[0]["person"]: "Asha Patel"})
    assert "Asha Patel" in named
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(claim_xlsx(claim))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "claim" and rows[1][1] == "U99001"


def test_the_claims_command_generates_and_writes_the_file(
    demo_data: None,  # noqa: F811
    tmp_path: Path,
) -> None:
    staff.record_post(ACTOR, "U99001", entry())
    out, err = StringIO(), StringIO()
    call_command(
        "claims",
        "--pcn",
        "U99001",
        "--month",
        "2023-05",
        "--generate",
        stdout=out,
        stderr=err,
    )
    assert out.getvalue().startswith("line,pcn_code,month,post,person_key,role")
    assert "U99001 2023-05: claim 1, claimed £" in err.getvalue()
    book = tmp_path / "claim.xlsx"
    call_command(
        "claims",
        "--pcn",
        "U99001",
        "--month",
        "2023-05",
        "--format",
        "xlsx",
        "--output",
        str(book),
        stderr=StringIO(),
    )
    assert book.read_bytes()[:2] == b"PK"
    shown = StringIO()
    call_command(
        "claims",
        "--pcn",
        "U99001",
        "--month",
        "2023-05",
        "--format",
        "json",
        stdout=shown,
        stderr=StringIO(),
    )
    assert json.loads(shown.getvalue())["number"] == 1
    with pytest.raises(CommandError, match="no ARRS claim for 2023-06"):
        call_command("claims", "--pcn", "U99001", "--month", "2023-06")


def test_a_backdated_uplift_gives_an_adjustment_naming_the_parameter(
    demo_data: None,  # noqa: F811
) -> None:
    """October 2024 claimed before the 1 October uplift was known (the maximum
    still £62,340), November after: November's claim adjusts October."""
    import dataclasses

    from pcnhub.rules.registry import default_parameters

    now = default_parameters()
    name = "arrs_roles.clinical_pharmacist.maximum"
    before = now.with_values(
        name,
        [
            dataclasses.replace(v, value=Decimal(62340))
            if v.start == date(2024, 10, 1)
            else v
            for v in now[name].values
        ],
    )
    staff.record_post(
        ACTOR,
        "U99001",
        entry(
            role="clinical_pharmacist",
            salary=Decimal("56000"),
            on_costs=Decimal("14000"),
            start=date(2024, 4, 1),
        ),
    )
    october = claiming.generate_claim(ACTOR, "U99001", date(2024, 10, 1), before)
    november = claiming.generate_claim(ACTOR, "U99001", date(2024, 11, 1), now)
    [adjustment] = november.adjustments
    assert adjustment["month"] == "2024-10"
    assert Decimal(adjustment["claimed"]) == october.claimed
    # The cap: £65,838 × 31 / 365 = £5,591.72, against £62,340's £5,294.63.
    assert Decimal(adjustment["due"]) == Decimal("5591.72")
    assert Decimal(adjustment["difference"]) == Decimal("297.09")
    assert "£62,340" in adjustment["reason"] and "£65,838" in adjustment["reason"]


def test_a_month_without_rules_is_refused_naming_the_month(
    demo_data: None,  # noqa: F811
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        claiming.generate_claim(ACTOR, "U99001", date(1, 1, 1))
    assert "not for January 0001" in caught.value.message_dict["month"][0]
    with pytest.raises(ValidationError):
        claiming.generate_claim(ACTOR, "U99001", date(2031, 5, 1))
