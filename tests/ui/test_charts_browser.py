"""Charts in a real browser on a 390px-wide phone: a network's list sizes over
time on its page (then its entitlements by month and its ARRS claims against
the sum). axe-core finds nothing, the console has no error (a refused
style or script would be one), the chart fits the width, its table opens, and
its CSV downloads with the table's figures. Saves docs/screenshots/list-size-chart.png.
"""

from __future__ import annotations

from datetime import date
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
from tests.workforce.test_staff import entry

from pcnhub.audit.services import Actor
from pcnhub.workforce import claiming, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETWORK = "U99001"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_list_size_chart_on_a_phone(
    live_server: Any, chromium_path: Path, tmp_path: Path, make_user: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    staff.record_post(Actor(system="charts-browser-test"), NETWORK, entry())
    claiming.generate_claim(
        Actor(system="charts-browser-test"), NETWORK, date(2023, 5, 1)
    )
    user = make_user("network_manager", NETWORK)
    errors: list[str] = []
    axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(
                viewport={"width": PHONE_WIDTH, "height": 844},
                locale="en-GB",
                accept_downloads=True,
            )
            page.on(
                "console",
                lambda m: errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("Username").fill(user.username)
            page.get_by_label("Password", exact=True).fill("pw-" + user.username)
            page.get_by_role("button", name="Sign in").click()
            page.goto(f"{live_server.url}/org/{NETWORK}/?as_at=2022-01-01")
            chart = page.get_by_role("img", name=f"List size of the network {NETWORK}")
            expect(chart).to_be_visible()
            box = chart.bounding_box()
            assert box is not None and 250 < box["width"] <= PHONE_WIDTH
            # scaled, not squashed: the drawing keeps its 480 × 300 shape
            assert abs(box["height"] / box["width"] - 300 / 480) < 0.02
            assert_accessible(page, axe)
            assert_fits_phone(page)
            figure = page.locator("#list-size-chart-figure")
            figure.get_by_text("Show the figures as a table").click()
            table = page.locator("#list-size-chart-table")
            expect(table).to_be_visible()
            assert_accessible(page, axe)
            assert_fits_phone(page)
            figure.scroll_into_view_if_needed()
            SHOTS.mkdir(parents=True, exist_ok=True)
            figure.screenshot(path=str(SHOTS / "list-size-chart.png"))
            with page.expect_download() as got:
                page.locator("#list-size-chart-csv").click()
            download = got.value
            assert download.suggested_filename == "list-size-chart.csv"
            text = Path(download.path()).read_text()
            first_date = table.locator("tbody th").first.inner_text()
            assert text.splitlines()[0] == "Date,Registered patients,Weighted patients"
            assert text.splitlines()[1].startswith(first_date + ",")
            # the other charts: entitlements by month, ARRS claimed against the sum
            for path, chart_id in (
                (f"/org/{NETWORK}/entitlements/?year=2022/23", "entitlements-chart"),
                (f"/org/{NETWORK}/workforce/?year=2023/24", "arrs-spend-chart"),
            ):
                page.goto(live_server.url + path)
                expect(page.locator(f"#{chart_id}")).to_be_visible()
                assert_accessible(page, axe)
                assert_fits_phone(page)
        finally:
            browser.close()
    assert not errors, "console errors:\n" + "\n".join(errors)
