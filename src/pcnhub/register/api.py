"""API routes of pcnhub.register (mounted by pcnhub.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["register"])
