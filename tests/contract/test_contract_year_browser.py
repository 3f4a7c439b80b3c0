"""The payments page for 2026/27 and 2024/25 in a real browser: the provisional
notice, the "Not computed" list and the arrears row are readable, accessible
(axe-core) and fit a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tests.browser import (  # noqa: F401 (fixtures)
    CHROMIUM_ARGS,
    PHONE_WIDTH,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    assert_fits_phone,
    chromium_path,
)
from tests.web.conftest import PASSWORD, give_national_role, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_payments_page_says_provisional_not_computed_and_arrears(
    live_server: Any,
    chromium_path: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    give_national_role(
        get_user_model().objects.create_user(username="alice", password=PASSWORD)
    )
    axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(
                viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
            )
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()

            page.goto(f"{live_server.url}/org/U99001/entitlements/?year=2026/27")
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "How this network is paid in 2026/27"
            )
            expect(page.get_by_role("heading", name="Not computed")).to_be_visible()
            expect(page.locator("#provisional")).to_contain_text("provisional")
            expect(
                page.get_by_role("rowheader", name="Enhanced Access (provisional)")
            ).to_be_visible()
            for summary in page.locator("details summary").all():
                summary.click()
            assert_accessible(page, axe)
            assert_fits_phone(page)

            page.goto(f"{live_server.url}/org/U99001/entitlements/?year=2024/25")
            expect(
                page.get_by_role(
                    "rowheader", name="Enhanced Access: arrears (a backdated change)"
                )
            ).to_be_visible()
            expect(page.get_by_text("needs the beds").first).to_be_visible()
            assert_accessible(page, axe)
            assert_fits_phone(page)
        finally:
            browser.close()
