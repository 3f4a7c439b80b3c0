"""A commissioner follows the link from a not-computed Care Home Premium line,
records the beds, and sees the premium's amount: in chromium, on a phone,
checked by axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pcnhub.governance.models import ContractInputs
from tests.browser import (  # noqa: F401 - fixtures
    PHONE_WIDTH,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    assert_fits_phone,
    browser,
    chromium_path,
)
from tests.web.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETWORK = "U99001"


def test_commissioner_records_beds_from_the_payments_page(
    live_server: Any,
    browser: Any,  # noqa: F811
    tmp_path: Path,
    make_user: Any,
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    load_demo(tmp_path / "demo")
    user = make_user("commissioner", "99Z")
    axe = Axe()
    page = browser.new_page(
        viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill("pw-" + user.username)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/org/{NETWORK}/entitlements/?year=2024/25")
    missing = page.locator("#not-computed + ul li", has_text="Care Home Premium")
    expect(missing).to_contain_text("not computed: needs the beds")
    premium_rows = page.locator("table tr", has_text="Care Home Premium")
    expect(premium_rows).to_have_count(0)  # no amount to show yet
    assert_accessible(page, axe)
    missing.get_by_role("link", name="Record the care home beds").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Contract inputs")
    expect(page.get_by_label("Holds from")).to_have_value("2024-04-01")
    assert_accessible(page, axe)
    assert_fits_phone(page)

    # Sent with a bad count first: the error summary, nothing written.
    page.get_by_label("Care home beds (optional)").fill("-3")
    page.get_by_label("Reason for this change").fill("beds counted with the homes")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter the beds as a whole number of 0 or more"
    )
    assert page.title().startswith("Error: ")
    assert not ContractInputs.objects.exists()
    assert_accessible(page, axe)

    page.get_by_label("Care home beds (optional)").fill("120")
    page.get_by_role("button", name="Save").click()

    # Back on the payments page: the premium has an amount now.
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "How this network is paid in 2024/25"
    )
    expect(page.locator("#not-computed + ul")).not_to_contain_text("Care Home Premium")
    expect(premium_rows.first).to_contain_text("£")
    assert ContractInputs.objects.get().care_home_beds == 120
    assert_accessible(page, axe)
