"""API routes of pcnhub.governance (mounted by pcnhub.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["governance"])
