"""The audit trail page in a real browser: accessible, fits a phone, and its
"Before and after" opens; the sign-in lockout page likewise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from tests.audit.helpers import entry
from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM_ARGS,
    PHONE_WIDTH,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    chromium_path,
)
from tests.web.conftest import PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trail_page_and_lockout_in_a_browser(
    live_server: Any, chromium_path: Path, tmp_path: Path
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    alice = get_user_model().objects.create_user("alice", password=PASSWORD)
    grant(Actor(system="tests"), alice, Role.NATIONAL)
    for i in range(55):
        entry(
            f"U99001 agreement {i}",
            ["U99001", "99Z"],
            entity_type="network agreement",
            action="change",
            actor=Actor(user=alice),
            before={"status": "draft", "signed_by": ["Z91001"]},
            after={"status": "signed", "signed_by": ["Z91001", "Z91002", "Z91003"]},
            reason="all member practices signed the 2024/25 agreement schedule",
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
            page.goto(f"{live_server.url}/audit/")
            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
            page.get_by_label("Type of record").select_option("network agreement")
            page.get_by_role("button", name="Apply filters").click()
            expect(page.get_by_text("55 entries matching the filters")).to_be_visible()
            first = page.locator("details").first
            first.locator("summary").click()
            expect(first.get_by_text("signed", exact=True)).to_be_visible()
            assert_accessible(page, axe)
            page.get_by_role("link", name="Page 2").click()
            expect(page.get_by_text("Showing 51 to 55")).to_be_visible()

            phone = browser.new_page(
                viewport={"width": PHONE_WIDTH, "height": 800}, locale="en-GB"
            )
            phone.context.add_cookies(page.context.cookies())
            phone.goto(f"{live_server.url}/org/U99001/audit/")
            expect(phone.get_by_role("heading", level=1)).to_contain_text(
                "Audit trail of U99001"
            )
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE_WIDTH, f"{width}px wide on a phone"
            assert_accessible(phone, axe)

            # Too many failed sign-ins: the lockout page.
            locked = browser.new_page(locale="en-GB")
            for attempt in range(6):
                locked.goto(f"{live_server.url}/login/")
                locked.get_by_label("Username").fill("alice")
                locked.get_by_label("Password", exact=True).fill(f"wrong-{attempt}")
                locked.get_by_role("button", name="Sign in").click()
            expect(locked.get_by_role("heading", level=1)).to_have_text(
                "You cannot sign in for now"
            )
            assert_accessible(locked, axe)
        finally:
            browser.close()
