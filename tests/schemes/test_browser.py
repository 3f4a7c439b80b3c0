"""A commissioner records a scheme on a phone (an error first), then reads the
overlap report of the seed's scenario: in chromium, checked by axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pcnhub.schemes import demo
from pcnhub.schemes.models import LocalScheme
from tests.browser import (  # noqa: F401 - fixtures
    PHONE_WIDTH,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    assert_fits_phone,
    browser,
    chromium_path,
)
from tests.schemes.conftest import ACTOR
from tests.web.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_records_a_scheme_and_reads_the_report(
    live_server: Any,
    browser: Any,  # noqa: F811
    tmp_path: Path,
    make_user: Any,
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    load_demo(tmp_path / "demo")
    demo.create_demo_schemes(ACTOR)
    user = make_user("commissioner", "99Z")
    axe = Axe()
    page = browser.new_page(
        viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill("pw-" + user.username)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/org/99Z/local-schemes/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Local schemes")
    assert_accessible(page, axe)
    assert_fits_phone(page)
    page.get_by_role("link", name="Record a local scheme").click()

    page.get_by_label("Reference").fill("LCS-PHONE")
    page.get_by_label("Name", exact=True).fill("Frailty clinics")
    page.get_by_label("Locally commissioned service").check()
    page.get_by_label("Starts on").fill("2020-04-01")
    page.get_by_label("Annual funding (£)").fill("36500")
    page.get_by_label("Networks covered").fill("U88001")
    page.get_by_role("button", name="Record the scheme").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("U88001 is not")
    assert page.title().startswith("Error: ")
    assert_accessible(page, axe)
    assert_fits_phone(page)
    assert not LocalScheme.objects.filter(reference="LCS-PHONE").exists()

    page.get_by_label("Networks covered").fill("U99001")
    page.get_by_role("button", name="Record the scheme").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Frailty clinics")
    assert_accessible(page, axe)
    assert_fits_phone(page)

    page.goto(f"{live_server.url}/org/99Z/local-schemes/overlaps/?year=2020/21")
    expect(page.locator("table")).to_contain_text("Not additional")
    expect(page.locator("tfoot")).to_contain_text("Total at stake")
    assert_accessible(page, axe)
    assert_fits_phone(page)


def test_a_commissioner_ends_a_scheme_on_a_phone(
    live_server: Any,
    browser: Any,  # noqa: F811
    tmp_path: Path,
    make_user: Any,
) -> None:
    """From the scheme's page to the end form (an error first), then the page
    with the end date and the earlier version kept."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    load_demo(tmp_path / "demo")
    demo.create_demo_schemes(ACTOR)
    scheme = LocalScheme.objects.get(reference=demo.SERVICE_REFERENCE)
    user = make_user("commissioner", "99Z")
    axe = Axe()
    page = browser.new_page(
        viewport={"width": PHONE_WIDTH, "height": 844}, locale="en-GB"
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill("pw-" + user.username)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/org/99Z/local-schemes/{scheme.pk}/")
    page.get_by_role("link", name="End this scheme").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("End")
    assert_accessible(page, axe)
    assert_fits_phone(page)
    page.get_by_label("Ends on (its last day)").fill("2020-12-31")
    page.get_by_role("button", name="End the scheme").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say why")
    assert_accessible(page, axe)
    assert_fits_phone(page)

    page.get_by_label("Why the scheme ends").fill("Replaced by the DES")
    page.get_by_role("button", name="End the scheme").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("ended")
    expect(page.locator("main")).to_contain_text("to 31 December 2020")
    assert scheme.versions.count() == 2
    assert_accessible(page, axe)
    assert_fits_phone(page)
