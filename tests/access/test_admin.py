"""Users and role assignments in Django's admin: for administrators, audited."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pcnhub.access.models import RoleAssignment
from pcnhub.access.scope import today
from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import verify
from tests.web.conftest import demo_data  # noqa: F401 - the demo area fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

ASSIGNMENTS = "/admin/access/roleassignment/"


class _Form(HTMLParser):
    """The fields of one form, as a browser would submit them unchanged."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[a["name"]] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self.data[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.data.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data.lstrip("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(client: Client, url: str, form_id: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    parser = _Form(form_id)
    parser.feed(response.content.decode())
    assert parser.data, f"no form {form_id} on {url}"
    return parser.data


@pytest.fixture
def admin_client(make_user) -> Client:  # type: ignore[no-untyped-def]
    administrator = make_user("admin", username="ada")
    administrator.is_staff = True
    administrator.save()
    client = Client()
    client.force_login(administrator)
    return client


def test_admin_reaches_users_and_assignments(admin_client: Client) -> None:
    for url in ("/admin/", ASSIGNMENTS, "/admin/auth/user/", ASSIGNMENTS + "add/"):
        assert admin_client.get(url).status_code == 200, url
    listing = admin_client.get(ASSIGNMENTS).content.decode()
    # role, organisation, dates and who granted it
    assert "Administrator (users and assignments)" in listing
    assert "granted by" in listing.lower()
    assert "tests" in listing  # granted by the tests' system run


def test_adding_an_assignment_grants_it_through_the_service(
    admin_client: Client,
) -> None:
    colin = get_user_model().objects.create_user("colin", password="x")
    before = AuditEntry.objects.count()
    response = admin_client.post(
        ASSIGNMENTS + "add/",
        {
            "user": colin.pk,
            "role": "commissioner",
            "organisation": "99Z",
            "valid_from": "2024-04-01",
            "reason": "joined the primary care team",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = RoleAssignment.objects.get(user=colin)
    assert (made.role, made.organisation_id) == ("commissioner", "99Z")
    assert made.valid_from == date(2024, 4, 1)
    assert made.granted_by.username == "ada"
    assert AuditEntry.objects.count() == before + 1
    audit = AuditEntry.objects.order_by("-id").first()
    assert (audit.action, audit.entity_key) == ("grant role", str(made.pk))
    assert audit.actor.username == "ada"
    assert audit.reason == "joined the primary care team"
    assert [s.code for s in audit.subjects.all()] == ["99Z"]
    assert verify().ok


def test_a_role_for_the_wrong_kind_of_organisation_is_refused(
    admin_client: Client,
) -> None:
    colin = get_user_model().objects.create_user("colin", password="x")
    before = AuditEntry.objects.count()
    response = admin_client.post(
        ASSIGNMENTS + "add/",
        {
            "user": colin.pk,
            "role": "commissioner",
            "organisation": "U99001",
            "valid_from": "2024-04-01",
        },
    )
    assert response.status_code == 200
    assert "is a network" in response.content.decode()
    missing_role = admin_client.post(
        ASSIGNMENTS + "add/", {"user": colin.pk, "valid_from": "2024-04-01"}
    )
    assert missing_role.status_code == 200
    assert not RoleAssignment.objects.filter(user=colin).exists()
    assert AuditEntry.objects.count() == before


def test_ending_an_assignment_goes_through_the_service(
    admin_client: Client, make_user
) -> None:  # type: ignore[no-untyped-def]
    held = make_user("commissioner", "99Z", username="colin").roles.get()
    url = f"{ASSIGNMENTS}{held.pk}/change/"
    data = form_data(admin_client, url, "roleassignment_form")
    # only the end date (and why) can be changed once granted
    assert {"user", "role", "organisation", "valid_from"}.isdisjoint(data)
    ends = today() + timedelta(days=1)
    data |= {"valid_to": ends.isoformat(), "end_reason": "moved to another ICB"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    held.refresh_from_db()
    assert held.valid_to == ends
    audit = AuditEntry.objects.order_by("-id").first()
    assert (audit.action, audit.actor.username) == ("end role", "ada")
    assert audit.before["valid_to"] is None
    assert audit.after["valid_to"] == ends.isoformat()
    assert audit.reason == "moved to another ICB"
    # an ended role is not reopened
    data = form_data(admin_client, url, "roleassignment_form") | {"valid_to": ""}
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert "cannot be reopened" in refused.content.decode()
    held.refresh_from_db()
    assert held.valid_to == ends


def test_assignments_and_users_are_never_deleted(
    admin_client: Client, make_user
) -> None:  # type: ignore[no-untyped-def]
    colin = make_user("commissioner", "99Z", username="colin")
    held = colin.roles.get()
    assert admin_client.get(f"{ASSIGNMENTS}{held.pk}/delete/").status_code == 403
    delete = f"{ASSIGNMENTS}{held.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(f"/admin/auth/user/{colin.pk}/delete/").status_code == 403
    assert RoleAssignment.objects.filter(pk=held.pk).exists()
    assert get_user_model().objects.filter(pk=colin.pk).exists()


def test_an_administrator_cannot_make_a_superuser(
    admin_client: Client, make_user
) -> None:  # type: ignore[no-untyped-def]
    colin = make_user("commissioner", "99Z", username="colin")
    url = f"/admin/auth/user/{colin.pk}/change/"
    data = form_data(admin_client, url, "user_form")
    assert "is_superuser" not in data and "user_permissions" not in data
    data |= {"is_superuser": "on", "is_staff": "on", "first_name": "Colin"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    colin.refresh_from_db()
    assert colin.first_name == "Colin"
    assert colin.is_staff and not colin.is_superuser
    audit = AuditEntry.objects.order_by("-id").first()
    assert (audit.action, audit.entity_type, audit.entity_key) == (
        "change",
        "user",
        "colin",
    )
    assert audit.before["is_staff"] is False and audit.after["is_staff"] is True
    # nor change a superuser
    root = get_user_model().objects.create_superuser("root", password="x")
    root_url = f"/admin/auth/user/{root.pk}/change/"
    assert admin_client.post(root_url, {"username": "pwned"}).status_code == 403
    assert admin_client.get(f"/admin/auth/user/{root.pk}/password/").status_code == 403
    root.refresh_from_db()
    assert root.username == "root"


def test_a_commissioner_cannot_open_the_admin(make_user) -> None:  # type: ignore[no-untyped-def]
    commissioner = make_user("commissioner", "99Z")
    client = Client()
    client.force_login(commissioner)
    for url in ("/admin/", ASSIGNMENTS, "/admin/auth/user/", ASSIGNMENTS + "add/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    before = RoleAssignment.objects.count()
    client.post(
        ASSIGNMENTS + "add/",
        {"user": commissioner.pk, "role": "national", "valid_from": "2024-04-01"},
    )
    assert RoleAssignment.objects.count() == before
    # Even given staff status by mistake, the roles grant nothing here.
    commissioner.is_staff = True
    commissioner.save()
    assert client.get(ASSIGNMENTS).status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/audit/auditentry/").status_code == 403
