"""The dashboard's routes in the route × role walk (tests/access/test_every_route.py).

Everyone with a role has a dashboard (their own area's); an area named in the
path is shown only to those who may see it (its page, or as their practice's
network), as an organisation's page is.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any


def routes(t: ModuleType) -> dict[str, Any]:
    return {
        "dashboard_page": (("GET",), [""], t.any_role),
        "dashboard_area": (("GET",), t.CODES, t.reads),
        "api:dashboard": (("GET",), [""], t.any_role),
    }
