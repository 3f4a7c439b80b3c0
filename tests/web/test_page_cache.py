"""Each user's pages kept per register version (pcnhub.web.page_cache).

A kept page must be the page: the same HTML, a fresh CSRF token that works and a
fresh CSP nonce that the header names; never another user's copy; gone the
moment the register or the user's roles change.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from pcnhub.access.models import RoleAssignment
from pcnhub.access.services import end
from pcnhub.audit.services import Actor
from pcnhub.settings import pages_cache
from pcnhub.web.page_cache import CSRF_PLACEHOLDER, NONCE_PLACEHOLDER

pytestmark = pytest.mark.usefixtures("demo_data")

DAY = "2022-06-01"
KEPT = [
    "/",
    f"/networks/?as_at={DAY}",
    f"/uncovered/?as_at={DAY}",
    f"/checks/?as_at={DAY}",
    f"/org/U99004/?as_at={DAY}",
    f"/org/99Z/?as_at={DAY}",
    "/org/U99004/entitlements/?year=2022/23",
    f"/api/register/networks?as_at={DAY}",
    f"/api/register/uncovered?as_at={DAY}",
]
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE = re.compile(rb'nonce="([^"]+)"')


def _without_tokens(content: bytes) -> bytes:
    return NONCE.sub(b'nonce=""', TOKEN.sub(b'value=""', content))


@pytest.mark.parametrize("route", KEPT)
def test_a_kept_page_is_the_page_and_reads_almost_nothing(
    signed_in: Client,
    route: str,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    first = signed_in.get(route)
    assert first.status_code == 200
    assert "X-Pcnhub-Kept" not in first
    # The session, the user and the register version: nothing of the register.
    with django_assert_max_num_queries(3):
        again = signed_in.get(route)
    assert again["X-Pcnhub-Kept"] == "1"
    assert again["Content-Type"] == first["Content-Type"]
    assert _without_tokens(again.content) == _without_tokens(first.content)


@pytest.fixture
def strict(user: AbstractBaseUser) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_kept_page_has_a_fresh_nonce_and_a_working_token(strict: Client) -> None:
    strict.get(f"/networks/?as_at={DAY}")
    kept = strict.get(f"/networks/?as_at={DAY}")
    assert kept["X-Pcnhub-Kept"] == "1"
    for placeholder in (CSRF_PLACEHOLDER, NONCE_PLACEHOLDER):
        assert placeholder.encode() not in kept.content
    nonces = set(NONCE.findall(kept.content))
    assert len(nonces) == 1
    nonce = nonces.pop().decode()
    assert f"'nonce-{nonce}'" in kept["Content-Security-Policy"]
    later = strict.get(f"/networks/?as_at={DAY}")
    assert NONCE.findall(later.content) != [nonce.encode()]
    token = TOKEN.search(kept.content)
    assert token is not None
    signed_out = strict.post("/logout/", {"csrfmiddlewaretoken": token[1].decode()})
    assert signed_out.status_code == 302  # a stale or placeholder token is a 403


def test_no_page_has_a_placeholder_left(signed_in: Client) -> None:
    for route in ["/", "/login/", "/audit/", "/applications/", "/org/NOPE/"]:
        content = signed_in.get(route).content
        assert CSRF_PLACEHOLDER.encode() not in content, route
        assert NONCE_PLACEHOLDER.encode() not in content, route


def test_another_user_never_gets_a_kept_copy(signed_in: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    route = f"/networks/?as_at={DAY}"
    everyone = signed_in.get(route)
    assert signed_in.get(route)["X-Pcnhub-Kept"] == "1"
    other = Client()
    other.force_login(make_user("clinical_director", "U99004"))
    theirs = other.get(route)
    assert "X-Pcnhub-Kept" not in theirs
    assert theirs.content.count(b"/org/U") < everyone.content.count(b"/org/U")


def test_ending_a_role_refuses_the_kept_page_at_once(
    client: Client,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    director = make_user("clinical_director", "U99004")
    client.force_login(director)
    route = f"/org/U99004/?as_at={DAY}"
    client.get(route)
    assert client.get(route)["X-Pcnhub-Kept"] == "1"
    held = RoleAssignment.objects.get(user=director)
    end(Actor(system="tests"), held, on=date(2020, 1, 1))  # audited: a new version
    assert client.get(route).status_code == 403


@pytest.mark.parametrize(
    "route",
    [f"/networks/?as_at={DAY}&format=csv", f"/org/NOPE/?as_at={DAY}", "/audit/"],
)
def test_downloads_missing_pages_and_other_routes_are_not_kept(
    signed_in: Client, route: str
) -> None:
    signed_in.get(route)
    assert "X-Pcnhub-Kept" not in signed_in.get(route)


def test_a_signed_out_visitor_gets_no_kept_page(signed_in: Client) -> None:
    signed_in.get("/")
    signed_in.logout()
    answer = signed_in.get("/")
    assert answer.status_code == 302
    assert "X-Pcnhub-Kept" not in answer


def test_workers_share_kept_pages_through_files(
    signed_in: Client,
    tmp_path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """``pcnhub serve`` gives its workers a folder: a page one keeps, all read."""
    from django.core.cache import caches

    settings.CACHES = settings.CACHES | {"pages": pages_cache(str(tmp_path / "pages"))}
    route = f"/checks/?as_at={DAY}"
    signed_in.get(route)
    kept = list((tmp_path / "pages").glob("*.djcache"))
    assert len(kept) == 1
    caches["pages"].close()
    assert signed_in.get(route)["X-Pcnhub-Kept"] == "1"


def test_new_code_or_parameters_give_new_keys(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    """A page kept on disk is never read by a release or parameters it was not
    made with (``generation`` is part of every key)."""
    from pcnhub.web.page_cache import generation

    local = tmp_path / "local"
    local.mkdir()
    agreement = local / "99Z.yaml"
    agreement.write_text("a: 1\n")
    settings.PCNHUB_LOCAL_PARAMETERS = str(local)
    before = generation.__wrapped__()
    assert generation.__wrapped__() == before
    agreement.write_text("a: 12\n")
    assert generation.__wrapped__() != before
