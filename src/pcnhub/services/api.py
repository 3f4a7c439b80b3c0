"""The services API (mounted at /api/services/ by pcnhub.api)."""

from ninja import Router

router = Router(tags=["services"])
