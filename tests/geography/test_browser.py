"""The maps in a real browser on a 390px-wide phone: axe-core (every WCAG 2.2 A
and AA rule, at any impact), the console free of errors, no request to another
server, and the screenshot of a network's map for the docs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pcnhub.audit.services import Actor
from pcnhub.geography.demo import create_demo_outlines
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

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NETWORK = "U99004"  # two districts, one far: the map shows both
DAY = "2022-06-01"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _no_violations(page: Any, axe: Any) -> None:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(n["target"][0]) for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]
    assert not found, f"axe-core on {page.url}:\n" + "\n".join(found)


def test_the_maps_on_a_phone(
    live_server: Any, chromium_path: Path, tmp_path: Path, make_user: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    create_demo_outlines(Actor(system="maps browser test"))
    user = make_user("commissioner", "99Z")
    axe = Axe()
    errors: list[str] = []
    elsewhere: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(
                viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
            )
            page.on(
                "console",
                lambda m: errors.append(m.text) if m.type == "error" else None,
            )
            page.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith(live_server.url)
                    else elsewhere.append(r.url)
                ),
            )
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("Username").fill(user.username)
            page.get_by_label("Password", exact=True).fill("pw-" + user.username)
            page.get_by_role("button", name="Sign in").click()
            for path in (
                f"/org/99Z/map/?as_at={DAY}",
                f"/uncovered/map/?commissioner=99Z&as_at={DAY}",
                f"/org/{NETWORK}/map/?as_at={DAY}",
            ):
                page.goto(live_server.url + path)
                expect(page.get_by_role("heading", level=1)).to_contain_text("Map of")
                figure = page.get_by_role("img", name="Map of")
                expect(figure).to_be_visible()
                # The map scales to the phone: as wide as the column, no wider.
                box = figure.bounding_box()
                assert box is not None and 300 < box["width"] <= PHONE_WIDTH
                expect(page.get_by_text("CC BY-SA 3.0").first).to_be_visible()
                _no_violations(page, axe)
                assert_accessible(page, axe)
                assert_fits_phone(page)
            expect(page.get_by_role("table")).to_contain_text("FERNHAM")
            page.locator("figure.pcnhub-map").screenshot(
                path=str(SCREENSHOTS / "network-map.png")
            )
        finally:
            browser.close()
    assert not errors, errors
    assert not elsewhere, elsewhere
