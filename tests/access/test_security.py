"""Security settings: deployment checks, headers, CSRF, sign-in throttling, cookies."""

from __future__ import annotations

import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from pcnhub.access.lockout import client_ip

PASSWORD = "correct-horse-battery-staple"


def random_key(length: int = 50) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def pcnhub_check(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``pcnhub check ...`` in a fresh process under the given environment.

    The database URL points nowhere: the checks must not need a database.
    """
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PCNHUB_", "DJANGO_"))
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "pcnhub.settings",
        "PCNHUB_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/no-such-database",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "pcnhub.cli", "check", *args],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "PCNHUB_ENV": "production",
    "PCNHUB_ALLOWED_HOSTS": "pcnhub.example.nhs.uk",
}


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = pcnhub_check(
        tmp_path,
        "--deploy",
        "--fail-level",
        "WARNING",
        PCNHUB_SECRET_KEY=random_key(),
        **PRODUCTION,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS:" not in output and "ERRORS:" not in output


def test_the_deployment_checks_do_fail_on_a_weak_key(tmp_path: Path) -> None:
    result = pcnhub_check(
        tmp_path,
        "--deploy",
        "--fail-level",
        "WARNING",
        PCNHUB_SECRET_KEY="too-short",
        **PRODUCTION,
    )
    assert result.returncode == 1
    assert "security.W009" in result.stderr


def test_development_settings_are_not_fit_to_deploy(tmp_path: Path) -> None:
    result = pcnhub_check(
        tmp_path, "--deploy", "--fail-level", "WARNING", PCNHUB_DEBUG="1"
    )
    assert result.returncode == 1
    for warning in (
        "W004",
        "W008",
        "W012",
        "W016",
        "W018",
    ):  # HSTS, SSL, cookies, DEBUG
        assert f"security.{warning}" in result.stderr


def test_system_checks_without_deploy(tmp_path: Path) -> None:
    result = pcnhub_check(tmp_path, "--system")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = pcnhub_check(tmp_path, "--deploy", **PRODUCTION)
    assert result.returncode != 0
    assert "PCNHUB_SECRET_KEY must be set" in result.stderr


# Headers ---------------------------------------------------------------------------


@pytest.fixture
def user(make_user) -> AbstractBaseUser:  # type: ignore[no-untyped-def]
    alice = make_user("national", username="alice")
    alice.set_password(PASSWORD)
    alice.save()
    return alice


def test_security_headers_on_a_page(client: Client, user: AbstractBaseUser) -> None:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    assert nonce, policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "default-src 'self'" in policy
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page has inline scripts"
    for script in scripts:
        assert f'nonce="{nonce.group(1)}"' in script, script
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # a fresh nonce for every response
    again = client.get(reverse("home"))["Content-Security-Policy"]
    assert again != policy


def test_sign_in_page_has_the_headers_too(client: Client) -> None:
    response = client.get(reverse("login"))
    assert "nonce-" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


# CSRF --------------------------------------------------------------------------------


def test_sign_in_needs_the_csrf_token(user: AbstractBaseUser) -> None:
    client = Client(enforce_csrf_checks=True)
    credentials = {"username": "alice", "password": PASSWORD}
    refused = client.post(reverse("login"), credentials)
    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session
    token = client.get(reverse("login")).cookies["csrftoken"].value
    accepted = client.post(
        reverse("login"), credentials | {"csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_session_and_csrf_cookies_are_out_of_scripts_reach(
    user: AbstractBaseUser,
) -> None:
    client = Client()
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == ""  # ends with the browser session
    form = Client().get(reverse("login"))
    assert form.cookies["csrftoken"]["httponly"] is True
    assert form.cookies["csrftoken"]["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


# Throttling --------------------------------------------------------------------------


def sign_in(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_is_throttled_after_repeated_failures(user: AbstractBaseUser) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    for attempt in range(limit - 1):
        response = sign_in(client, "alice", f"wrong-{attempt}")
        assert response.status_code == 200  # the form again, with its error
        assert "nhsuk-error-summary" in response.content.decode()
    locking = sign_in(client, "alice", "wrong-again")
    assert locking.status_code == 429
    # The next attempt is refused even with the right password.
    refused = sign_in(client, "alice", PASSWORD)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "You cannot sign in for now" in html
    assert "Try again in 30 minutes" in html
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # still signed out
    # The test client's own sign-in is held to the same lockout...
    assert client.login(username="alice", password=PASSWORD) is False
    # ...and another person signing in from the same address is not affected.
    get_user_model().objects.create_user("bob", password=PASSWORD)
    assert sign_in(Client(), "bob", PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures(user: AbstractBaseUser) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    for attempt in range(limit - 1):
        assert sign_in(client, "alice", f"wrong-{attempt}").status_code == 200
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for attempt in range(limit - 1):
        assert sign_in(client, "alice", f"wrong-{attempt}").status_code == 200
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_the_test_clients_sign_in_works(user: AbstractBaseUser) -> None:
    client = Client()
    assert client.login(username="alice", password=PASSWORD) is True
    assert client.get(reverse("home")).status_code == 200
    assert Client().login(username="alice", password="wrong") is False


def test_client_address_behind_proxies() -> None:
    factory = RequestFactory()
    request = factory.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert client_ip(request) == "10.0.0.2"  # no proxies trusted by default
    with override_settings(PCNHUB_PROXY_COUNT=1):
        # the address our proxy saw, not what the client wrote before it
        assert client_ip(request) == "203.0.113.9"
    with override_settings(PCNHUB_PROXY_COUNT=2):
        assert client_ip(request) == "6.6.6.6"
    with override_settings(PCNHUB_PROXY_COUNT=3):
        assert client_ip(request) == "10.0.0.2"  # fewer hops than proxies
