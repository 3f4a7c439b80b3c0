"""The jobs API (mounted by pcnhub.api): the same permissions as the pages."""

from ninja import Router

router = Router(tags=["jobs"])
