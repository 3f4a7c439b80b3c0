"""The workforce plan page in a real browser on a 390px-wide phone, checked by
axe-core: the chart scales to the width, the forms' errors are summarised."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pcnhub.audit.services import Actor
from pcnhub.workforce import staff
from pcnhub.workforce.plan_demo import create_demo_plan
from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM_ARGS,
    PHONE_WIDTH,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    assert_fits_phone,
    chromium_path,
)
from tests.web.conftest import load_demo
from tests.workforce.test_staff import entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETWORK = "U99001"


def test_the_plan_page_on_a_phone(
    live_server: Any, chromium_path: Path, tmp_path: Path, make_user: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    actor = Actor(system="plan-browser-test")
    staff.record_post(
        actor,
        NETWORK,
        entry(
            role="pharmacy_technician", salary=Decimal("30000"), start=date(2023, 4, 1)
        ),
    )
    create_demo_plan(actor)
    user = make_user("network_manager", NETWORK)
    shots = Path(os.environ.get("PCNHUB_PLAN_SHOTS", str(tmp_path)))
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
            page.goto(f"{live_server.url}/org/{NETWORK}/workforce/plan/?year=2024/25")
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "Workforce plan for 2024/25"
            )
            chart = page.locator("#plan-chart")
            expect(chart).to_be_visible()
            box = chart.bounding_box()
            assert box is not None and box["width"] <= PHONE_WIDTH
            assert_accessible(page, axe)
            assert_fits_phone(page)
            chart.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "plan-phone.png"), full_page=True)
            page.locator(".pcnhub-plan-chart").screenshot(
                path=str(shots / "plan-chart-phone.png")
            )
            page.get_by_role("link", name="Add a planned post").click()
            page.get_by_role("button", name="Save").click()
            expect(page.locator(".nhsuk-error-summary")).to_be_visible()
            assert page.title().startswith("Error: ")
            assert_accessible(page, axe)
            assert_fits_phone(page)
        finally:
            browser.close()
