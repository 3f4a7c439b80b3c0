"""Route rows of pcnhub.jobs for the route x role walk (test_every_route.py).

A job is its owner's (an administrator sees every one); someone else's, or one
that does not exist, is a 404 for anyone with a role, so the job routes are
open to every role and their ownership is tested in tests/jobs/test_pages.py.
Starting a job asks the permission of the export it stands in for: the
national entitlements and register exports the country-wide roles, a region's
entitlements its regional team; uploaded imports are for administrators.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any


def routes(t: ModuleType) -> dict[str, Any]:
    nation_or_region = t.COUNTRY | {"regional Y98"}
    return {
        "jobs": (("GET",), [""], t.any_role),
        "job": (("GET",), [""], t.any_role),
        "job_file": (("GET",), [""], t.any_role),
        "job_start_entitlements": (("POST",), [""], lambda u, _: u in nation_or_region),
        "job_start_networks": (("POST",), [""], lambda u, _: u in t.COUNTRY),
        "job_import": (("GET", "POST"), [""], lambda u, _: u in t.ADMINS),
        "api:jobs": (("GET",), [""], t.any_role),
        "api:job": (("GET",), [""], t.any_role),
        "api:job_file": (("GET",), [""], t.any_role),
        "api:start_job": (("POST",), [""], lambda u, _: u in nation_or_region),
    }
