"""The contract pages: a network's checks, the checks page, how a network is paid."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from pcnhub.contract import exports
from pcnhub.register import demo, queries
from pcnhub.rules.checks import OUTCOMES
from pcnhub.web.presenters import covered_years, fmt_money, fmt_patients

pytestmark = pytest.mark.django_db

DAY = "2022-01-01"
SMALL_PCN = "U99004"  # under 30,000 registered patients on DAY
BIG_PCN = "U99001"
YEAR = "2021/22"

PAGES = [
    f"/checks/?as_at={DAY}",
    f"/checks/?as_at={DAY}&commissioner=99Z",
    f"/checks/?as_at={DAY}&outcome=breach",
    f"/checks/?as_at={DAY}&format=csv",
    f"/org/{SMALL_PCN}/?as_at={DAY}",
    f"/org/99Z/?as_at={DAY}",
    f"/org/{BIG_PCN}/entitlements/?year={YEAR}",
    f"/org/{BIG_PCN}/entitlements/?year={YEAR}&format=csv",
    f"/org/{BIG_PCN}/entitlements/?year={YEAR}&format=xlsx",
    f"/org/{BIG_PCN}/entitlements/",
]


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The main content's text, tags removed and spaces collapsed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def rows_of(html: str) -> list[str]:
    """The HTML of each body row of every table on the page."""
    bodies = html.split('<tbody class="nhsuk-table__body">')[1:]
    return [
        row
        for body in bodies
        for row in body.split("</tbody>")[0].split("</tr>")
        if "<td" in row or "<th" in row
    ]


def cells(row: str) -> list[str]:
    """The text of each cell of a table row."""
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in found]


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode())))


TAG = '<strong class="nhsuk-tag nhsuk-tag--{}">{}</strong>'


# Access ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_every_contract_page_needs_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("url", PAGES)
def test_every_contract_page_renders(
    signed_in: Client, demo_data: None, url: str
) -> None:
    assert signed_in.get(url).status_code == 200


def test_navigation_links_to_the_checks_page(signed_in: Client) -> None:
    html = signed_in.get("/", {"as_at": DAY}).content.decode()
    assert "Contract checks" in html
    assert f'href="/checks/?as_at={DAY}"' in html


# A network's page -------------------------------------------------------------------


def test_small_network_needs_commissioner_approval(
    signed_in: Client, demo_data: None
) -> None:
    registered = queries.population(SMALL_PCN, date(2022, 1, 1)).registered
    assert 0 < registered < 30_000
    response = signed_in.get(f"/org/{SMALL_PCN}/", {"as_at": DAY})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="contract-checks"' in html
    (row,) = [r for r in rows_of(html) if "Population in the normal band" in r]
    assert TAG.format("orange", "Needs commissioner approval") in row
    assert f"{fmt_patients(registered)} registered patients is below" in row
    assert "Registered population: " + fmt_patients(registered) in unescape(row)
    # the most serious finding comes first
    checks = html.split('id="contract-checks"')[1]
    first = rows_of(checks)[0]
    assert "Population in the normal band" in first
    # and the network's page leads to how it is paid
    assert f"/org/{SMALL_PCN}/entitlements/?year=2021%2F22&amp;as_at={DAY}" in html
    assert "How this network is paid in 2021/22" in text_of(response)


def test_outcomes_have_their_colours(signed_in: Client, demo_data: None) -> None:
    html = signed_in.get("/checks/", {"as_at": DAY}).content.decode()
    for colour, text in (
        ("red", "Breach"),
        ("orange", "Needs commissioner approval"),
        ("yellow", "Warning"),
        ("grey", "Not known"),
        ("green", "Met"),
    ):
        assert TAG.format(colour, text) in html


def test_network_with_no_members_has_nothing_to_check(
    signed_in: Client, demo_data: None
) -> None:
    before = date(2018, 1, 1)
    assert not queries.members_of(BIG_PCN, before)
    response = signed_in.get(f"/org/{BIG_PCN}/", {"as_at": before.isoformat()})
    assert response.status_code == 200
    assert (
        "had no member practices on 1 January 2018, so there is nothing to check"
        in (text_of(response))
    )


def test_commissioner_page_links_to_its_checks(
    signed_in: Client, demo_data: None
) -> None:
    html = signed_in.get("/org/99Z/", {"as_at": DAY}).content.decode()
    assert (
        f'href="/checks/?commissioner=99Z&amp;as_at={DAY}">'
        "Contract checks for this commissioner</a>"
    ) in html


# The checks page --------------------------------------------------------------------


def test_checks_page_puts_the_most_serious_first(
    signed_in: Client, demo_data: None
) -> None:
    html = signed_in.get("/checks/", {"as_at": DAY}).content.decode()
    order = {outcome: i for i, outcome in enumerate(OUTCOMES)}
    seen = []
    for row in rows_of(html):
        match = re.search(r'class="nhsuk-tag nhsuk-tag--\w+">([^<]+)<', row)
        assert match, row
        seen.append(order[match[1].lower()])
    assert seen and seen == sorted(seen)
    assert demo.UNCOVERED_PRACTICE_CODE in html
    assert "All outcomes (" in html


def test_checks_filter_by_outcome(signed_in: Client, demo_data: None) -> None:
    response = signed_in.get("/checks/", {"as_at": DAY, "outcome": "breach"})
    rows = rows_of(response.content.decode())
    assert rows
    assert all(TAG.format("red", "Breach") in row for row in rows)
    approval = signed_in.get(
        "/checks/", {"as_at": DAY, "outcome": "needs-commissioner-approval"}
    )
    assert SMALL_PCN in approval.content.decode()
    bad = signed_in.get("/checks/", {"as_at": DAY, "outcome": "dreadful"})
    assert bad.status_code == 400
    assert "is not an outcome" in text_of(bad)


def test_checks_for_one_commissioner(signed_in: Client, demo_data: None) -> None:
    # 98Z merged into 99Z on 2021-04-01: before that it has its own networks.
    before = "2021-03-01"
    response = signed_in.get("/checks/", {"as_at": before, "commissioner": "98Z"})
    assert response.status_code == 200
    rows = csv_rows(
        signed_in.get(
            "/checks/", {"as_at": before, "commissioner": "98Z", "format": "csv"}
        )
    )
    assert rows[1:] and {row[2] for row in rows[1:]} == {"98Z"}
    unknown = signed_in.get("/checks/", {"as_at": DAY, "commissioner": "NOSUCH"})
    assert unknown.status_code == 404
    assert "NOSUCH" in text_of(unknown)


def test_checks_csv(signed_in: Client, demo_data: None) -> None:
    response = signed_in.get("/checks/", {"as_at": DAY, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'attachment; filename="checks-{DAY}.csv"' == response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == exports.FINDING_COLUMNS
    assert rows[0] == [
        "pcn_code",
        "practice_code",
        "commissioner_code",
        "rule",
        "outcome",
        "message",
        "evidence",
        "source",
    ]
    uncovered = [r for r in rows[1:] if r[1] == demo.UNCOVERED_PRACTICE_CODE]
    assert uncovered and uncovered[0][3:5] == ["coverage.all_practices", "breach"]
    outcomes = [OUTCOMES.index(r[4]) for r in rows[1:]]
    assert outcomes == sorted(outcomes)
    only = csv_rows(
        signed_in.get("/checks/", {"as_at": DAY, "format": "csv", "outcome": "met"})
    )
    assert only[1:] and {r[4] for r in only[1:]} == {"met"}
    assert (
        signed_in.get("/checks/", {"as_at": "nope", "format": "csv"}).status_code == 400
    )


# How a network is paid ------------------------------------------------------------


def test_entitlements_page_shows_core_funding(
    signed_in: Client, demo_data: None
) -> None:
    registered = queries.population(
        BIG_PCN, date(2021, 4, 1), lists_at=date(2021, 1, 1)
    ).registered
    core = registered * Decimal("1.50")
    response = signed_in.get(f"/org/{BIG_PCN}/entitlements/", {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    (row,) = [cells(r) for r in rows_of(html) if cells(r)[0] == "Core PCN funding"]
    assert len(row) == 14  # the item, twelve months and the year
    assert row[-1] == fmt_money(core)
    text = text_of(response)
    assert "How this network is paid in 2021/22" in text
    assert "Total to the nominated payee" in text
    # The totals row is the UI kit's <tfoot>: the items' year figures added up,
    # the same as the summary's total.
    items = html.split('id="items-by-month"')[1].split("</table>")[0]
    foot = items.split('<tfoot class="nhsuk-table__foot">')[1].split("</tfoot>")[0]
    total = cells(foot)
    assert total[0] == "Total to the nominated payee"
    body = [cells(r) for r in rows_of(items)]
    year = sum((Decimal(r[-1].strip("£").replace(",", "")) for r in body), Decimal(0))
    assert total[-1] == fmt_money(year)
    summary = re.search(
        r"Total to the nominated payee (£[\d,.]+) Network Participation", text
    )
    assert summary and summary.group(1) == total[-1]
    assert "Network Participation Payment" in text
    # each member practice's participation payment, to the practice
    for code in queries.members_of(BIG_PCN, date(2021, 4, 1)):
        assert f"/org/{code}/" in html
    # how it was worked out: the trace of the first month
    assert "How this was calculated: Core PCN funding" in text
    assert (
        f"Core PCN funding 2021-04–2022-03: {fmt_patients(registered)} registered "
        f"× £1.50 = {fmt_money(core)}"
    ) in text
    assert "instalment 1 of 12" in text
    assert 'class="nhsuk-details' in html
    # national sums shared with networks not in the register
    assert "networks not in the register" in text
    assert 'class="nhsuk-inset-text' in html
    # a phone scrolls the table sideways rather than the page
    assert 'class="nhsuk-scroll"' in html or "nhsuk-scroll " in html


def test_entitlements_when_the_members_change(
    signed_in: Client, demo_data: None
) -> None:
    response = signed_in.get(
        f"/org/{demo.MOVED_TO_PCN_CODE}/entitlements/", {"year": YEAR}
    )
    text = text_of(response)
    assert f"From October 2021: {demo.MOVED_PRACTICE_CODE} joined." in text
    assert "April 2021 to September 2021" in text
    assert "October 2021 to March 2022" in text
    assert "instalment 7 of 12" in text


def test_entitlements_year_picker_and_default(
    signed_in: Client, demo_data: None
) -> None:
    html = signed_in.get(
        f"/org/{BIG_PCN}/entitlements/", {"year": "2022-23"}
    ).content.decode()
    options = re.findall(r"<option([^>]*)>", html)
    chosen = [o.split()[0] for o in options if "selected" in o]
    assert chosen == ['value="2022/23"']
    assert len(options) == len(covered_years())
    default = signed_in.get(f"/org/{BIG_PCN}/entitlements/", {"as_at": "2020-06-01"})
    assert "How this network is paid in 2020/21" in text_of(default)


def test_entitlements_csv(signed_in: Client, demo_data: None) -> None:
    response = signed_in.get(
        f"/org/{BIG_PCN}/entitlements/", {"year": YEAR, "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="entitlements-{BIG_PCN}-2021-22.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == exports.LINE_COLUMNS
    assert {r[0] for r in rows[1:]} == {BIG_PCN}
    core = [Decimal(r[4]) for r in rows[1:] if r[3] == "core_pcn_funding"]
    assert len(core) == 12


def test_entitlements_xlsx(signed_in: Client, demo_data: None) -> None:
    response = signed_in.get(
        f"/org/{BIG_PCN}/entitlements/", {"year": YEAR, "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert "entitlements-U99001-2021-22.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "All networks" in book.sheetnames
    assert BIG_PCN in book.sheetnames
    cells = {c.value for row in book["All networks"].iter_rows() for c in row}
    assert BIG_PCN in cells


@pytest.mark.parametrize("year", ["2030/31", "2021/23", "twenty"])
def test_unknown_year_is_a_404(signed_in: Client, demo_data: None, year: str) -> None:
    response = signed_in.get(f"/org/{BIG_PCN}/entitlements/", {"year": year})
    assert response.status_code == 404
    text = text_of(response)
    assert "There is a problem" in text
    assert "2021/22" in text  # the years it does cover
    download = signed_in.get(
        f"/org/{BIG_PCN}/entitlements/", {"year": year, "format": "xlsx"}
    )
    assert download.status_code == 404


def test_entitlements_of_something_else_is_a_404(
    signed_in: Client, demo_data: None
) -> None:
    practice = signed_in.get(f"/org/{demo.MOVED_PRACTICE_CODE}/entitlements/")
    assert practice.status_code == 404
    assert "is not a primary care network" in text_of(practice)
    assert signed_in.get("/org/NOSUCH/entitlements/").status_code == 404
