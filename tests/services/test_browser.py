"""The services pages in a real browser on a 390px-wide phone, checked by axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pcnhub.audit.services import Actor
from pcnhub.services.demo import create_demo_services
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


def test_services_pages_on_a_phone(
    live_server: Any, chromium_path: Path, tmp_path: Path, make_user: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    create_demo_services(Actor(system="services-browser-test"))
    user = make_user("network_manager", NETWORK)
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
            page.get_by_label("Username").fill(user.username)
            page.get_by_label("Password", exact=True).fill("pw-" + user.username)
            page.get_by_role("button", name="Sign in").click()
            page.goto(f"{live_server.url}/org/{NETWORK}/services/?year=2024/25")
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "Services in 2024/25"
            )
            expect(page.get_by_text("Below the minimum").first).to_be_visible()
            assert_accessible(page, axe)
            assert_fits_phone(page)
            page.locator("#access").scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "services-phone.png"))
            page.get_by_role("link", name="Record delivery or access hours").click()
            page.get_by_role("button", name="Save access hours").click()
            expect(page.locator(".nhsuk-error-summary")).to_be_visible()
            assert page.title().startswith("Error: ")
            assert_accessible(page, axe)
            assert_fits_phone(page)
        finally:
            browser.close()
