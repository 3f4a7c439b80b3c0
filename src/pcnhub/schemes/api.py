"""The local schemes API (mounted at /api/local-schemes/ by pcnhub.api)."""

from ninja import Router

router = Router(tags=["local schemes"])
