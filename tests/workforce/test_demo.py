"""``pcnhub demo`` records staff and claims that show every kind of claim line,
and the seed's scenario, flagged with the amount at stake."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from pcnhub.rules.periods import ContractYear
from pcnhub.schemes.overlaps import DOUBLE, NOT_ADDITIONAL, overlap_report
from pcnhub.workforce.models import MonthlyClaim

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _codes(claim: MonthlyClaim) -> set[str]:
    return {f["code"] for line in claim.lines for f in line["findings"]}


def test_the_demo_claims_show_every_kind_of_line(demo: str) -> None:
    assert "demo staff posts and their claims" in demo
    march = MonthlyClaim.objects.get(network_code="U99001", month=date(2024, 3, 1))
    assert "capped" in _codes(march)
    assert march.adjustments and march.adjusted > 0
    assert "Pay award" in march.adjustments[0]["reason"]
    theirs = MonthlyClaim.objects.get(network_code="U99002", month=date(2024, 3, 1))
    assert "claimed_twice" in _codes(theirs)
    # Each of the year's twelve months is claimed once per network.
    assert MonthlyClaim.objects.filter(contract_year="2023/24").count() == 24


def test_the_demo_holds_the_seed_scenario(demo: str) -> None:
    report = overlap_report(ContractYear.parse("2020/21"), commissioner="99Z")
    rows = [r for r in report.rows if r.kind == NOT_ADDITIONAL]
    assert len(rows) == 15
    assert all(r.amount > Decimal(0) for r in rows)
    assert any(r.kind == DOUBLE for r in report.rows)
