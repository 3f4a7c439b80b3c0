"""Route rows of pcnhub.geography for the route x role walk (test_every_route.py).

The maps have the organisation pages' access (``register.view_organisation``):
a network's map for whoever sees its page (a practice's manager too, for the
network of their practice, read only), a commissioner's for whoever sees the
commissioner, asked before the code is looked up (a practice's code is then a
404: allowed, not a refusal). The map of practices in no network: every role,
each seeing the practices it sees. A user with no role is refused.
"""

from types import ModuleType
from typing import Any

#: Networks and commissioners of both areas, and a practice (not mapped: 404).
MAP_CODES = ["U99001", "U88001", "99Z", "88X", "Z91001"]


def routes(t: ModuleType) -> dict[str, Any]:
    return {
        "org_map": (("GET",), MAP_CODES, t.reads),
        "uncovered_map": (("GET",), [""], t.any_role),
        "api:maps_organisation": (("GET",), MAP_CODES, t.reads),
        "api:maps_uncovered": (("GET",), [""], t.any_role),
    }
