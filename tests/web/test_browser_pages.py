"""The paginated national networks page in a real browser: axe-core passes on
the first page and on the next one, reached by its "Next" link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM_ARGS,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    chromium_path,
)
from tests.web.conftest import PASSWORD, give_national_role, load_demo, make_other_area
from tests.web.test_national_pages import add_networks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AS_AT = "2022-06-01"


def test_paginated_networks_page_is_accessible_and_next_works(
    live_server: Any, chromium_path: Path, tmp_path: Path
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    make_other_area()
    add_networks(150)
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
                viewport={"width": 1280, "height": 900}, locale="en-GB"
            )
            page.goto(f"{live_server.url}/networks/?as_at={AS_AT}")
            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text("Showing 1–100 of")).to_be_visible()
            assert page.locator("tbody tr").count() == 100
            assert_accessible(page, axe)
            first_code = page.locator("tbody tr").first.inner_text()

            page.get_by_role("link", name="Next").click()
            expect(page.get_by_text("Showing 101–")).to_be_visible()
            assert "page=2" in page.url and f"as_at={AS_AT}" in page.url
            assert 0 < page.locator("tbody tr").count() <= 100
            assert page.locator("tbody tr").first.inner_text() != first_code
            assert_accessible(page, axe)

            page.get_by_role("link", name="Previous").click()
            expect(page.get_by_text("Showing 1–100 of")).to_be_visible()
        finally:
            browser.close()
