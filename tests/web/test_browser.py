"""The pages in a real browser (Debian's chromium, driven by Playwright).

Signs in, searches for a practice by name, opens it, follows the link to its
network and sees the members; runs axe-core on every page visited; and saves
screenshots of a network's page for the README (docs/screenshots/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM_ARGS,
    PHONE_WIDTH,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    assert_fits_phone,
    chromium_path,
)
from tests.web.conftest import PASSWORD, give_national_role, load_demo

from pcnhub.register import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AS_AT = "2022-01-01"


def test_sign_in_search_practice_then_its_network(
    live_server: Any, chromium_path: Path, tmp_path: Path
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    give_national_role(
        get_user_model().objects.create_user(username="alice", password=PASSWORD)
    )
    axe = Axe()
    practice = demo.MOVED_PRACTICE_CODE
    network = demo.MOVED_TO_PCN_CODE

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(
                viewport={"width": 1280, "height": 900}, locale="en-GB"
            )

            # Any page sends an anonymous user to sign in, then back.
            page.goto(f"{live_server.url}/networks/?as_at={AS_AT}")
            expect(
                page.get_by_role("heading", name="Sign in to pcnhub")
            ).to_be_visible()
            assert_accessible(page, axe)
            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "Networks open on 1 January 2022"
            )
            assert_accessible(page, axe)

            # Search a practice by part of its name, from the header.
            page.get_by_role("searchbox", name="Search organisations").fill(
                "ormston road"
            )
            page.get_by_role("button", name="Search", exact=True).first.click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Search results")
            assert "as_at=" + AS_AT in page.url
            assert_accessible(page, axe)

            page.get_by_role("link", name=practice, exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "ORMSTON ROAD SURGERY"
            )
            assert_accessible(page, axe)

            # Follow the link to its network on that date.
            page.locator(".nhsuk-summary-list").get_by_role(
                "link", name=f"({network})"
            ).click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                demo.DEMO_PCNS[network]
            )
            members = page.get_by_role("table", name="Member practices")
            expect(members).to_contain_text(practice)
            expect(members).to_contain_text("Total")
            assert_accessible(page, axe)

            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "pcn.png"), full_page=True)

            page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
            page.reload()
            expect(members).to_contain_text(practice)
            assert_accessible(page, axe)
            assert_fits_phone(page)
            page.screenshot(path=str(SCREENSHOTS / "pcn-phone.png"), full_page=True)

            # The other pages, on a phone.
            for path in (
                "/",
                "/?q=surgery",
                "/networks/",
                "/uncovered/",
                f"/org/{demo.DEMO_REGION_CODE}/",
                f"/org/{demo.DEMO_SYSTEM_CODE}/",
                "/org/99Z/",
                f"/org/{practice}/",
                "/org/NOSUCH/",
                "/checks/",
                "/checks/?outcome=breach",
                "/checks/?commissioner=99Z&outcome=needs-commissioner-approval",
                "/checks/?commissioner=NOSUCH",
                f"/org/{demo.FAR_PRACTICE_PCN_CODE}/",
                f"/org/{network}/entitlements/?year=2021/22",
                f"/org/{network}/entitlements/?year=2030/31",
            ):
                joiner = "&" if "?" in path else "?"
                page.goto(f"{live_server.url}{path}{joiner}as_at={AS_AT}")
                assert_accessible(page, axe)
                assert_fits_phone(page)

            # How a network is paid, every calculation open, on a phone: the
            # month-by-month tables scroll sideways inside the page.
            page.goto(f"{live_server.url}/org/{network}/entitlements/?year=2021/22")
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "How this network is paid in 2021/22"
            )
            for summary in page.locator("details summary").all():
                summary.click()
            expect(page.get_by_text("October 2021 to March 2022").first).to_be_visible()
            assert_accessible(page, axe)
            assert_fits_phone(page)
            page.goto(f"{live_server.url}/networks/?as_at=not-a-date")
            expect(page.locator(".nhsuk-error-summary")).to_be_visible()
            assert_accessible(page, axe)
            assert_fits_phone(page)
        finally:
            browser.close()
