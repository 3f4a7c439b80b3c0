"""In a real browser: a network manager enters a post, generates the month's
claim, and sees the flagged post explained — on a desktop and on a phone,
checked by axe-core. Also writes the README's screenshot of a claim."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM_ARGS,
    PHONE_WIDTH,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    assert_fits_phone,
    chromium_path,
)
from tests.web.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETWORK = "U99001"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("pw-" + username)
    page.get_by_role("button", name="Sign in").click()


def _enter_post(page: Any) -> None:
    page.get_by_role("link", name="Record a post").click()
    page.get_by_label("Name", exact=True).fill("Nadia Hussain")
    page.get_by_label("Role", exact=True).select_option(
        "social_prescribing_link_worker"
    )
    page.get_by_label("Whole-time equivalent (WTE)").fill("1")
    page.get_by_label("Annual salary (£)").fill("27500")
    page.get_by_label("Start date").fill("2019-01-07")
    # Funded by the commissioner's local scheme before the ARRS: not additional.
    page.get_by_label("A local scheme (funded by the commissioner)").check()
    page.get_by_role("button", name="Save").click()


def test_enter_staff_generate_a_claim_and_see_the_flag_explained(
    live_server: Any, chromium_path: Path, tmp_path: Path, make_user: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    user = make_user("network_manager", NETWORK)
    axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            _sign_in(page, live_server.url, user.username)
            page.goto(f"{live_server.url}/org/{NETWORK}/workforce/?year=2019/20")
            # A form with a mistake first: the error names the field.
            page.get_by_role("link", name="Record a post").click()
            page.get_by_role("button", name="Save").click()
            expect(page.locator(".nhsuk-error-summary")).to_contain_text(
                "Enter the person's name"
            )
            assert_accessible(page, axe)
            page.go_back()
            page.goto(f"{live_server.url}/org/{NETWORK}/workforce/?year=2019/20")
            _enter_post(page)
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "social prescribing link worker"
            )
            expect(page.get_by_text("Nadia Hussain").first).to_be_visible()
            page.goto(f"{live_server.url}/org/{NETWORK}/workforce/?year=2019/20")
            page.get_by_label("Month").fill("2019-07")
            page.get_by_role("button", name="Generate the month’s claim").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "ARRS claim for July 2019"
            )
            flagged = page.locator(".pcnhub-flagged").first
            expect(flagged).to_contain_text("Not additional: funded by a local scheme")
            flagged.get_by_text("How this line is worked out").click()
            expect(flagged.locator("pre")).to_contain_text(
                "social_prescribing_link_worker.maximum"
            )
            assert_accessible(page, axe)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "arrs-claim.png"), full_page=True)
            page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
            page.reload()  # the header lays itself out for the width on load
            assert_fits_phone(page)
            page.goto(f"{live_server.url}/org/{NETWORK}/workforce/?year=2019/20")
            assert_fits_phone(page)
            assert_accessible(page, axe)
        finally:
            browser.close()
