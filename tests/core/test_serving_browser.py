"""pcnhub as it is served for real: ``pcnhub serve`` (gunicorn, whitenoise) in
production mode, on loopback, driven by chromium.

The server is a separate process with its own SQLite file in ``tmp_path``,
migrated, with the demo loaded (``pcnhub demo``) and the static files collected
(``pcnhub collectstatic``), as docs/deployment.md tells an operator to. The
browser signs in and opens the home page, a network's page and the API docs;
no page may log a console error (a refused font or script, a CSP violation) or
ask any origin but pcnhub's own for anything. ``/healthz`` answers 200.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM_ARGS,
    allow_sync_orm_beside_playwright,
    chromium_path,
)

pytestmark = pytest.mark.browser

PCNHUB = [sys.executable, "-c", "from pcnhub.cli import main; main()"]
#: How long to wait for the server to answer at all (a wait, not a measurement).
START_LIMIT_SECONDS = 90
#: Pages opened, and what their first heading must show.
PAGES = {
    "/": "",
    "/org/U99001/": "U99001",
    "/api/docs": "pcnhub API",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(tmp_path: Path) -> dict[str, str]:
    """The real settings in production mode, over plain HTTP on loopback (the
    proxy that would terminate TLS is left out, so no redirect to HTTPS)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PCNHUB_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env |= {
        "PCNHUB_ENV": "production",
        "PCNHUB_SECRET_KEY": "serving-browser-test-" + "k" * 40,
        "PCNHUB_ALLOWED_HOSTS": "127.0.0.1",
        "PCNHUB_SSL_REDIRECT": "0",
        "PCNHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "PCNHUB_MEDIA_ROOT": str(tmp_path / "documents"),
    }
    return env


def run(env: dict[str, str], cwd: Path, *args: str) -> None:
    subprocess.run([*PCNHUB, *args], check=True, env=env, cwd=cwd, timeout=600)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp_path = tmp_path_factory.mktemp("served")
    env = production_env(tmp_path)
    run(env, tmp_path, "migrate", "-v", "0")
    run(env, tmp_path, "demo")
    run(env, tmp_path, "collectstatic", "--noinput", "-v", "0")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [*PCNHUB, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        + ["--page-cache", "memory"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_LIMIT_SECONDS
        while time.monotonic() < deadline and server.poll() is None:
            try:
                get(f"{origin}/healthz")
                break
            except (urllib.error.URLError, OSError):  # not listening, or starting
                time.sleep(0.2)
        assert server.poll() is None, (tmp_path / "serve.log").read_text()
        yield origin
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_healthz_answers_the_load_balancer(served: str) -> None:
    status, body = get(f"{served}/healthz")
    assert status == 200
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok"},
    }


def test_static_files_come_from_whitenoise_with_long_caching(served: str) -> None:
    request = urllib.request.Request(
        f"{served}/static/nhsuk/nhsuk-frontend.min.css",
        headers={"Accept-Encoding": "gzip"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/css")
        assert "max-age" in response.headers["Cache-Control"]


def test_pages_ask_nothing_of_any_other_site(served: str, chromium_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(locale="en-GB")

            def on_console(message: Any) -> None:
                if message.type == "error":
                    errors.append(f"{page.url}: {message.text}")

            def on_request(request: Any) -> None:
                url = request.url
                if not (url.startswith(served + "/") or url.startswith("data:")):
                    outside.append(f"{page.url} asked {url}")

            page.on("console", on_console)
            page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
            page.on("request", on_request)
            page.goto(f"{served}/login/")
            page.get_by_label("Username").fill("demo")
            page.get_by_label("Password", exact=True).fill("pcnhub-demo")
            page.get_by_role("button", name="Sign in").click()
            expect(page).not_to_have_url(f"{served}/login/")
            for path, heading in PAGES.items():
                response = page.goto(f"{served}{path}")
                assert response is not None and response.status == 200, path
                page.wait_for_load_state("networkidle")
                expect(page.locator("h1, h2").first).to_contain_text(heading)
                fonts = page.evaluate(
                    "getComputedStyle(document.body).fontFamily.toLowerCase()"
                )
                assert "arial" in fonts or path == "/api/docs", fonts
        finally:
            browser.close()
    assert not errors, "console errors:\n" + "\n".join(errors)
    assert not outside, "requests outside pcnhub:\n" + "\n".join(outside)
