"""Personal API tokens: made and revoked by their user (audited), accepted by the
API as their user, with that user's permissions asked at each request."""

from __future__ import annotations

import hmac
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from pcnhub.access.models import RoleAssignment
from pcnhub.access.roles import Role
from pcnhub.access.services import end, grant
from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.tokens import services
from pcnhub.tokens.models import ApiToken
from tests.web.conftest import demo_data  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

ACTOR = Actor(system="tests")
NETWORK_URL = "/api/register/organisations/U99001"


def bearer(text: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.fixture
def director(demo_data: None, make_user: Any) -> Any:  # noqa: F811
    return make_user("clinical_director", "U99001", username="director")


@pytest.fixture
def made(director: Any) -> tuple[ApiToken, str]:
    return services.create_token(director, "export script")


def api(text: str) -> Client:
    # A client with no session: only the token speaks for it.
    return Client(enforce_csrf_checks=True, **bearer(text))


def test_the_token_is_shown_once_and_only_its_hash_is_kept(
    made: tuple[ApiToken, str],
) -> None:
    token, text = made
    assert text.startswith(token.prefix + "_") and len(text) == services.TOKEN_LENGTH
    assert token.secret_hash == services.hash_of(text)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert text not in json.dumps(stored, default=str)
    assert text[len(token.prefix) + 1 :] not in json.dumps(stored, default=str)


def test_a_token_request_has_the_users_permissions(
    made: tuple[ApiToken, str],
) -> None:
    _, text = made
    client = api(text)
    mine = client.get(NETWORK_URL)
    assert mine.status_code == 200, mine.content
    assert mine.json()["code"] == "U99001"
    # Outside the director's network: refused as it is for the session.
    assert client.get("/api/register/organisations/U99002").status_code == 403
    # The schema too takes the token.
    assert client.get("/api/openapi.json").status_code == 200


def test_roles_are_asked_at_each_request(
    director: Any, made: tuple[ApiToken, str]
) -> None:
    _, text = made
    assert api(text).get(NETWORK_URL).status_code == 200
    for assignment in RoleAssignment.objects.filter(user=director):
        end(ACTOR, assignment, timezone.localdate() - timedelta(days=1), "left")
    assert api(text).get(NETWORK_URL).status_code == 403


def test_a_revoked_token_is_refused(director: Any, made: tuple[ApiToken, str]) -> None:
    token, text = made
    services.revoke_token(director, token)
    response = api(text).get(NETWORK_URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "The API token is not valid"}


def test_an_expired_token_is_refused(director: Any) -> None:
    token, text = services.create_token(director, "short", timezone.localdate())
    assert api(text).get(NETWORK_URL).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert api(text).get(NETWORK_URL).status_code == 401


def test_an_inactive_users_token_is_refused(
    director: Any, made: tuple[ApiToken, str]
) -> None:
    _, text = made
    director.is_active = False
    director.save()
    assert api(text).get(NETWORK_URL).status_code == 401


@pytest.mark.parametrize(
    "wrong",
    [
        "pcnhub_00000000_" + "x" * 43,  # unknown prefix
        "",
        "pcnhub_",
        "nonsense",
        "pcnhub_zz",
    ],
)
def test_a_wrong_token_is_401_even_beside_a_session(
    director: Any, made: tuple[ApiToken, str], wrong: str
) -> None:
    client = Client(**bearer(wrong))
    client.force_login(director)
    assert client.get(NETWORK_URL).status_code == 401
    # The same session without the header is fine.
    assert Client().get(NETWORK_URL).status_code == 401  # no session at all
    signed_in = Client()
    signed_in.force_login(director)
    assert signed_in.get(NETWORK_URL).status_code == 200


def test_the_right_prefix_with_a_wrong_secret_is_refused(
    made: tuple[ApiToken, str],
) -> None:
    token, text = made
    forged = text[:-1] + ("A" if text[-1] != "A" else "B")
    assert api(forged).get(NETWORK_URL).status_code == 401


def test_the_comparison_is_constant_time(
    made: tuple[ApiToken, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both a wrong secret and an unknown prefix go through compare_digest."""
    token, text = made
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(services.hmac, "compare_digest", spy)
    assert services.authenticate(text[:-1] + "?") is None
    assert services.authenticate("pcnhub_ffffffff_" + "y" * 43) is None
    assert services.authenticate(text) == token
    assert len(calls) == 3
    assert calls[0][1] == token.secret_hash.encode()
    assert calls[1][1] == services._DUMMY_HASH.encode()


def test_a_token_needs_no_csrf_token_to_write(
    director: Any, made: tuple[ApiToken, str]
) -> None:
    other, _ = services.create_token(director, "second")
    _, text = made
    response = api(text).post(
        f"/api/tokens/{other.pk}/revoke", "{}", content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "revoked"


def test_the_session_still_needs_csrf(director: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    response = client.post(
        "/api/tokens/", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_token_cannot_make_tokens(made: tuple[ApiToken, str]) -> None:
    _, text = made
    before = ApiToken.objects.count()
    # With CSRF enforced the session's CSRF check refuses first (403); without,
    # there is no session to make it (401): never made by the token.
    strict = api(text).post(
        "/api/tokens/", {"name": "successor"}, content_type="application/json"
    )
    assert strict.status_code == 403
    lax = Client(**bearer(text)).post(
        "/api/tokens/", {"name": "successor"}, content_type="application/json"
    )
    assert lax.status_code == 401
    assert ApiToken.objects.count() == before


def test_the_session_makes_a_token_by_api(director: Any) -> None:
    client = Client()
    client.force_login(director)
    response = client.post(
        "/api/tokens/",
        {"name": "by api", "expires_on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Cache-Control"] == "no-store"
    assert body["token"].startswith(body["prefix"] + "_")
    assert api(body["token"]).get("/api/tokens/").json()["tokens"][0]["name"] == (
        "by api"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "x", "expires_on": "2001-01-01"}, "expires_on"),
        ({"name": "x", "expires_on": "9999-12-31"}, "expires_on"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    director: Any, body: dict[str, str], field: str
) -> None:
    client = Client()
    client.force_login(director)
    response = client.post("/api/tokens/", body, content_type="application/json")
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_tokens_are_listed_only_to_their_user(
    director: Any, made: tuple[ApiToken, str], make_user: Any
) -> None:
    other = make_user("national", None, username="analyst")
    theirs, their_text = services.create_token(other, "theirs")
    _, text = made
    listed = api(text).get("/api/tokens/").json()["tokens"]
    assert [t["name"] for t in listed] == ["export script"]
    assert "token" not in listed[0] and "secret_hash" not in listed[0]
    # Another's token: 404, and it stays good.
    response = api(text).post(
        f"/api/tokens/{theirs.pk}/revoke", "{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert api(their_text).get("/api/tokens/").status_code == 200


def test_an_administrator_may_revoke_anyones_token(
    director: Any, made: tuple[ApiToken, str], make_user: Any
) -> None:
    admin = make_user("admin", None, username="administrator")
    token, text = made
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/api/tokens/{token.pk}/revoke",
        {"reason": "left the team"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert api(text).get(NETWORK_URL).status_code == 401
    entry = AuditEntry.objects.filter(action="token.revoke").get()
    assert entry.actor == admin and entry.reason == "left the team"


def test_revoking_twice_is_refused(director: Any, made: tuple[ApiToken, str]) -> None:
    token, _ = made
    services.revoke_token(director, token)
    client = Client()
    client.force_login(director)
    response = client.post(
        f"/api/tokens/{token.pk}/revoke", "{}", content_type="application/json"
    )
    assert response.status_code == 422
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_every_create_and_revoke_is_audited(director: Any) -> None:
    token, text = services.create_token(director, "audited", timezone.localdate())
    services.revoke_token(director, token, "done with it")
    made, revoked = AuditEntry.objects.filter(entity_type="api_token").order_by("id")
    assert (made.action, made.actor, made.entity_key) == (
        "token.create",
        director,
        str(token.pk),
    )
    assert made.after["name"] == "audited" and made.after["prefix"] == token.prefix
    assert revoked.action == "token.revoke" and revoked.reason == "done with it"
    assert revoked.before["revoked_at"] is None and revoked.after["revoked_at"]
    for entry in (made, revoked):
        assert text not in json.dumps([entry.before, entry.after])
        assert token.secret_hash not in json.dumps([entry.before, entry.after])


def test_a_token_is_no_sign_in_for_pages(made: tuple[ApiToken, str]) -> None:
    _, text = made
    for page in ("/", "/org/U99001/", "/account/tokens/", "/admin/"):
        response = api(text).get(page)
        assert response.status_code == 302, page
        assert "/login/" in response["Location"]


def test_last_use_is_recorded_to_the_minute(made: tuple[ApiToken, str]) -> None:
    token, text = made
    assert token.last_used_at is None
    api(text).get("/api/tokens/")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api(text).get("/api/tokens/")
    token.refresh_from_db()
    assert token.last_used_at == first  # not rewritten within the minute


def test_the_schema_names_the_bearer_scheme() -> None:
    client = Client()
    user = get_user_model().objects.create_user("reader", password="x")
    grant(ACTOR, user, Role.EVALUATOR, None, valid_from=date(2019, 4, 1))
    client.force_login(user)
    schema = client.get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["type"] == "http"
    assert schemes["TokenAuth"]["scheme"] == "bearer"
    assert schemes["TokenAuth"]["bearerFormat"].startswith("pcnhub_")
    assert schemes["SessionAuth"]["in"] == "cookie"
    networks = schema["paths"]["/api/register/networks"]["get"]
    assert {"TokenAuth": []} in networks["security"]
    assert {"SessionAuth": []} in networks["security"]
    create = schema["paths"]["/api/tokens/"]["post"]
    assert create["security"] == [{"SessionAuth": []}]


def test_the_docs_page_asks_no_outside_validator(made: tuple[ApiToken, str]) -> None:
    _, text = made
    page = api(text).get("/api/docs").content.decode()
    settings = json.loads(page.split('id="swagger-settings">', 1)[1].split("<")[0])
    assert settings["validatorUrl"] is None
    assert settings["url"] == "/api/openapi.json"


def test_a_token_answer_is_never_kept_for_the_session_beside_it(
    director: Any, make_user: Any
) -> None:
    """The register's kept API lists are kept per signed-in user (web.page_cache):
    an answer given to a token must not be kept as the session's."""
    analyst = make_user("national", None, username="analyst")
    _, analysts_token = services.create_token(analyst, "national script")
    both = Client(**bearer(analysts_token))
    both.force_login(director)
    national = both.get("/api/register/networks").json()
    session_only = Client()
    session_only.force_login(director)
    own = session_only.get("/api/register/networks")
    assert "X-Pcnhub-Kept" not in own
    assert {row["pcn_code"] for row in own.json()} == {"U99001"}
    assert len(national) > 1


def test_the_page_caches_attribute_is_the_one_dropped() -> None:
    from pathlib import Path

    from pcnhub.tokens.auth import PAGE_KEY_ATTRIBUTE

    source = Path(__file__).resolve().parents[2] / "src/pcnhub/web/page_cache.py"
    assert f"request.{PAGE_KEY_ATTRIBUTE} = key" in source.read_text()
