"""Fixtures for the web UI tests: the demo area loaded, and a signed-in user."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from pcnhub.audit.services import Actor
from pcnhub.register.demo import write_demo_files
from pcnhub.register.imports import run_import

PASSWORD = "correct-horse-battery-staple"


def load_demo(directory: Path) -> None:
    """Write the demo area's files and import them in order, as the CLI would."""
    actor = Actor(system="web-tests")
    for demo_file in write_demo_files(directory):
        run_import(demo_file.kind, demo_file.path, actor=actor, as_at=demo_file.as_at)


@pytest.fixture
def demo_data(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


@pytest.fixture
def user(db: None) -> AbstractBaseUser:
    return get_user_model().objects.create_user(username="alice", password=PASSWORD)


@pytest.fixture
def signed_in(client: Client, user: AbstractBaseUser) -> Client:
    client.force_login(user)
    return client
