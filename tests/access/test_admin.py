"""Users and role assignments in Django's admin: for administrators, audited."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client

from pcnhub.access.demo import create_demo_users
from pcnhub.access.models import RoleAssignment, RoleProposal
from pcnhub.access.roles import Role
from pcnhub.access.scope import today
from pcnhub.access.services import GrantRefused, approve, end, grant, propose
from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor, verify
from pcnhub.workflow import services as workflow
from tests.web.conftest import demo_data  # noqa: F401 - the demo area fixture
from tests.workflow.conftest import people, registration, submitted  # noqa: F401

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
            "role": "clinical_director",
            "organisation": "U99001",
            "valid_from": "2024-04-01",
            "reason": "elected clinical director",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = RoleAssignment.objects.get(user=colin)
    assert (made.role, made.organisation_id) == ("clinical_director", "U99001")
    assert made.valid_from == date(2024, 4, 1)
    assert made.granted_by.username == "ada"
    assert AuditEntry.objects.count() == before + 1
    audit = AuditEntry.objects.order_by("-id").first()
    assert (audit.action, audit.entity_key) == ("grant role", str(made.pk))
    assert audit.actor.username == "ada"
    assert audit.reason == "elected clinical director"
    assert [s.code for s in audit.subjects.all()] == ["U99001"]
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
            "role": "network_manager",
            "organisation": "99Z",
            "valid_from": "2024-04-01",
        },
    )
    assert response.status_code == 200
    assert "is a commissioner" in response.content.decode()
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


# --- the two-person rule: nobody grants themselves powers, admins never decide ------

PROPOSALS = "/admin/access/roleproposal/"


def _admin(make_user, username: str) -> Client:  # type: ignore[no-untyped-def]
    """A signed-in administrator (granted by the tests' system run)."""
    administrator = make_user("admin", username=username)
    administrator.is_staff = True
    administrator.save()
    client = Client()
    client.force_login(administrator)
    return client


def _user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def _propose(client: Client, user, role: str = "national", **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        PROPOSALS + "add/",
        {
            "user": user.pk,
            "role": role,
            "valid_from": "2024-04-01",
            "reason": "joined the national team",
            **extra,
        },
    )


def _decide_proposal(client: Client, proposal, decision: str, note: str = ""):  # type: ignore[no-untyped-def]
    url = f"{PROPOSALS}{proposal.pk}/change/"
    data = form_data(client, url, "roleproposal_form")
    return client.post(url, data | {"decision": decision, "note": note})


def _actions_since(before: int) -> list[tuple[str, str]]:
    return [
        (entry.action, entry.actor.username if entry.actor else entry.system_actor)
        for entry in AuditEntry.objects.order_by("id")[before:]
    ]


def test_an_admin_cannot_grant_themselves_national_in_the_admin(
    admin_client: Client,
) -> None:
    ada = _user("ada")
    before = AuditEntry.objects.count()
    direct = admin_client.post(
        ASSIGNMENTS + "add/",
        {"user": ada.pk, "role": "national", "valid_from": "2024-04-01"},
    )
    assert direct.status_code == 200
    assert "cannot grant a role to yourself" in direct.content.decode()
    # nor any other role, nor by proposing it
    other = admin_client.post(
        ASSIGNMENTS + "add/",
        {"user": ada.pk, "role": "evaluator", "valid_from": "2024-04-01"},
    )
    assert "cannot grant a role to yourself" in other.content.decode()
    proposed = _propose(admin_client, ada)
    assert proposed.status_code == 200
    assert "cannot propose a role for yourself" in proposed.content.decode()
    assert set(
        RoleAssignment.objects.filter(user=ada).values_list("role", flat=True)
    ) == {"admin"}
    assert not RoleProposal.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_decision_role_cannot_be_granted_directly_by_an_admin(
    admin_client: Client,
) -> None:
    colin = get_user_model().objects.create_user("colin", password="x")
    for role, organisation in (
        ("national", ""),
        ("regional", "Y98"),
        ("commissioner", "99Z"),
        ("admin", ""),
    ):
        response = admin_client.post(
            ASSIGNMENTS + "add/",
            {
                "user": colin.pk,
                "role": role,
                "organisation": organisation,
                "valid_from": "2024-04-01",
            },
        )
        assert response.status_code == 200, role
        assert "a second administrator must approve it" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=colin).exists()
    # the service refuses it too, whoever calls it
    with pytest.raises(GrantRefused, match="second administrator"):
        grant(Actor(user=_user("ada")), colin, Role.NATIONAL)
    # roles without decision powers are still granted at once
    granted = admin_client.post(
        ASSIGNMENTS + "add/",
        {"user": colin.pk, "role": "evaluator", "valid_from": "2024-04-01"},
    )
    assert granted.status_code == 302
    assert RoleAssignment.objects.filter(user=colin, role="evaluator").exists()


