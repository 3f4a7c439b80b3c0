"""``pcnhub serve``: a real gunicorn process against a migrated SQLite file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from pcnhub.core.management.commands.serve import (
    default_workers,
    gunicorn_argv,
    page_cache_setting,
)

PCNHUB = [sys.executable, "-c", "from pcnhub.cli import main; main()"]
#: How long to wait for the server to answer at all (a wait, not a measurement).
START_LIMIT_SECONDS = 90
STATIC_FILE = "nhsuk/assets/images/nhsuk-icon-512.png"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def test_serve_answers_the_sign_in_page_and_stops(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    # The real settings (pytest's DJANGO_SETTINGS_MODULE is the test settings).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PCNHUB_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env["PCNHUB_DEBUG"] = "1"  # serve must turn it off unless --debug
    subprocess.run(
        [*PCNHUB, "--database", database, "migrate", "-v", "0"],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    port = free_port()
    server = subprocess.Popen(
        [*PCNHUB, "--database", database, "serve", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + START_LIMIT_SECONDS
        status, body = 0, ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, body = get(f"http://127.0.0.1:{port}/login/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert server.poll() is None, server.stdout.read() if server.stdout else ""
        assert status == 200
        assert 'name="username"' in body
        # Static files come from the same workers (whitenoise).
        status, _ = get(f"http://127.0.0.1:{port}/static/{STATIC_FILE}")
        assert status == 200
        # Debug is off although PCNHUB_DEBUG=1 was set: a host pcnhub does not
        # serve gets the plain 400, not Django's debug page naming the setting.
        status, body = get(f"http://127.0.0.1:{port}/login/", host="elsewhere.test")
        assert status == 400
        assert "ALLOWED_HOSTS" not in body
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0


def test_serve_runs_gunicorn_on_the_wsgi_app() -> None:
    argv = gunicorn_argv("127.0.0.1:9000", 5, 30, access_log=False)
    assert argv[1:4] == ["-m", "gunicorn", "pcnhub.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == "5"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:9000"
    assert "--access-logfile" not in argv


def test_default_workers_is_two_per_core_plus_one() -> None:
    assert default_workers() == 2 * (os.cpu_count() or 1) + 1


def test_the_page_cache_folder_is_private(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = Path(page_cache_setting("files"))
    assert folder.parent == tmp_path
    assert folder.stat().st_mode & 0o777 == 0o700
    assert page_cache_setting("files") == str(folder)  # the same folder again
    assert page_cache_setting("memory") == ""
    assert page_cache_setting("off") == "off"
    folder.chmod(0o755)  # readable by others: refused, not used
    with pytest.raises(CommandError, match="not a folder only you can read"):
        page_cache_setting("files")
