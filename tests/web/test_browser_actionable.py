"""In a real browser: acting on a finding, and what an evaluator is shown.

* A commissioner opens a small network's page, follows its "needs commissioner
  approval" finding to the approval form, records the reason, and is taken back
  to the page, where the finding is met and cites the approval.
* An evaluator's pages and downloads (CSV, Excel) hold no clinical director's
  name, though one is recorded.

Drives Debian's chromium with Playwright and checks each page with axe-core, as
tests/web/test_browser.py does.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.browser import (  # noqa: F401 - fixtures
    allow_sync_orm_beside_playwright,
    assert_accessible,
    browser,
    chromium_path,
)
from tests.web.conftest import load_demo

from pcnhub.audit.services import Actor
from pcnhub.governance import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL = "U99004"
DAY = "2022-01-01"
REASON = "A natural community over the Keston moors, far from any other network"
DIRECTOR = "Dr Ada Lovelace"


def sign_in(browser: Any, base: str, user: Any) -> Any:
    page = browser.new_page(viewport={"width": 1024, "height": 900}, locale="en-GB")
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill("pw-" + user.username)
    page.get_by_role("button", name="Sign in").click()
    return page


def population_row(page: Any) -> Any:
    return page.locator("tr", has_text="Population")


def test_a_commissioner_approves_a_small_network_from_its_finding(
    live_server: Any, browser: Any, tmp_path: Path, make_user: Any
) -> None:
    from playwright.sync_api import expect

    load_demo(tmp_path / "demo")
    page = sign_in(browser, live_server.url, make_user("commissioner", "99Z"))
    page.goto(f"{live_server.url}/org/{SMALL}/?as_at={DAY}")
    row = population_row(page)
    expect(row).to_contain_text("Needs commissioner approval")
    assert_accessible(page)

    row.get_by_role("link", name="Record the commissioner's approval").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Approve a population below the minimum"
    )
    assert_accessible(page)
    page.get_by_label("Why the network is approved below the population minimum").fill(
        REASON
    )
    page.get_by_label("Approved from").fill("2021-04-01")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"**/org/{SMALL}/**")
    row = population_row(page)
    expect(row).to_contain_text("Met")
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text("small population approval")
    expect(
        row.get_by_role("link", name="Record the commissioner's approval")
    ).to_have_count(0)
    assert_accessible(page)


def _download(page: Any, link: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    return Path(info.value.path()).read_bytes()


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "".join(book.read(n).decode() for n in book.namelist())


def test_an_evaluator_sees_no_clinical_directors_name(
    live_server: Any, browser: Any, tmp_path: Path, make_user: Any
) -> None:
    load_demo(tmp_path / "demo")
    services.appoint_clinical_director(
        Actor(system="browser-test"),
        "U99001",
        name=DIRECTOR,
        profession="gp",
        wte=Decimal("1"),
        start=date(2021, 4, 1),
    )
    base = live_server.url
    evaluator = sign_in(browser, base, make_user("evaluator"))
    pages = [
        f"/org/U99001/?as_at={DAY}",
        f"/org/U99001/governance/?as_at={DAY}",
        f"/checks/?as_at={DAY}",
        f"/checks/?as_at={DAY}&commissioner=99Z",
        "/org/U99001/entitlements/?year=2021/22",
    ]
    for path in pages:
        evaluator.goto(base + path)
        assert DIRECTOR not in evaluator.content(), path
        assert_accessible(evaluator)
    evaluator.goto(f"{base}/checks/?as_at={DAY}&commissioner=99Z")
    assert "withheld (personal data)" in evaluator.content()
    csv_text = _download(evaluator, "Download these findings as CSV").decode()
    assert "withheld (personal data)" in csv_text
    assert DIRECTOR not in csv_text
    evaluator.goto(f"{base}/org/U99001/entitlements/?year=2021/22")
    lines = _download(evaluator, "Download every line as CSV").decode()
    assert "U99001" in lines and DIRECTOR not in lines
    workbook = _download(evaluator, "Download as an Excel workbook")
    assert "U99001" in _xlsx_text(workbook)
    assert DIRECTOR not in _xlsx_text(workbook)

    # The same pages show the name to the network's commissioner.
    commissioner = sign_in(browser, base, make_user("commissioner", "99Z"))
    commissioner.goto(f"{base}/org/U99001/?as_at={DAY}")
    assert DIRECTOR in commissioner.content()
