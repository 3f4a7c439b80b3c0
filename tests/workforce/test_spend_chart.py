"""The network workforce page's chart: ARRS claimed to date against the ARRS sum,
month by month, with its table, its CSV (``&format=csv``) and its API series."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from pcnhub.access.roles import Role
from pcnhub.rules.periods import ContractYear
from pcnhub.workforce import claiming, staff
from pcnhub.workforce.spend import Spend, spend_by_month, spend_chart
from tests.web.conftest import demo_data  # noqa: F401 - fixture
from tests.workforce.test_pages import ACTOR, signed_in
from tests.workforce.test_staff import entry

pytestmark = pytest.mark.django_db
URL = "/org/U99001/workforce/?year=2023/24"


def _table(html: str) -> list[list[str]]:
    found = re.search(
        r'<table class="nhsuk-table" id="arrs-spend-chart-table">(.*?)</table>',
        html,
        re.S,
    )
    assert found is not None
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)
    return [
        [unescape(c.strip()) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def _money(text: str) -> Decimal:
    return Decimal(text.replace("£", "").replace(",", ""))


def test_the_claims_are_charted_against_the_sum(demo_data: None) -> None:  # noqa: F811
    staff.record_post(ACTOR, "U99001", entry())
    may = claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    july = claiming.generate_claim(ACTOR, "U99001", date(2023, 7, 1))
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    html = manager.get(URL).content.decode()
    svg = re.search(r'<svg id="arrs-spend-chart".*?</svg>', html, re.S)
    assert svg is not None
    assert "ARRS claimed against the ARRS sum, 2023/24" in svg.group(0)
    total = may.total + july.total
    assert f"£{total:,.2f} to date" in svg.group(0)
    table = _table(html)
    assert table[0] == [
        "Month",
        "Claimed to date",
        "Claimed in the month",
        "ARRS sum",
    ]
    # April to July: nothing in April or June, the running total carried
    assert [r[0] for r in table[1:]] == ["Apr 2023", "May 2023", "Jun 2023", "Jul 2023"]
    assert [_money(r[2]) for r in table[1:]] == [0, may.total, 0, july.total]
    assert _money(table[-1][1]) == total
    arrs_sum = claiming.arrs_sum("U99001", ContractYear(2023))
    assert {_money(r[3]) for r in table[1:]} == {arrs_sum}
    # the CSV route gives the table's figures, as plain numbers
    download = manager.get(URL + "&format=csv")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == table[0]
    assert [[r[0], *map(Decimal, r[1:])] for r in rows[1:]] == [
        [r[0], *map(_money, r[1:])] for r in table[1:]
    ]
    # the API serves the same series
    api = manager.get("/api/workforce/U99001/spend?year=2023/24").json()
    assert [m["month"] for m in api["months"]] == [
        "2023-04",
        "2023-05",
        "2023-06",
        "2023-07",
    ]
    assert [Decimal(m["cumulative"]) for m in api["months"]] == [
        _money(r[1]) for r in table[1:]
    ]
    assert Decimal(api["arrs_sum"]) == arrs_sum and Decimal(api["claimed"]) == total


def test_no_claims_no_chart_and_access_unchanged(demo_data: None) -> None:  # noqa: F811
    manager = signed_in(Role.NETWORK_MANAGER, "U99001")
    html = manager.get(URL).content.decode()
    assert 'id="arrs-spend-chart"' not in html
    api = manager.get("/api/workforce/U99001/spend?year=2023/24").json()
    assert api["months"] == [] and Decimal(api["claimed"]) == 0
    assert manager.get("/org/U99002/workforce/").status_code == 403
    assert manager.get("/org/U99002/workforce/?format=csv").status_code == 403
    assert manager.get("/api/workforce/U99002/spend").status_code == 403
    assert manager.get("/api/workforce/U99001/spend?year=x").status_code == 404


def test_an_overspend_is_marked_above_the_sum() -> None:
    months = [
        claiming_month(date(2023, 4, 1), "600", "600"),
        claiming_month(date(2023, 5, 1), "600", "1200"),
    ]
    spend = Spend("U1", ContractYear(2023), Decimal("1000"), Decimal("900"), months)
    chart = spend_chart(spend)
    assert "£200.00 above the sum" in chart.description
    assert "payments file says £900.00 was paid" in chart.description
    markers = chart.lines[0].markers
    assert [m.over for m in markers] == [False, True]
    assert [r.label for r in chart.references] == [
        "ARRS sum £1,000.00",
        "Paid (payments file) £900.00",
    ]


def claiming_month(month: date, claimed: str, cumulative: str):  # type: ignore[no-untyped-def]
    from pcnhub.workforce.spend import MonthSpend

    return MonthSpend(month, Decimal(claimed), Decimal(cumulative))


def test_spend_by_month_stops_at_the_last_claim(demo_data: None) -> None:  # noqa: F811
    staff.record_post(ACTOR, "U99001", entry())
    claiming.generate_claim(ACTOR, "U99001", date(2023, 5, 1))
    spend = spend_by_month("U99001", ContractYear(2023), None)
    assert [m.month for m in spend.months] == [date(2023, 4, 1), date(2023, 5, 1)]
    assert "the ARRS sum is not known" in spend_chart(spend).description
