"""Fixtures for the audit trail's tests: the demo area (from the web tests)."""

from tests.web.conftest import demo_data  # noqa: F401
