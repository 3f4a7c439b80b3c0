"""Fixtures for the governance tests: the demo area, documents kept in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.web.conftest import load_demo


@pytest.fixture
def demo_data(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Uploaded documents go to the test's own folder, never the working tree."""
    root = tmp_path / "documents"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def client_for(make_user, client: Client):  # type: ignore[no-untyped-def]
    """A test client signed in as a new user holding ``role`` for ``organisation``."""

    def sign_in(role: str, organisation: str | None = None) -> Client:
        client.force_login(make_user(role, organisation))
        return client

    return sign_in
