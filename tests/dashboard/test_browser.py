"""The dashboard in a real browser on a 390px-wide phone, at national,
commissioner and network level: axe-core finds nothing serious, nothing scrolls
sideways, the console stays free of errors. Saves
docs/screenshots/dashboard-<level>.png (the phone view, whole page)."""

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
from tests.web.conftest import load_demo, make_other_area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LEVELS = {
    "national": ("national", None, "England"),
    "commissioner": ("commissioner", "99Z", "NHS Wendmoor CCG (99Z)"),
    "network": ("clinical_director", "U99011", "(U99011)"),
}


def test_dashboard_on_a_phone_at_every_level(
    live_server: Any, chromium_path: Path, tmp_path: Path, make_user: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    make_other_area()
    axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            for level, (role, org, caption) in LEVELS.items():
                user = make_user(role, org)
                context = browser.new_context(
                    viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
                )
                page = context.new_page()
                errors: list[str] = []
                page.on(
                    "console",
                    lambda m, e=errors: e.append(m.text) if m.type == "error" else None,
                )
                page.on("pageerror", lambda x, e=errors: e.append(str(x)))
                page.goto(f"{live_server.url}/login/")
                page.get_by_label("Username").fill(user.username)
                page.get_by_label("Password", exact=True).fill("pw-" + user.username)
                page.get_by_role("button", name="Sign in").click()
                page.goto(f"{live_server.url}/?as_at=2022-05-01&since=2021-01-01")
                expect(page.locator("#dashboard-counts")).to_be_visible()
                expect(page.get_by_text(caption).first).to_be_visible()
                expect(page.locator("#dashboard-changes")).to_contain_text("Z93005")
                assert_accessible(page, axe)
                assert_fits_phone(page)
                assert not errors, f"{level}: console errors {errors}"
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(
                    path=str(SCREENSHOTS / f"dashboard-{level}.png"), full_page=True
                )
                context.close()
        finally:
            browser.close()
