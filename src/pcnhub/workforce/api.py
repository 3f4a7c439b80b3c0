"""The workforce API (mounted at /api/workforce/ by pcnhub.api)."""

from ninja import Router

router = Router(tags=["workforce"])
