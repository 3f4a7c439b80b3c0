"""Preparing the national entitlements file in a real browser: the downloads
page's "Prepare the file", the job's page while it waits and when it is done,
the jobs list on a phone, and the import page, each checked by axe-core."""

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
from tests.jobs.conftest import run_queued
from tests.web.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("pw-" + username)
    page.get_by_role("button", name="Sign in").click()


def test_prepare_the_national_file_and_download_it(
    live_server: Any, chromium_path: Path, tmp_path: Path, make_user: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    national = make_user("national")
    admin = make_user("admin")
    axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(
                viewport={"width": 1024, "height": 900}, locale="en-GB"
            )
            _sign_in(page, live_server.url, national.username)
            page.goto(f"{live_server.url}/downloads/entitlements/")
            prepare = page.locator(
                "form", has=page.get_by_role("button", name="Prepare the file")
            )
            prepare.get_by_label("Excel workbook (xlsx)").check()
            prepare.get_by_role("button", name="Prepare the file").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "National entitlements file (England)"
            )
            expect(page.get_by_text("Queued", exact=True)).to_be_visible()
            assert_accessible(page, axe)
            page.get_by_role("link", name="reload this page every 5 seconds").click()
            assert page.locator('meta[http-equiv="refresh"]').count() == 1
            expect(page.get_by_role("link", name="Stop reloading")).to_be_visible()
            assert run_queued() == 1
            # The page reloads itself (its <meta> refresh): the file appears.
            link = page.get_by_role("link", name="Download entitlements-england-")
            expect(link).to_be_visible(timeout=15_000)
            assert page.locator('meta[http-equiv="refresh"]').count() == 0
            assert_accessible(page, axe)
            with page.expect_download() as download:
                link.click()
            assert download.value.suggested_filename.endswith(".xlsx")
            assert Path(download.value.path()).read_bytes()[:2] == b"PK"
            page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
            page.goto(f"{live_server.url}/jobs/")
            expect(page.get_by_role("heading", level=1)).to_have_text("Your jobs")
            expect(page.get_by_text("Done", exact=True)).to_be_visible()
            assert_accessible(page, axe)
            assert_fits_phone(page)
            page.screenshot(path=str(SCREENSHOTS / "jobs.png"))

            page = browser.new_page(
                viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
            )
            _sign_in(page, live_server.url, admin.username)
            page.goto(f"{live_server.url}/jobs/import/")
            page.get_by_role("button", name="Import the file").click()
            expect(page.locator(".nhsuk-error-summary")).to_be_visible()
            assert page.title().startswith("Error: ")
            assert_accessible(page, axe)
            assert_fits_phone(page)
        finally:
            browser.close()
