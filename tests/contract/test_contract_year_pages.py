"""The "How this network is paid" page and its downloads for the current contract
year (2026/27) and for 2024/25's backdated uplift: provisional figures marked,
items not computed said out loud, arrears shown as their own row."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import openpyxl
import pytest
from django.test import Client

from tests.web.conftest import demo_data, signed_in, user  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
PCN = "U99001"


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def page(client: Client, year: str) -> str:
    response = client.get(f"/org/{PCN}/entitlements/", {"year": year})
    assert response.status_code == 200
    return text_of(response)


def test_2026_27_page_marks_provisional_and_says_what_is_not_computed(
    signed_in: Client,  # noqa: F811
    demo_data: None,  # noqa: F811
) -> None:
    text = page(signed_in, "2026/27")
    assert "How this network is paid in 2026/27" in text
    assert "Enhanced Access (provisional)" in text
    assert "ARRS sum (maximum claimable) (provisional)" in text
    assert "rest on contract figures whose source pcnhub could not verify" in text
    assert "Not computed" in text
    for label in ("Core PCN funding", "Care Home Premium", "Investment and Impact"):
        assert re.search(rf"{label}[^.]*\(2026-04 to 2027-03\): not computed", text)
    assert "not published in pcnhub yet" in text
    assert "Capacity and Access" not in text
    assert "provisional: enhanced_access.rate rests on an unverified source" in text


def test_missing_inputs_are_said_on_the_page(
    signed_in: Client,  # noqa: F811
    demo_data: None,  # noqa: F811
) -> None:
    """The demo records no beds, IIF points or CAIP assessment: 2024/25 says so
    (it left the three items out without a word)."""
    text = page(signed_in, "2024/25")
    assert "Not computed" in text
    assert (
        "Care Home Premium (2024-04 to 2025-03): not computed: needs the beds" in text
    )
    assert "needs the IIF achievement (points achieved)" in text
    assert "needs the commissioner's CAIP assessment" in text
    assert "network facts file" in text


def test_2024_25_uplift_arrears_row_and_explanation(
    signed_in: Client,  # noqa: F811
    demo_data: None,  # noqa: F811
) -> None:
    text = page(signed_in, "2024/25")
    assert "Enhanced Access: arrears (a backdated change)" in text
    assert "published 2024-09-26, backdated to 2024-04" in text
    assert "arrears for 2024-04–2024-08" in text


def test_2026_27_csv_and_workbook_mark_provisional(
    signed_in: Client,  # noqa: F811
    demo_data: None,  # noqa: F811
) -> None:
    response = signed_in.get(
        f"/org/{PCN}/entitlements/", {"year": "2026/27", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows and "provisional" in rows[0]
    due = [r for r in rows if r["status"] == "due"]
    assert due and all(r["provisional"] == "yes" for r in due)
    missing = {r["item"] for r in rows if r["status"] == "not computed"}
    assert missing == {
        "core_pcn_funding",
        "care_home_premium",
        "investment_and_impact_fund",
    }
    book = openpyxl.load_workbook(
        io.BytesIO(
            signed_in.get(
                f"/org/{PCN}/entitlements/", {"year": "2026/27", "format": "xlsx"}
            ).content
        )
    )
    sheet = [r for r in book[PCN].iter_rows(values_only=True) if r and r[0]]
    marks = {r[0]: r[-1] for r in sheet}
    assert marks["Enhanced Access"] == "provisional"
    assert marks["Core PCN funding"] == "not computed"
    assert "Not computed" in book.sheetnames
