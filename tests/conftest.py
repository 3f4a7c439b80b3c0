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
