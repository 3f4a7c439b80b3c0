"""The tokens pages in a real browser on a 390px-wide phone, checked by axe-core:
make a token (an error first), see it once, use it from a script, revoke it."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
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

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs/screenshots/tokens.png"


def status_with(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            json.load(response)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_tokens_on_a_phone(
    live_server: Any, chromium_path: Path, tmp_path: Path, make_user: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    user = make_user("network_manager", "U99001")
    axe = Axe()
    api_url = f"{live_server.url}/api/register/organisations/U99001"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(
                viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
            )
            errors: list[str] = []
            page.on(
                "console",
                lambda m: errors.append(m.text) if m.type == "error" else None,
            )
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("Username").fill(user.username)
            page.get_by_label("Password", exact=True).fill("pw-" + user.username)
            page.get_by_role("button", name="Sign in").click()
            page.goto(f"{live_server.url}/account/tokens/")
            expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
            assert_accessible(page, axe)
            assert_fits_phone(page)
            page.get_by_role("button", name="Make the token").click()
            expect(page.locator(".nhsuk-error-summary")).to_contain_text(
                "Enter a name for the token"
            )
            assert page.title().startswith("Error: ")
            assert_accessible(page, axe)
            # The refused form is answered 400, which chromium logs; nothing else may.
            assert errors == [
                "Failed to load resource: the server responded with a status of "
                "400 (Bad Request)"
            ]
            errors.clear()
            page.get_by_label("Name", exact=True).fill("weekly export")
            page.get_by_role("button", name="Make the token").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "Your new API token"
            )
            text = page.get_by_label("The token").input_value()
            assert re.fullmatch(r"pcnhub_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", text)
            assert_accessible(page, axe)
            assert_fits_phone(page)
            assert status_with(api_url, text) == 200
            page.get_by_role("link", name="Back to your API tokens").click()
            assert text not in page.content()
            assert_fits_phone(page)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            page.get_by_role("link", name=re.compile("^Revoke")).click()
            assert_accessible(page, axe)
            assert_fits_phone(page)
            page.get_by_role("button", name="Revoke the token").click()
            expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
                "is revoked"
            )
            assert_accessible(page, axe)
            assert status_with(api_url, text) == 401
            assert not errors, errors
        finally:
            browser.close()
