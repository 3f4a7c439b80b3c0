"""/account/tokens/: the list, making a token (shown once), revoking with a
confirmation; and the administrators' revoke action in the admin site."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pcnhub.audit.models import AuditEntry
from pcnhub.tokens import services
from pcnhub.tokens.models import ApiToken
from tests.web.conftest import demo_data  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(demo_data: None, make_user: Any) -> Any:  # noqa: F811
    return make_user("network_manager", "U99001", username="manager")


@pytest.fixture
def client(manager: Any) -> Client:
    signed_in = Client()
    signed_in.force_login(manager)
    return signed_in


def test_the_list_page_offers_the_form(client: Client) -> None:
    response = client.get("/account/tokens/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You have no API tokens" in html
    assert 'name="name"' in html and 'name="expires_on"' in html
    assert "no-store" in response["Cache-Control"]


def test_making_a_token_shows_it_once(client: Client, manager: Any) -> None:
    response = client.post(
        "/account/tokens/", {"name": "weekly export", "expires_on": ""}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    shown = re.search(r"pcnhub_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", html)
    assert shown, html
    token = ApiToken.objects.get(user=manager)
    assert token.secret_hash == services.hash_of(shown.group(0))
    listed = client.get("/account/tokens/").content.decode()
    assert "weekly export" in listed and token.prefix in listed
    assert shown.group(0) not in listed  # never again
    assert AuditEntry.objects.filter(action="token.create").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter a name for the token"),
        ({"name": "x", "expires_on": "2001-02-03"}, "today or later"),
        ({"name": "x", "expires_on": "31/31/2020"}, "Enter the expiry date as a real"),
        ({"name": "x" * 101}, "100 characters or fewer"),
    ],
)
def test_errors_are_shown_on_their_field(
    client: Client, data: dict[str, str], message: str
) -> None:
    response = client.post("/account/tokens/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not ApiToken.objects.exists()


def test_revoking_asks_first(client: Client, manager: Any) -> None:
    token, text = services.create_token(manager, "laptop")
    page = client.get(f"/account/tokens/{token.pk}/revoke/")
    assert page.status_code == 200
    assert "Revoke the token" in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # asking changes nothing
    done = client.post(f"/account/tokens/{token.pk}/revoke/", {"reason": "lost"})
    assert done.status_code == 302 and done["Location"] == "/account/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == manager
    listed = client.get("/account/tokens/").content.decode()
    assert "is revoked" in listed and "Revoked" in listed
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.reason == "lost"
    again = client.post(f"/account/tokens/{token.pk}/revoke/", {})
    assert again.status_code == 400
    assert "already revoked" in again.content.decode()


def test_another_users_token_is_404(
    client: Client, make_user: Any, manager: Any
) -> None:
    other = make_user("national", None, username="analyst")
    theirs, _ = services.create_token(other, "theirs")
    assert client.get(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert "theirs" not in client.get("/account/tokens/").content.decode()


def test_a_user_without_a_role_is_refused(demo_data: None) -> None:  # noqa: F811
    user = get_user_model().objects.create_user("nobody", password="x")
    client = Client()
    client.force_login(user)
    assert client.get("/account/tokens/").status_code == 403
    assert client.post("/account/tokens/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_in_the_admin_site(
    manager: Any, make_user: Any
) -> None:
    admin = make_user("admin", None, username="administrator")
    admin.is_staff = True
    admin.save()
    token, text = services.create_token(manager, "script")
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/tokens/apitoken/")
    assert listing.status_code == 200
    assert token.prefix in listing.content.decode()
    assert text not in listing.content.decode()
    response = client.post(
        "/admin/tokens/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert AuditEntry.objects.filter(action="token.revoke", actor=admin).exists()
    # Not an administrator (though staff): no way in.
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    assert client.get("/admin/tokens/apitoken/").status_code == 403