def test_a_proposed_national_role_counts_only_once_a_second_admin_approves(
    admin_client: Client,
    make_user,  # type: ignore[no-untyped-def]
    submitted,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    bob = _admin(make_user, "bob")
    colin = get_user_model().objects.create_user("colin", password="x")
    before = AuditEntry.objects.count()
    response = _propose(admin_client, colin)
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = RoleProposal.objects.get(user=colin)
    assert (proposal.status, proposal.proposed_by.username) == ("pending", "ada")

    # Colin holds nothing yet: he may not decide, by the API or the pages.
    assert not RoleAssignment.objects.filter(user=colin).exists()
    colins = Client()
    colins.force_login(colin)
    decision = f"/api/applications/{submitted.reference}/decision"
    body = {"outcome": "rejected", "reasons": "no", "version": submitted.version}
    refused = colins.post(decision, body, content_type="application/json")
    assert refused.status_code == 403
    assert colins.get(_decide_url(submitted)).status_code == 403

    # The pending proposal is listed for the second administrator to act on.
    listing = bob.get(PROPOSALS).content.decode()
    assert "colin" in listing and "Waiting for a second administrator" in listing
    approved = _decide_proposal(bob, proposal, "approve", "confirmed with the team")
    assert approved.status_code == 302, approved.content.decode()[:3000]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by.username) == ("approved", "bob")
    assert proposal.decided_at is not None
    held = proposal.assignment
    assert (held.user, held.role, held.valid_from) == (
        colin,
        "national",
        date(2024, 4, 1),
    )
    assert (held.granted_by.username, held.approved_by.username) == ("ada", "bob")

    colins = Client()
    colins.force_login(colin)
    assert colins.get(_decide_url(submitted)).status_code == 200
    assert (
        colins.post(decision, body, content_type="application/json").status_code == 200
    )
    assert _actions_since(before)[:3] == [
        ("propose role", "ada"),
        ("grant role", "bob"),
        ("approve role", "bob"),
    ]
    grant_entry = AuditEntry.objects.get(action="grant role", entity_key=str(held.pk))
    assert grant_entry.after["proposed_by"] == "ada"
    assert grant_entry.after["approved_by"] == "bob"
    approval = AuditEntry.objects.get(action="approve role")
    assert approval.before["status"] == "pending"
    assert approval.after["status"] == "approved"
    assert approval.reason == "confirmed with the team"
    assert verify().ok


def _decide_url(application) -> str:  # type: ignore[no-untyped-def]
    return f"/applications/{application.reference}/decide/"


