"""The formation journey in a real browser (Debian's chromium, Playwright).

A PCN manager applies to register a network below the population band without a
reason → the checks flag it; adds a reason and submits again; the practice
confirms; the commissioner approves with conditions → the register shows the
network from the approval's effective date → the audit trail lists every step.
axe-core runs on every page of the journey.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pcnhub.access.demo import DEMO_PASSWORD, create_demo_users
from pcnhub.audit.services import Actor
from pcnhub.workflow.models import Application
from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM_ARGS,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    assert_fits_phone,
    chromium_path,
)
from tests.web.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETWORK_CODE = "U99013"


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fill_date(page: Any, name: str, day: str, month: str, year: str) -> None:
    page.fill(f"[name='{name}-day']", day)
    page.fill(f"[name='{name}-month']", month)
    page.fill(f"[name='{name}-year']", year)


def fill_registration(page: Any) -> None:
    page.fill("[name=network_name]", "Fernham Vale PCN")
    commissioner = page.locator("[name=commissioner]")
    if commissioner.evaluate("e => e.tagName") == "SELECT":
        commissioner.select_option("99Z")
    else:
        commissioner.fill("99Z")
    fill_date(page, "effective_from", "1", "6", "2022")
    page.fill("[name=practices]", "Z93030")
    page.fill("[name=cd1_name]", "Dr Ada Lovelace")
    page.check("[name=cd1_profession][value=gp]")
    page.fill("[name=cd1_wte]", "0.25")
    page.check("[name=payee_kind][value=member_practice]")
    page.fill("[name=payee_code]", "Z93030")
    page.check("[name=agreement_status][value=signed]")
    fill_date(page, "agreement_signed_on", "15", "5", "2022")
    page.check("[name=agreement_schedules_complete][value=yes]")
    page.check("[name=data_sharing_status][value=signed]")
    fill_date(page, "data_sharing_signed_on", "15", "5", "2022")
    page.check("[name=operating_model][value=flat_practice_network]")
    page.fill("[name=contract_holder]", "each member practice")


def population_finding(page: Any) -> str:
    """The population check's row of the latest checks table."""
    row = page.locator("table.pcnhub-findings tr", has_text="is below").first
    return row.inner_text()


def test_manager_applies_commissioner_approves_register_and_audit_show_it(
    live_server: Any,
    chromium_path: Path,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    create_demo_users(Actor(system="browser test"))
    axe = Axe()
    base = live_server.url

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(
                viewport={"width": 1280, "height": 900}, locale="en-GB"
            )
            # 1. The PCN manager starts a registration, without a reason.
            sign_in(page, base, "manager")
            page.goto(f"{base}/applications/new/")
            assert_accessible(page, axe)
            page.check("input[value=registration]")
            page.get_by_role("button", name="Continue").click()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_accessible(page, axe)
            fill_registration(page)
            page.get_by_role("button", name="Save as draft").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("APP-")
            reference = page.url.rstrip("/").split("/")[-1]

            # 2. Submitted without a reason: the population check flags it.
            page.get_by_role("button", name="Submit to the commissioner").click()
            expect(page.locator("main")).to_contain_text("no reason")
            assert "Breach" in population_finding(page) or "breach" in (
                population_finding(page)
            )
            assert_accessible(page, axe)

            # 3. The manager adds a reason and submits again.
            page.get_by_role("button", name="Change", exact=True).click()
            page.fill(
                "[name=small_population_reason]",
                "A remote moorland valley, 25 km from the nearest network",
            )
            page.get_by_role("button", name="Save changes").click()
            page.get_by_role("button", name="Submit to the commissioner").click()
            expect(page.locator("main")).to_contain_text("A remote moorland valley")
            assert "approval" in population_finding(page).lower()

            # 4. The practice confirms it wants to be in the network.
            sign_in(page, base, "practice")
            page.goto(f"{base}/applications/{reference}/")
            page.get_by_role("button", name="Confirm for Z93030").click()
            expect(page.locator("main")).to_contain_text("Confirmed")
            assert_accessible(page, axe)

            # 5. The commissioner finds it in the queue and approves with conditions.
            sign_in(page, base, "commissioner")
            page.goto(f"{base}/applications/")
            assert_accessible(page, axe)
            page.get_by_role("link", name=reference).first.click()
            page.get_by_role("button", name="Decide on this application").click()
            assert_accessible(page, axe)
            page.check("[name=outcome][value=approved_with_conditions]")
            page.fill("[name=reasons]", "A natural community; LMC consulted")
            page.fill("[name=conditions]", "Review the population in April 2023")
            page.fill("[name=network_code]", NETWORK_CODE)
            page.get_by_role("button", name="Record the decision").click()
            expect(page.locator("main")).to_contain_text(NETWORK_CODE)
            assert_accessible(page, axe)

            # 6. The register shows the network from the approval's date, not before.
            page.goto(f"{base}/org/{NETWORK_CODE}/?as_at=2022-06-01")
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "Fernham Vale PCN"
            )
            expect(page.locator("main")).to_contain_text("Z93030")
            assert_accessible(page, axe)
            page.goto(f"{base}/networks/?as_at=2022-05-31")
            expect(page.locator("main")).not_to_contain_text(NETWORK_CODE)
            page.goto(f"{base}/networks/?as_at=2022-06-01")
            expect(page.locator("main")).to_contain_text(NETWORK_CODE)

            # 7. The audit trail lists every step, for the commissioner.
            page.goto(f"{base}/audit/?organisation=Z93030")
            main = page.locator("main")
            for step in (
                "create application",
                "submit application",
                "change application",
                "confirm practice",
                "decide application: approved_with_conditions",
            ):
                expect(main).to_contain_text(step)
            expect(main).to_contain_text(reference)
            assert_accessible(page, axe)

            # The review pages work on a phone.
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(f"{base}/applications/{reference}/")
            assert_fits_phone(page)
        finally:
            browser.close()

    application = Application.objects.get(reference=reference)
    assert application.state == "approved_with_conditions"
    assert application.network_id == NETWORK_CODE
