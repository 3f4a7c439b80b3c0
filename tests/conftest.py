"""Shared fixtures: the real NHS files beside the repo, and the demo area."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def need_shared_data() -> Path:
    """The real files; skip (fail in CI, where they must be present) if absent."""
    if SHARED_DATA.is_dir():
        return SHARED_DATA
    message = f"real NHS files not found at {SHARED_DATA}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must have them)")
    pytest.skip(message)


@pytest.fixture
def shared_data() -> Path:
    return need_shared_data()


@pytest.fixture
def make_user(db: None):  # type: ignore[no-untyped-def]
    """Create a user holding ``role`` (for ``organisation``) from 2019-04-01.

    ``make_user("commissioner", "99Z")``; roles are :class:`pcnhub.access.roles.Role`
    values. The organisation must be in the register (load the demo first).
    """
    from datetime import date

    from django.contrib.auth import get_user_model

    from pcnhub.access.roles import Role
    from pcnhub.access.services import grant
    from pcnhub.audit.services import Actor

    def make(role: str, organisation: str | None = None, username: str = ""):  # type: ignore[no-untyped-def]
        name = username or f"{role}-{organisation or 'all'}".lower()
        user = get_user_model().objects.create_user(name, password="pw-" + name)
        grant(
            Actor(system="tests"),
            user,
            Role(role),
            organisation,
            valid_from=date(2019, 4, 1),
        )
        return user

    return make


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """What is kept per register version (results: pcnhub.contract.snapshots;
    whole pages: pcnhub.web.page_cache); each test starts with nothing kept, as a
    new server would."""
    from django.core.cache import caches

    from pcnhub.contract.snapshots import forget_recent

    for kept in caches.all():
        kept.clear()
    forget_recent()
