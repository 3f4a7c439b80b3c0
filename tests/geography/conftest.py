"""Fixtures for the maps' tests: the demo area with its invented outlines."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcnhub.audit.services import Actor
from pcnhub.geography.demo import create_demo_outlines
from tests.web.conftest import demo_data, load_demo  # noqa: F401 - fixtures


@pytest.fixture
def demo_outlines(db: None, tmp_path: Path) -> None:
    """The demo area imported, then its districts' outlines."""
    load_demo(tmp_path / "demo")
    create_demo_outlines(Actor(system="geography tests"))
