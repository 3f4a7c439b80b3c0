"""Debug is off unless asked for (``PCNHUB_DEBUG=1``, which ``./dev demo`` sets),
and with it off the pages keep their styles and errors show the NHS.UK pages,
never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.views import defaults

REPO = Path(__file__).resolve().parents[2]


def debug_under(tmp_path: Path, **env: str) -> str:
    """``settings.DEBUG`` as a fresh process sees it, with only ``env`` set."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PCNHUB_", "DJANGO_"))
    }
    environment |= env
    result = subprocess.run(
        [sys.executable, "-c", "import pcnhub.settings as s; print(s.DEBUG)"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_with_no_environment(tmp_path: Path) -> None:
    assert debug_under(tmp_path) == "False"


@pytest.mark.parametrize("value", ["0", "", "yes", "true"])
def test_only_pcnhub_debug_1_turns_debug_on(tmp_path: Path, value: str) -> None:
    assert debug_under(tmp_path, PCNHUB_DEBUG=value) == "False"
    assert debug_under(tmp_path, PCNHUB_DEBUG="1") == "True"


def test_production_never_debugs(tmp_path: Path) -> None:
    production = {
        "PCNHUB_ENV": "production",
        "PCNHUB_SECRET_KEY": "x" * 60,
        "PCNHUB_DEBUG": "1",
    }
    assert debug_under(tmp_path, **production) == "False"


def test_the_test_suite_runs_with_debug_off() -> None:
    assert settings.DEBUG is False


def test_the_demo_turns_debug_on() -> None:
    """``./dev demo`` is the one place debug is on by default."""
    script = (REPO / "dev").read_text()
    demo = script[script.index("  demo)") : script.index(";;", script.index("  demo)"))]
    assert 'export PCNHUB_DEBUG="${PCNHUB_DEBUG:-1}"' in demo
    assert demo.index("PCNHUB_DEBUG") < demo.index("runserver")


@pytest.mark.django_db
def test_static_files_are_served_with_debug_off(client: Client) -> None:
    """WhiteNoise serves the NHS.UK styles without DEBUG (runserver would not)."""
    response = client.get("/static/nhsuk/nhsuk-frontend.min.css")
    assert response.status_code == 200
    assert b"nhsuk" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_missing_page_is_the_nhs_404_page(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text and "nhsuk-header" in text
    assert "Traceback" not in text and "URLconf" not in text


def test_a_server_error_is_the_nhs_500_page_without_a_traceback() -> None:
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("secret internals")
    except RuntimeError:
        response = defaults.server_error(request)
    text = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in text
    assert "nhsuk-header" in text and "nhsuk-frontend.min.css" in text
    assert "secret internals" not in text and "Traceback" not in text


def test_a_bad_request_without_a_reason_is_the_nhs_400_page() -> None:
    response = defaults.bad_request(RequestFactory().get("/"), Exception("inner"))
    text = response.content.decode()
    assert response.status_code == 400
    assert "The request could not be read" in text and "nhsuk-header" in text
    assert "inner" not in text


def test_postgresql_connections_are_kept_between_requests() -> None:
    """Opening a PostgreSQL connection costs as much as answering a kept page."""
    from pcnhub.settings import CONNECTION_SECONDS, database_from_url

    served = database_from_url("postgresql://pcnhub@db:5432/pcnhub")
    assert served["CONN_MAX_AGE"] == CONNECTION_SECONDS == 60
    assert served["CONN_HEALTH_CHECKS"] is True
    assert database_from_url("postgresql://pcnhub@db/x", False)["CONN_MAX_AGE"] == 0
    assert database_from_url("sqlite:///pcnhub.sqlite3")["CONN_MAX_AGE"] == 0
