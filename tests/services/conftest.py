"""Fixtures for the services tests: the demo area, and clients signed in by role."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.web.conftest import load_demo


@pytest.fixture
def demo_data(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


@pytest.fixture
def client_for(make_user):  # type: ignore[no-untyped-def]
    """A new client signed in as a new user holding ``role`` for ``organisation``."""

    def sign_in(role: str, organisation: str | None = None) -> Client:
        client = Client()
        client.force_login(make_user(role, organisation))
        return client

    return sign_in
