"""What every browser test shares: Debian's chromium, the ORM beside Playwright,
and the accessibility and phone-width checks.

Import the fixtures into a test module (``from tests.browser import ...``) to use
them there; ``allow_sync_orm_beside_playwright`` is autouse in the modules that
import it, and only there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: axe-core impacts that fail the test.
BLOCKING = {"critical", "serious"}
PHONE_WIDTH = 390


@pytest.fixture(autouse=True)
def allow_sync_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in this thread; Django would
    then refuse the ORM calls the fixtures make (only in the importing module)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def chromium_path() -> Path:
    """Debian's chromium; missing, the test fails in CI and skips elsewhere."""
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(apt-get install -y chromium) to run the browser test"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def browser(chromium_path: Path) -> Iterator[Any]:
    """A launched chromium, closed after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def assert_accessible(page: Any, axe: Any | None = None) -> None:
    """No critical or serious axe-core violations on the page as it is now.

    No rules are excluded.
    """
    if axe is None:
        from axe_playwright_python.sync_playwright import Axe

        axe = Axe()
    results = axe.run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]
    assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(blocking)


def assert_fits_phone(page: Any) -> None:
    """Nothing makes the page scroll sideways on a 390px-wide phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a phone"