def test_the_proposer_cannot_approve_their_own_proposal(
    admin_client: Client,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    colin = get_user_model().objects.create_user("colin", password="x")
    assert (
        _propose(admin_client, colin, "commissioner", organisation="99Z").status_code
        == 302
    )
    proposal = RoleProposal.objects.get(user=colin)
    before = AuditEntry.objects.count()
    own = _decide_proposal(admin_client, proposal, "approve")
    assert own.status_code == 200
    assert "a different administrator must approve it" in own.content.decode()
    # the list's bulk action refuses it too
    bulk = admin_client.post(
        PROPOSALS,
        {"action": "approve_selected", "_selected_action": [proposal.pk]},
        follow=True,
    )
    assert "a different administrator must approve it" in bulk.content.decode()
    with pytest.raises(GrantRefused, match="You proposed this role"):
        approve(_user("ada"), proposal)
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    assert not RoleAssignment.objects.filter(user=colin).exists()
    assert AuditEntry.objects.count() == before


def test_an_admin_cannot_approve_a_role_for_themselves(
    admin_client: Client,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    bob = _admin(make_user, "bob")
    carl = _admin(make_user, "carl")
    assert _propose(admin_client, _user("bob")).status_code == 302
    proposal = RoleProposal.objects.get(user=_user("bob"))
    mine = _decide_proposal(bob, proposal, "approve")
    assert mine.status_code == 200
    assert "This role is for you" in mine.content.decode()
    assert not RoleAssignment.objects.filter(user__username="bob", role="national")
    # a third administrator may
    assert _decide_proposal(carl, proposal, "approve").status_code == 302
    assert RoleAssignment.objects.filter(user__username="bob", role="national").exists()


def test_a_refused_proposal_is_kept_and_grants_nothing(
    admin_client: Client,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    bob = _admin(make_user, "bob")
    colin = get_user_model().objects.create_user("colin", password="x")
    _propose(admin_client, colin, "admin")
    proposal = RoleProposal.objects.get(user=colin)
    before = AuditEntry.objects.count()
    response = _decide_proposal(bob, proposal, "refuse", "not in the team")
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by.username) == ("refused", "bob")
    assert proposal.decision_note == "not in the team"
    assert not RoleAssignment.objects.filter(user=colin).exists()
    assert _actions_since(before) == [("refuse role", "bob")]
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.entity_type, entry.entity_key) == ("role proposal", str(proposal.pk))
    assert entry.after["status"] == "refused" and entry.reason == "not in the team"
    # decided proposals stay, read-only, and cannot be decided again or deleted
    url = f"{PROPOSALS}{proposal.pk}/change/"
    assert bob.get(url).status_code == 200
    bob.post(url, {"decision": "approve"})
    with pytest.raises(GrantRefused, match="already refused"):
        approve(_user("bob"), proposal)
    assert (
        bob.post(f"{PROPOSALS}{proposal.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == "refused"
    assert RoleProposal.objects.count() == 1
    assert not RoleAssignment.objects.filter(user=colin).exists()
    assert verify().ok


def test_only_administrators_propose_or_approve(
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    commissioner = make_user("commissioner", "99Z", username="colin")
    dora = get_user_model().objects.create_user("dora", password="x")
    with pytest.raises(PermissionDenied):
        propose(commissioner, dora, Role.NATIONAL)
    ada = make_user("admin", username="ada")
    proposal = propose(ada, dora, Role.NATIONAL)
    with pytest.raises(PermissionDenied):
        approve(commissioner, proposal)
    with pytest.raises(GrantRefused, match="needs no second person"):
        propose(ada, dora, Role.EVALUATOR)


def test_an_admin_who_also_holds_national_cannot_decide(
    make_user,  # type: ignore[no-untyped-def]
    submitted,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    both = make_user("admin", username="ada")
    grant(Actor(system="tests"), both, Role.NATIONAL, valid_from=date(2019, 4, 1))
    client = Client()
    client.force_login(both)
    ref = submitted.reference
    # still sees the application, as a national analyst does ...
    assert client.get(f"/api/applications/{ref}").status_code == 200
    assert client.get(f"/applications/{ref}/").status_code == 200
    # ... but decides nothing: not by the API, nor the pages, nor the services
    body = {"outcome": "rejected", "reasons": "no", "version": submitted.version}
    api = client.post(
        f"/api/applications/{ref}/decision", body, content_type="application/json"
    )
    assert api.status_code == 403
    assert client.get(_decide_url(submitted)).status_code == 403
    page = client.post(_decide_url(submitted), {"outcome": "rejected", "reasons": "no"})
    assert page.status_code == 403
    assert (
        "Decide on this application"
        not in client.get(f"/applications/{ref}/").content.decode()
    )
    with pytest.raises(PermissionDenied):
        workflow.decide(
            both,
            submitted,
            outcome="rejected",
            reasons="no",
            expected_version=submitted.version,
        )
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert not both.has_perm("workflow.decide_application", submitted)


def test_an_admin_who_also_holds_national_cannot_confirm_or_assign(
    make_user,  # type: ignore[no-untyped-def]
    people,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    both = make_user("admin", username="ada")
    grant(Actor(system="tests"), both, Role.NATIONAL, valid_from=date(2019, 4, 1))
    draft = workflow.create(people.manager, registration("a remote moorland valley"))
    client = Client()
    client.force_login(both)
    confirm = client.post(
        f"/api/applications/{draft.reference}/confirm",
        {"practice": "Z93030", "note": "a signed letter"},
        content_type="application/json",
    )
    assert confirm.status_code == 403
    assert draft.practices.get().confirmed_at is None
    assign = "/org/Z93030/assign/"
    assert client.get(assign).status_code == 403
    with pytest.raises(PermissionDenied):
        workflow.assign_practice(
            both,
            practice="Z93030",
            network="U99001",
            commissioner="99Z",
            effective_from=date(2022, 6, 1),
            reason="closest network",
        )


def test_a_superuser_does_not_decide_either(
    make_user,  # type: ignore[no-untyped-def]
    submitted,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    root = get_user_model().objects.create_superuser("root", password="x")
    grant(Actor(system="tests"), root, Role.NATIONAL, valid_from=date(2019, 4, 1))
    client = Client()
    client.force_login(root)
    body = {"outcome": "rejected", "reasons": "no", "version": submitted.version}
    api = client.post(
        f"/api/applications/{submitted.reference}/decision",
        body,
        content_type="application/json",
    )
    assert api.status_code == 403
    assert client.get(_decide_url(submitted)).status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_demo_grants_its_roles_directly_as_a_system_run() -> None:
    before = AuditEntry.objects.count()
    create_demo_users(Actor(system="pcnhub demo"))
    admin = RoleAssignment.objects.get(user__username="admin")
    assert (admin.role, admin.granted_by_system) == ("admin", "pcnhub demo")
    national = AuditEntry.objects.filter(action="grant role", id__gt=0).get(
        after__user="demo"
    )
    assert national.system_actor == "pcnhub demo"
    assert national.after["approved_by"].startswith("none: a direct grant")
    assert AuditEntry.objects.count() > before


def test_a_proposal_cannot_be_approved_once_its_proposer_is_no_longer_an_admin(
    admin_client: Client,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    bob = _admin(make_user, "bob")
    colin = get_user_model().objects.create_user("colin", password="x")
    assert _propose(admin_client, colin).status_code == 302
    proposal = RoleProposal.objects.get(user=colin)
    ada_admin = RoleAssignment.objects.get(user=_user("ada"), role="admin")
    end(Actor(system="tests"), ada_admin, on=date(2020, 1, 1), reason="left")
    answer = _decide_proposal(bob, proposal, "approve")
    assert answer.status_code == 200
    assert "ada proposed this role but is no longer an administrator" in (
        answer.content.decode()
    )
    with pytest.raises(GrantRefused, match="no longer an administrator"):
        approve(_user("bob"), proposal)
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    assert not RoleAssignment.objects.filter(user=colin).exists()
    # it can still be refused, and proposed again by an administrator
    assert _decide_proposal(bob, proposal, "refuse").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "refused"


def test_an_admin_cannot_set_a_decision_role_holders_password(
    admin_client: Client,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    """Else one administrator could sign in as a national analyst or another
    administrator, around the two-person rule for granting those roles."""
    national = make_user("national", username="nadia")
    other_admin = make_user("admin", username="bob")
    practice = make_user("evaluator", username="eve")
    before = AuditEntry.objects.count()
    for holder in (national, other_admin):
        url = f"/admin/auth/user/{holder.pk}/password/"
        assert admin_client.get(url).status_code == 403
        form = {"password1": "a-New-passw0rd!", "password2": "a-New-passw0rd!"}
        assert admin_client.post(url, form).status_code == 403
        holder.refresh_from_db()
        assert not holder.check_password("a-New-passw0rd!")
    assert AuditEntry.objects.count() == before
    # a role without decision powers: the administrator may help
    url = f"/admin/auth/user/{practice.pk}/password/"
    assert admin_client.get(url).status_code == 200
    # a decision role that has ended no longer protects the account
    end(
        Actor(system="tests"),
        RoleAssignment.objects.get(user=national),
        on=date(2020, 1, 1),
    )
    assert (
        admin_client.get(f"/admin/auth/user/{national.pk}/password/").status_code == 200
    )
    # a superuser may set anyone's
    root = get_user_model().objects.create_superuser("root", password="x")
    superuser = Client()
    superuser.force_login(root)
    url = f"/admin/auth/user/{other_admin.pk}/password/"
    assert superuser.get(url).status_code == 200
