"""The charts' API series in the route × role walk (tests/access/test_every_route.py).

Each series is shown to whoever may see the page that charts it: an
organisation's list sizes and a network's entitlements by month as its page
and payments (its own area, or as their practice's network), a network's ARRS
spend as its workforce page.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any


def routes(t: ModuleType) -> dict[str, Any]:
    return {
        "api:register_list_sizes": (("GET",), t.CODES, t.reads),
        "api:register_entitlements_by_month": (("GET",), t.NETWORKS, t.reads),
        "api:arrs_spend": (("GET",), t.NETWORKS, t.sees),
    }
