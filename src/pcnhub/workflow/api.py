"""API routes of pcnhub.workflow (mounted by pcnhub.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["workflow"])
