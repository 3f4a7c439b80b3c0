"""Route rows of pcnhub.oversight for the route x role walk (test_every_route.py).

/variability/ and its API: every role, each for its own area by default (the
walk names no scope): country-wide roles England, a regional team its region,
a commissioner its area, a network's or practice's roles the area of the
commissioner overseeing it (docs/variability.md, "Who sees what"). A user with
no role is refused, as on every page.
"""

from types import ModuleType
from typing import Any


def routes(t: ModuleType) -> dict[str, Any]:
    return {
        "variability": (("GET",), [""], t.any_role),
        "api:variability": (("GET",), [""], t.any_role),
        "api:variability_networks": (("GET",), [""], t.any_role),
    }
