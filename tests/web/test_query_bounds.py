"""Each page and register API list reads what it shows with a bounded number of
queries (issue 16): the same bound on the demo and on a register with 150 more
networks (beside a second area, so only the number of networks differs). The
cache is cleared before each request, so the bound is the cold one."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.web.conftest import make_other_area
from tests.web.test_national_pages import add_networks

from pcnhub.contract.snapshots import forget_recent

DAY = "2022-06-01"
#: (route, the most queries it may make, cold), on the demo or a bigger register.
ROUTES = [
    # the dashboard, cold: counts, checks, entitlements, ARRS, freshness
    ("/", 130),
    (f"/networks/?as_at={DAY}", 15),
    (f"/uncovered/?as_at={DAY}", 15),
    (f"/checks/?as_at={DAY}", 45),
    (f"/org/U99004/?as_at={DAY}", 55),
    (f"/org/99Z/?as_at={DAY}", 45),
    ("/org/U99004/entitlements/?year=2022/23", 40),
    (f"/api/register/networks?as_at={DAY}", 15),
    (f"/api/register/uncovered?as_at={DAY}", 15),
    (f"/api/register/checks?as_at={DAY}", 40),
    (f"/api/register/organisations/U99004?as_at={DAY}", 35),
    ("/api/register/networks/U99004/entitlements?year=2022/23", 35),
]


def _cold() -> None:
    """Nothing kept: neither results (snapshots) nor whole pages (page_cache)."""
    for kept in caches.all():
        kept.clear()
    forget_recent()


def _count(client: Client, route: str) -> int:
    _cold()
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(route)
    assert answer.status_code == 200, route
    return len(queries)


@pytest.mark.parametrize(("route", "bound"), ROUTES, ids=[r for r, _ in ROUTES])
def test_queries_do_not_grow_with_the_register(
    demo_data: None,
    signed_in: Client,
    route: str,
    bound: int,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    make_other_area()  # a second commissioner, region and system beside the demo
    small = _count(signed_in, route)
    add_networks(150)
    _cold()
    with django_assert_max_num_queries(bound):
        answer = signed_in.get(route)
    assert answer.status_code == 200
    big = _count(signed_in, route)
    assert small <= bound
    assert big == small, f"{route}: {small} queries on the demo, {big} with more"
