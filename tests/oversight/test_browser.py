"""/variability/ in a real browser on a 390px-wide phone, checked by axe-core:
the band histogram scales to the width, its table opens, the commissioner
table sorts; the console stays free of errors. Saves
docs/screenshots/variability.png (the desktop view)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pcnhub.oversight.demo import create_demo_deprivation
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
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs/screenshots/variability.png"


def test_the_variability_page_on_a_phone(
    live_server: Any,
    browser: Any,  # noqa: F811
    tmp_path: Path,
    make_user: Any,
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    load_demo(tmp_path / "demo")
    create_demo_deprivation()
    user = make_user("regional", "Y98")
    axe = Axe()
    page = browser.new_page(
        viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill("pw-" + user.username)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/variability/?as_at=2021-01-01")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Network size and variation"
    )
    chart = page.locator("#band-histogram")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] <= PHONE_WIDTH
    assert_accessible(page, axe)
    assert_fits_phone(page)

    # The chart's table: the same figures, opened from its details.
    page.locator("#band-histogram-figure summary").first.click()
    expect(page.locator("#band-histogram-figure table")).to_contain_text(
        "30,000–34,999"
    )
    assert_accessible(page, axe)

    # The commissioner table sorts on the server (on a phone its headings are
    # hidden as the table stacks, so the heading's link is followed).
    href = page.locator("a[href*='sort=c_networks']").get_attribute("href")
    page.goto(f"{live_server.url}{href}")
    expect(page.locator("body")).to_contain_text("sorted by Networks")
    assert_accessible(page, axe)
    assert_fits_phone(page)

    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{live_server.url}/variability/?as_at=2021-01-01")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert not errors, errors
