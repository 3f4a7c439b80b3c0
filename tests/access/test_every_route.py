"""Every page and API route, with every role and with no sign-in.

The expected answers come from the table below, written from the issue's
wording (who may see and do what), not from ``pcnhub.access.permissions``: if a
predicate drifts, this test fails. A route missing from the table fails too, so
a new route cannot go unchecked.

"Allowed" means anything but a refusal (a form may answer 200 with errors, 400,
404 for an unknown id, 409 or 422 — but never 401/403 or a sign-in redirect).
"Denied" means 403 (401 or a sign-in redirect when nobody is signed in). A
refused POST must change nothing: the audit trail does not grow.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.api import api
from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.workflow import services
from tests.web.conftest import demo_data, other_area  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

# --- who is who ------------------------------------------------------------------

USERS: dict[str, tuple[Role, str | None] | None] = {
    "anonymous": None,
    "no role": None,
    "national": (Role.NATIONAL, None),
    "admin": (Role.ADMIN, None),
    # An administrator who is also a national analyst (granted by a system run):
    # sees and oversees as national does, but never decides.
    "admin national": (Role.ADMIN, None),
    "evaluator": (Role.EVALUATOR, None),
    "regional Y98": (Role.REGIONAL, "Y98"),
    "commissioner 99Z": (Role.COMMISSIONER, "99Z"),
    "commissioner 88X": (Role.COMMISSIONER, "88X"),
    "director U99001": (Role.CLINICAL_DIRECTOR, "U99001"),
    "manager U99001": (Role.NETWORK_MANAGER, "U99001"),
    "practice Z91001": (Role.PRACTICE_MANAGER, "Z91001"),
    "practice Z93030": (Role.PRACTICE_MANAGER, "Z93030"),
}
#: Roles held besides the one above.
ALSO_HOLDS: dict[str, list[tuple[Role, str | None]]] = {
    "admin national": [(Role.NATIONAL, None)],
}
EVERYONE_WITH_A_ROLE = set(USERS) - {"anonymous", "no role"}
COUNTRY = {"national", "admin", "evaluator", "admin national"}
#: Administrators give out roles, so they never decide (issue 15).
ADMINS = {"admin", "admin national"}
DEMO_AREA = {"U99001", "Z91001", "99Z", "Z93030", "U99002"}
OTHER_AREA = {"U88001", "Z88001", "88X", "Z88002"}

#: What each user may see (the issue: their organisations and what lies beneath).
SEES: dict[str, set[str]] = {
    "regional Y98": DEMO_AREA | {"Y98"},
    "commissioner 99Z": DEMO_AREA,
    "commissioner 88X": OTHER_AREA,
    "director U99001": {"U99001", "Z91001"},
    "manager U99001": {"U99001", "Z91001"},
    "practice Z91001": {"Z91001"},
    "practice Z93030": {"Z93030"},
}
#: Who oversees an organisation (commissioners, their region, national).
OVERSEES: dict[str, set[str]] = {
    "national": DEMO_AREA | OTHER_AREA | {"Y98"},
    "admin national": DEMO_AREA | OTHER_AREA | {"Y98"},
    "regional Y98": DEMO_AREA,
    "commissioner 99Z": DEMO_AREA,
    "commissioner 88X": OTHER_AREA,
}
ACTS_FOR = {"director U99001": {"U99001"}, "manager U99001": {"U99001"}}
APPLICANTS = {"director U99001", "manager U99001", "practice Z91001", "practice Z93030"}


#: Networks seen read-only, as the network of the user's practice: its page and
#: payments, but not its governance, documents or audit trail (issue 9).
READS: dict[str, set[str]] = {"practice Z91001": {"U99001"}}


def sees(user: str, code: str) -> bool:
    return user in COUNTRY or code in SEES.get(user, set())


def reads(user: str, code: str) -> bool:
    """Sees the page and payments: in scope, or the network of their practice."""
    return sees(user, code) or code in READS.get(user, set())


def oversees(user: str, code: str) -> bool:
    return code in OVERSEES.get(user, set())


# --- the objects routes are about -------------------------------------------------

#: application key → (who applied, who must confirm, overseeing commissioner)
APPLICATIONS = {
    # Registration of a new network of Z93030, by the U99001 manager.
    "ours": {
        "applicant": "manager U99001",
        "named": {"practice Z93030"},
        "area": "99Z",
    },
    # A practice joining U88001, by U88001's manager (not one of USERS).
    "theirs": {"applicant": "", "named": set(), "area": "88X"},
}


def may_view_application(user: str, key: str) -> bool:
    a = APPLICATIONS[key]
    return user == a["applicant"] or user in a["named"] or oversees(user, a["area"])


def may_decide(user: str, key: str) -> bool:
    return (
        oversees(user, APPLICATIONS[key]["area"])
        and user != APPLICATIONS[key]["applicant"]
        and user not in ADMINS
    )


def may_assign(user: str, code: str) -> bool:
    return oversees(user, code) and user not in ADMINS


def may_change(user: str, key: str) -> bool:
    return user == APPLICATIONS[key]["applicant"]


def may_confirm(user: str, key: str) -> bool:
    return user in APPLICATIONS[key]["named"] or may_decide(user, key)


Rule = Callable[[str, str], bool]


def any_role(user: str, _: str) -> bool:
    return user in EVERYONE_WITH_A_ROLE


def not_evaluator(rule: Rule) -> Rule:
    return lambda user, obj: user != "evaluator" and rule(user, obj)


def acts_for(user: str, code: str) -> bool:
    return code in ACTS_FOR.get(user, set())


def change_governance(user: str, code: str) -> bool:
    return oversees(user, code) or code in ACTS_FOR.get(user, set())


#: route name → (methods, samples of its URL argument, rule(user, sample))
CODES = ["U99001", "U88001", "Z91001"]
NETWORKS = ["U99001", "U88001"]
APPS = ["ours", "theirs"]
SCHEME_CODES = ["99Z", "88X", "U99001"]
ROUTES: dict[str, tuple[tuple[str, ...], list[str], Rule]] = {
    "home": (("GET",), [""], any_role),
    "networks": (("GET",), [""], any_role),
    "uncovered": (("GET",), [""], any_role),
    "checks": (("GET",), [""], any_role),
    "org": (("GET",), CODES, reads),
    "entitlements": (("GET",), NETWORKS, reads),
    "governance": (("GET",), NETWORKS, sees),
    "governance_change": (("GET", "POST"), NETWORKS, not_evaluator(change_governance)),
    "governance_cd_end": (("GET", "POST"), NETWORKS, not_evaluator(change_governance)),
    "governance_document_new": (
        ("GET", "POST"),
        NETWORKS,
        not_evaluator(change_governance),
    ),
    "governance_document": (("GET",), NETWORKS, not_evaluator(sees)),
    "governance_contract_inputs": (("GET",), NETWORKS, sees),
    # Contract inputs set payments: the overseeing commissioner, never an admin.
    "governance_contract_inputs_record": (("GET", "POST"), NETWORKS, may_assign),
    "services": (("GET",), NETWORKS, sees),
    "services_record": (("GET", "POST"), NETWORKS, not_evaluator(change_governance)),
    "org_audit": (("GET",), CODES, not_evaluator(sees)),
    "audit": (("GET",), [""], not_evaluator(any_role)),
    "assign_practice": (("GET", "POST"), ["Z93030", "Z88002"], may_assign),
    "applications": (("GET",), [""], not_evaluator(any_role)),
    "application_new": (("GET",), [""], lambda u, _: u in APPLICANTS),
    "application_new_kind": (("GET", "POST"), [""], lambda u, _: u in APPLICANTS),
    "application": (("GET",), APPS, may_view_application),
    "application_change": (("GET", "POST"), APPS, may_change),
    "application_submit": (("POST",), APPS, may_change),
    "application_appeal": (("GET", "POST"), APPS, may_change),
    "application_confirm": (("POST",), APPS, may_confirm),
    "application_decide": (("GET", "POST"), APPS, may_decide),
    "application_appeal_decide": (("GET", "POST"), APPS, may_decide),
    "api:openapi-json": (("GET",), [""], any_role),
    "api:openapi-view": (("GET",), [""], any_role),
    "api:register_organisation": (("GET",), CODES, reads),
    "api:register_networks": (("GET",), [""], any_role),
    "api:register_uncovered": (("GET",), [""], any_role),
    "api:register_checks": (("GET",), [""], any_role),
    "api:register_entitlements": (("GET",), NETWORKS, reads),
    "api:list_applications": (("GET",), [""], not_evaluator(any_role)),
    "api:create_application": (("POST",), [""], lambda u, _: u in APPLICANTS),
    "api:get_application": (("GET",), APPS, may_view_application),
    "api:change_application": (("PUT",), APPS, may_change),
    "api:submit_application": (("POST",), APPS, may_change),
    "api:lodge_appeal": (("POST",), APPS, may_change),
    "api:confirm_practice": (("POST",), APPS, may_confirm),
    "api:decide_application": (("POST",), APPS, may_decide),
    "api:decide_appeal": (("POST",), APPS, may_decide),
    "api:governance": (("GET",), NETWORKS, sees),
    "api:history": (("GET",), NETWORKS, sees),
    "api:appoint": (("POST",), NETWORKS, not_evaluator(change_governance)),
    "api:end": (("POST",), NETWORKS, not_evaluator(change_governance)),
    "api:nominated_payee": (("POST",), NETWORKS, not_evaluator(change_governance)),
    "api:network_agreement": (("POST",), NETWORKS, not_evaluator(change_governance)),
    "api:data_sharing": (("POST",), NETWORKS, not_evaluator(change_governance)),
    "api:operating_model": (("POST",), NETWORKS, not_evaluator(change_governance)),
    "api:contract_inputs_of": (("GET",), NETWORKS, sees),
    "api:record_contract_inputs": (("POST",), NETWORKS, may_assign),
    "api:network_services": (("GET",), NETWORKS, sees),
    "api:record_service_delivery": (
        ("POST",),
        NETWORKS,
        not_evaluator(change_governance),
    ),
    "api:record_access_week": (("POST",), NETWORKS, not_evaluator(change_governance)),
    "api:list_entries": (("GET",), [""], not_evaluator(any_role)),
    "api:verify_chain": (("GET",), [""], lambda u, _: u in {"national"} | ADMINS),
    "api:withdraw_application": (("POST",), APPS, may_change),
    "application_withdraw": (("POST",), APPS, may_change),
    # Staff and ARRS claims (issue 11): seen by whoever sees the network fully
    # (names are another matter: tests/workforce/test_pages.py); recorded and
    # claimed only by the network's own roles.
    "workforce": (("GET",), NETWORKS, sees),
    "workforce_post": (("GET",), NETWORKS, sees),
    "workforce_claims": (("GET",), NETWORKS, sees),
    "workforce_post_new": (("GET", "POST"), NETWORKS, acts_for),
    "workforce_post_change": (("GET", "POST"), NETWORKS, acts_for),
    "workforce_staff_list": (("GET", "POST"), NETWORKS, acts_for),
    "workforce_claim_generate": (("POST",), NETWORKS, acts_for),
    "workforce_plan": (("GET",), NETWORKS, sees),
    "workforce_plan_add": (("GET", "POST"), NETWORKS, acts_for),
    "workforce_plan_remove": (("POST",), NETWORKS, acts_for),
    # The ARRS table: any role, each seeing the rows of the networks it sees.
    "arrs_utilisation": (("GET",), [""], any_role),
    "api:arrs_utilisation": (("GET",), [""], any_role),
    "api:network_census": (("GET",), NETWORKS, sees),
    "api:staff_posts": (("GET",), NETWORKS, sees),
    "api:record_staff_post": (("POST",), NETWORKS, acts_for),
    "api:arrs_claims": (("GET",), NETWORKS, sees),
    "api:generate_arrs_claim": (("POST",), NETWORKS, acts_for),
    "api:workforce_plan": (("GET",), NETWORKS, sees),
    # Entitlements downloads: every role that reaches a network, commissioner or
    # region (a practice in no network reaches none).
    "entitlements_download": (
        ("GET",),
        [""],
        lambda u, _: u in EVERYONE_WITH_A_ROLE - {"practice Z93030"},
    ),
    # Local schemes (obj: a commissioner, or a network for the schemes covering
    # it): seen by all who see it fully; recorded by the overseeing commissioner
    # (its region, national), never by an administrator.
    "local_schemes": (("GET",), SCHEME_CODES, sees),
    "local_scheme": (("GET",), SCHEME_CODES, sees),
    "local_scheme_overlaps": (("GET",), SCHEME_CODES, sees),
    "local_scheme_new": (("GET", "POST"), SCHEME_CODES, may_assign),
    "local_scheme_change": (("GET", "POST"), SCHEME_CODES, may_assign),
    "local_scheme_end": (("GET", "POST"), SCHEME_CODES, may_assign),
    "api:local_schemes": (("GET",), SCHEME_CODES, sees),
    "api:local_scheme_overlaps": (("GET",), SCHEME_CODES, sees),
    "api:record_local_scheme": (("POST",), SCHEME_CODES, may_assign),
    "api:change_local_scheme": (("PUT",), SCHEME_CODES, may_assign),
    "api:end_local_scheme": (("POST",), SCHEME_CODES, may_assign),
}
# Each later app's rows are in its own module beside this one
# (tests/access/routes_<app>.py, a ``routes(table)`` function given this module
# for its predicates), so that apps built side by side do not edit one table.
for _rows in sorted(Path(__file__).parent.glob("routes_*.py")):
    ROUTES.update(
        importlib.import_module(f"tests.access.{_rows.stem}").routes(
            sys.modules[__name__]
        )
    )
#: Django's admin: only administrators (staff) get past its sign-in.
ADMIN_PAGES = [
    "/admin/",
    "/admin/access/roleassignment/",
    "/admin/access/roleproposal/",
    "/admin/audit/auditentry/",
    "/admin/auth/user/",
    "/admin/tokens/apitoken/",
]
#: Sign-in and out; the API's root, which has no content (404 for everyone); the
#: health check, for load balancers (tests/core/test_health.py).
PUBLIC = {"login", "logout", "api:api-root", "healthz"}


def all_routes() -> dict[str, str]:
    """Every named route outside the admin → its path pattern."""

    def walk(patterns: list, prefix: str = "", ns: str = "") -> Any:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(
                    p.url_patterns, prefix + str(p.pattern), p.namespace or ns
                )
            elif isinstance(p, URLPattern):
                yield (f"{ns}:" if ns else "") + str(p.name), prefix + str(p.pattern)

    return {
        name: path
        for name, path in walk(get_resolver().url_patterns)
        if not path.startswith("admin/")
    }


def url_for(pattern: str, sample: str, refs: dict[str, str]) -> str:
    path = "/" + pattern
    for token in ("<str:code>", "<code>"):
        path = path.replace(token, sample)
    for token in ("<str:ref>", "<ref>", "<str:reference>"):
        path = path.replace(token, refs.get(sample, sample))
    path = path.replace("<str:kind>", "registration").replace(
        "<slug:kind>", "clinical-director"
    )
    path = path.replace("<int:pk>", "1").replace("<pk>", "1")
    return path.replace("<appointment_id>", "1")


@pytest.fixture
def world(other_area: None) -> dict[str, Any]:  # noqa: F811
    users = get_user_model().objects
    actor = Actor(system="tests")
    people: dict[str, Any] = {}
    for name, role in USERS.items():
        if name == "anonymous":
            continue
        user = users.create_user(
            name.replace(" ", "-").lower(), password="x", is_staff=name in ADMINS
        )
        for held in ([role] if role else []) + ALSO_HOLDS.get(name, []):
            grant(actor, user, held[0], held[1], valid_from=date(2019, 4, 1))
        people[name] = user
    theirs_manager = users.create_user("manager-u88001", password="x")
    grant(
        actor,
        theirs_manager,
        Role.NETWORK_MANAGER,
        "U88001",
        valid_from=date(2019, 4, 1),
    )
    ours = services.create(
        people["manager U99001"],
        services.Proposal(
            kind="registration",
            commissioner="99Z",
            effective_from=date(2022, 6, 1),
            details={"network_name": "Fernham Vale PCN"},
            practices=[("Z93030", "joins")],
        ),
    )
    services.submit(people["manager U99001"], ours, ours.version)
    theirs = services.create(
        theirs_manager,
        services.Proposal(
            kind="practice_join",
            commissioner="88X",
            network="U88001",
            effective_from=date(2022, 6, 1),
            practices=[("Z88002", "joins")],
        ),
    )
    services.submit(theirs_manager, theirs, theirs.version)
    refs = {"ours": ours.reference, "theirs": theirs.reference}
    return {"people": people, "refs": refs}


def refused(response: Any, anonymous: bool, api: bool) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return anonymous and not api and "/login/" in location


def test_every_route_is_in_the_table() -> None:
    missing = set(all_routes()) - set(ROUTES) - PUBLIC
    assert not missing, f"routes with no expected access: {sorted(missing)}"


def test_every_route_with_every_role(world: dict[str, Any]) -> None:
    routes = all_routes()
    wrong: list[str] = []
    for user_name in USERS:
        client = Client()
        if user_name != "anonymous":
            client.force_login(world["people"][user_name])
        for name, (methods, samples, rule) in ROUTES.items():
            api = name.startswith("api:")
            for sample in samples:
                url = url_for(routes[name], sample, world["refs"])
                expected = user_name != "anonymous" and rule(user_name, sample)
                for method in methods:
                    before = AuditEntry.objects.count()
                    response = _request(client, method, url, name)
                    denied = refused(response, user_name == "anonymous", api)
                    if denied == expected:
                        wrong.append(
                            f"{user_name:18} {method:4} {url}: got "
                            f"{response.status_code}, expected "
                            f"{'allowed' if expected else 'denied'}"
                        )
                    if denied and AuditEntry.objects.count() != before:
                        wrong.append(f"{user_name} {method} {url}: refused but wrote")
        for page in ADMIN_PAGES:
            response = client.get(page)
            allowed = response.status_code == 200
            if allowed != (user_name in ADMINS):
                wrong.append(f"{user_name:18} GET  {page}: got {response.status_code}")
    assert not wrong, f"{len(wrong)} wrong answers:\n" + "\n".join(wrong)


def _request(client: Client, method: str, url: str, route: str) -> Any:
    if method == "GET":
        return client.get(url)
    if route.startswith("api:"):
        # A body the schema accepts, so that permission (not validation) answers;
        # version 0 is always stale, so an allowed decision changes nothing.
        body = json.dumps(example_body(route))
        return client.generic(method, url, data=body, content_type="application/json")
    return client.post(url, {})


def example_body(route: str) -> Any:
    schema = api.get_openapi_schema()
    name = route.split(":", 1)[1]
    for operations in schema["paths"].values():
        for operation in operations.values():
            if (
                operation.get("operationId", "").endswith(name)
                or operation.get("x-route-name") == name
            ):
                content = operation.get("requestBody", {}).get("content", {})
                body = content.get("application/json", {}).get("schema")
                return _example(body, schema) if body else {}
    return {}


def _example(node: dict, schema: dict) -> Any:
    if "$ref" in node:
        target = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _example(target, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            return _example(options[0], schema)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        return {
            key: _example(value, schema)
            for key, value in node.get("properties", {}).items()
            if key in node.get("required", [])
        }
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    if node.get("format") == "date":
        return "2022-06-01"
    return "x"
