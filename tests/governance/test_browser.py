"""The governance pages in a real browser on a 390px-wide phone, checked by axe-core.

Drives Debian's chromium with Playwright, as tests/web/test_browser.py does.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pcnhub.audit.services import Actor
from pcnhub.governance import documents, services
from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM_ARGS,
    PHONE_WIDTH,
    allow_sync_orm_beside_playwright,
    assert_accessible,
    assert_fits_phone,
    chromium_path,
)
from tests.governance.samples import MINIMAL_PDF
from tests.web.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETWORK = "U99001"


def check_page(page: Any, axe: Any) -> None:
    """No serious axe-core violations, and nothing scrolls sideways."""
    assert_accessible(page, axe)
    assert_fits_phone(page)


def record_governance() -> None:
    actor = Actor(system="governance-browser-test")
    start = date(2021, 4, 1)
    services.appoint_clinical_director(
        actor,
        NETWORK,
        name="Dr Ada Lovelace-Byron of a Rather Long Name",
        profession="gp",
        wte=Decimal("0.75"),
        start=start,
        reason="elected by the member practices at the July board meeting",
    )
    services.set_nominated_payee(
        actor,
        NETWORK,
        payee_code="Z91001",
        payee_name="",
        kind="member_practice",
        start=start,
    )
    services.record_network_agreement(
        actor,
        NETWORK,
        status="signed",
        signed_on=date(2021, 3, 30),
        schedules_complete=True,
        start=start,
    )
    documents.store_document(
        actor,
        NETWORK,
        kind="network_agreement",
        title="Signed network agreement 2021/22",
        upload=SimpleUploadedFile(
            "network-agreement-signed-by-every-member-practice-2021.pdf",
            MINIMAL_PDF,
            "application/pdf",
        ),
    )


def test_governance_pages_on_a_phone(
    live_server: Any, chromium_path: Path, tmp_path: Path, make_user: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    load_demo(tmp_path / "demo")
    record_governance()
    user = make_user("commissioner", "99Z")
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

            page.goto(f"{live_server.url}/org/{NETWORK}/governance/?as_at=2021-06-01")
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "Governance of"
            )
            expect(page.get_by_text("Dr Ada Lovelace-Byron").first).to_be_visible()
            check_page(page, axe)

            # A form sent empty: the error summary, on a phone.
            page.get_by_role("link", name="Appoint a clinical director").click()
            page.get_by_role("button", name="Save").click()
            expect(page.locator(".nhsuk-error-summary")).to_be_visible()
            assert page.title().startswith("Error: ")
            check_page(page, axe)

            for kind in (
                "documents",
                "network-agreement",
                "data-sharing",
                "nominated-payee",
                "operating-model",
            ):
                page.goto(f"{live_server.url}/org/{NETWORK}/governance/{kind}/new/")
                expect(page.get_by_role("button", name="Save")).to_be_visible()
                check_page(page, axe)
        finally:
            browser.close()
