"""What each role sees and is refused on the register and contract pages.

The demo area (region Y98, system QZZ, commissioners 99Z / 98Z / 97Z, networks
U99001-U99012) and a second small area beside it (commissioner 88X, network
U88001, practices Z88001 and Z88002; see ``make_other_area``). A user sees the
organisations their roles are for and everything ever linked beneath them; an
unknown code is a 404, a known one outside the user's scope a 403.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from tests.web.conftest import (
    OTHER_COMMISSIONER,
    OTHER_NAMES,
    OTHER_NETWORK,
    OTHER_PRACTICE,
    OTHER_REGION,
    OTHER_UNCOVERED,
)

from pcnhub.register import demo, queries

pytestmark = pytest.mark.django_db

DAY = "2022-01-01"
NETWORK = "U99001"
MEMBER = "Z91001"  # a member of U99001
OTHER_DEMO_NETWORK = "U99002"
DEMO_COMMISSIONERS = set(demo.DEMO_COMMISSIONERS)  # 99Z, 98Z, 97Z

Login = Callable[..., Client]


@pytest.fixture
def login(client: Client, make_user) -> Login:  # type: ignore[no-untyped-def]
    """Sign ``client`` in as a new user holding ``role`` for ``organisation``."""

    def sign_in(role: str, organisation: str | None = None) -> Client:
        client.force_login(make_user(role, organisation))
        return client

    return sign_in


def main_text(response: HttpResponse) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def linked(response: HttpResponse) -> set[str]:
    """The organisation codes the page links to."""
    return set(re.findall(r'href="/org/([A-Z0-9]+)/', response.content.decode()))


def csv_codes(response: HttpResponse, column: str = "pcn_code") -> set[str]:
    assert response.status_code == 200, response.content
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    return {row[column] for row in rows}


def csv_records(response: HttpResponse) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def networks_shown(client: Client) -> set[str]:
    page = client.get("/networks/", {"as_at": DAY})
    assert page.status_code == 200
    shown = {
        code for code in [*demo.DEMO_PCNS, OTHER_NETWORK] if code in main_text(page)
    }
    in_csv = csv_codes(client.get("/networks/", {"as_at": DAY, "format": "csv"}))
    assert shown == in_csv
    return in_csv


def uncovered_shown(client: Client) -> set[str]:
    page = client.get("/uncovered/", {"as_at": DAY})
    assert page.status_code == 200
    in_csv = csv_codes(
        client.get("/uncovered/", {"as_at": DAY, "format": "csv"}), "practice_code"
    )
    for code in (demo.UNCOVERED_PRACTICE_CODE, OTHER_UNCOVERED):
        assert (code in main_text(page)) == (code in in_csv)
    return in_csv


def search_codes(client: Client, text: str) -> set[str]:
    response = client.get("/", {"q": text, "as_at": DAY})
    assert response.status_code == 200
    return linked(response)


def all_demo_networks() -> set[str]:
    return {row.pcn_code for row in queries.networks_on(date.fromisoformat(DAY))} - {
        OTHER_NETWORK
    }


# No role ---------------------------------------------------------------------------

EVERY_PAGE = [
    "/",
    "/?q=Z91001",
    "/networks/",
    "/networks/?format=csv",
    "/uncovered/",
    "/uncovered/?format=csv",
    "/checks/",
    "/checks/?format=csv",
    "/checks/?commissioner=99Z",
    "/org/99Z/",
    f"/org/{NETWORK}/",
    f"/org/{MEMBER}/",
    "/org/NOSUCH/",
    f"/org/{NETWORK}/entitlements/?year=2021/22",
    f"/org/{NETWORK}/entitlements/?year=2021/22&format=csv",
]


@pytest.mark.parametrize("url", EVERY_PAGE)
def test_a_user_with_no_role_is_refused_everywhere(
    client: Client, demo_data: None, url: str
) -> None:
    client.force_login(get_user_model().objects.create_user("nobody", password="x"))
    response = client.get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have access to this page" in html
    assert "does not hold a role in pcnhub" in html
    assert "nhsuk-header" in html and "nhsuk-footer" in html
    assert "<title>You do not have access to this page – pcnhub</title>" in html
    # no search and no navigation to pages the user cannot open; sign out is there
    assert 'id="search-field"' not in html
    assert "nhsuk-header__navigation" not in html
    assert "Sign out" in html and "nobody" in html


def test_a_user_with_no_role_can_still_sign_in_and_out(demo_data: None) -> None:
    get_user_model().objects.create_user("nobody", password="pw-nobody-123")
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "nobody", "password": "pw-nobody-123"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 403
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # to sign in again


# Country-wide roles -------------------------------------------------------------


@pytest.mark.parametrize("role", ["national", "evaluator", "admin"])
def test_country_wide_roles_see_every_area(
    login: Login, other_area: None, role: str
) -> None:
    client = login(role)
    assert networks_shown(client) == all_demo_networks() | {OTHER_NETWORK}
    assert {demo.UNCOVERED_PRACTICE_CODE, OTHER_UNCOVERED} <= uncovered_shown(client)
    for code in (OTHER_REGION, OTHER_COMMISSIONER, OTHER_NETWORK, "99Z", NETWORK):
        assert client.get(f"/org/{code}/", {"as_at": DAY}).status_code == 200
    assert OTHER_NETWORK in search_codes(client, "Farshire")
    checks = csv_records(client.get("/checks/", {"as_at": DAY, "format": "csv"}))
    assert {r["commissioner_code"] for r in checks} >= {"99Z", OTHER_COMMISSIONER}
    page = client.get("/checks/", {"as_at": DAY})
    assert "Everywhere" in main_text(page)


# Regional team --------------------------------------------------------------------


def test_regional_team_sees_its_region_only(login: Login, other_area: None) -> None:
    client = login("regional", demo.DEMO_REGION_CODE)
    assert networks_shown(client) == all_demo_networks()
    assert OTHER_UNCOVERED not in uncovered_shown(client)
    for code in (demo.DEMO_REGION_CODE, demo.DEMO_SYSTEM_CODE, "99Z", "97Z", NETWORK):
        assert client.get(f"/org/{code}/", {"as_at": DAY}).status_code == 200
    for code in (OTHER_REGION, OTHER_COMMISSIONER, OTHER_NETWORK, OTHER_PRACTICE):
        assert client.get(f"/org/{code}/", {"as_at": DAY}).status_code == 403
    region = client.get(f"/org/{demo.DEMO_REGION_CODE}/", {"as_at": DAY})
    assert demo.DEMO_SYSTEM_CODE in linked(region)
    assert (
        client.get("/checks/", {"commissioner": OTHER_COMMISSIONER}).status_code == 403
    )
    checks = csv_records(client.get("/checks/", {"as_at": DAY, "format": "csv"}))
    assert checks
    assert OTHER_COMMISSIONER not in {r["commissioner_code"] for r in checks}
    assert OTHER_NETWORK not in {r["pcn_code"] for r in checks}


# Commissioner ---------------------------------------------------------------------


def test_commissioner_does_not_see_another_commissioners_data(
    login: Login, other_area: None
) -> None:
    client = login("commissioner", "99Z")
    # pages
    refused = client.get(f"/org/{OTHER_NETWORK}/", {"as_at": DAY})
    assert refused.status_code == 403
    assert f"do not include {OTHER_NETWORK}" in main_text(refused)
    for code in (OTHER_COMMISSIONER, OTHER_PRACTICE, OTHER_REGION):
        assert client.get(f"/org/{code}/").status_code == 403
    # lists and their CSV
    shown = networks_shown(client)
    assert OTHER_NETWORK not in shown
    assert shown == all_demo_networks()  # every demo network is 99Z's by 2022
    uncovered = uncovered_shown(client)
    assert demo.UNCOVERED_PRACTICE_CODE in uncovered
    assert OTHER_UNCOVERED not in uncovered
    # search
    assert search_codes(client, "Farshire") == set()
    assert search_codes(client, OTHER_NETWORK) == set()
    assert search_codes(client, "Zephyr") == set()
    assert NETWORK in search_codes(client, NETWORK)
    empty = client.get("/", {"q": "Farshire"})
    assert "No organisation has a code or name containing" in main_text(empty)
    for name in OTHER_NAMES.values():
        if name != "Farshire":  # the search term itself is on the page
            assert name not in empty.content.decode()
    # checks
    assert (
        client.get("/checks/", {"commissioner": OTHER_COMMISSIONER}).status_code == 403
    )
    assert (
        client.get(
            "/checks/", {"commissioner": OTHER_COMMISSIONER, "format": "csv"}
        ).status_code
        == 403
    )
    own = client.get("/checks/", {"commissioner": "99Z", "as_at": DAY})
    assert own.status_code == 200
    everything = csv_records(client.get("/checks/", {"as_at": DAY, "format": "csv"}))
    assert everything
    assert OTHER_COMMISSIONER not in {r["commissioner_code"] for r in everything}
    assert OTHER_NETWORK not in {r["pcn_code"] for r in everything}
    page = client.get("/checks/", {"as_at": DAY})
    assert "All your organisations" in main_text(page)
    assert f'value="{OTHER_COMMISSIONER}"' not in page.content.decode()
    assert 'value="99Z"' in page.content.decode()
    # payments
    assert client.get(f"/org/{NETWORK}/entitlements/?year=2021/22").status_code == 200
    for fmt in ("", "csv", "xlsx"):
        response = client.get(
            f"/org/{OTHER_NETWORK}/entitlements/", {"year": "2021/22", "format": fmt}
        )
        assert response.status_code == 403


def test_commissioner_sees_its_area_and_merged_predecessors(
    login: Login, demo_data: None
) -> None:
    client = login("commissioner", "99Z")
    for code in ("99Z", "98Z", "97Z", NETWORK, MEMBER, demo.UNCOVERED_PRACTICE_CODE):
        assert client.get(f"/org/{code}/", {"as_at": DAY}).status_code == 200
    # before the merger, 97Z's networks were 97Z's: still in 99Z's reach
    before = client.get("/networks/", {"as_at": "2021-01-01", "format": "csv"})
    assert csv_codes(before) == {
        row.pcn_code for row in queries.networks_on(date(2021, 1, 1))
    }
    # above the commissioner: names only
    for code in (demo.DEMO_SYSTEM_CODE, demo.DEMO_REGION_CODE):
        assert client.get(f"/org/{code}/").status_code == 403
    page = client.get("/org/99Z/", {"as_at": DAY})
    assert {demo.DEMO_SYSTEM_CODE, demo.DEMO_REGION_CODE}.isdisjoint(linked(page))
    text = main_text(page)
    assert f"{demo.DEMO_SYSTEM_NAME} ({demo.DEMO_SYSTEM_CODE})" in text
    assert f"{demo.DEMO_REGION_NAME} ({demo.DEMO_REGION_CODE})" in text
    assert {"98Z", "97Z", NETWORK, demo.UNCOVERED_PRACTICE_CODE} <= linked(page)
    crumbs = page.content.decode().split('class="nhsuk-breadcrumb"')[1]
    assert "/org/" not in crumbs.split("</nav>")[0]


def test_unknown_code_is_404_and_known_out_of_scope_is_403(
    login: Login, other_area: None
) -> None:
    client = login("commissioner", "99Z")
    assert client.get("/org/NOSUCH/").status_code == 404
    assert client.get("/org/NOSUCH/entitlements/").status_code == 404
    assert client.get("/checks/", {"commissioner": "NOSUCH"}).status_code == 404
    assert client.get(f"/org/{OTHER_NETWORK}/").status_code == 403
    assert client.get(f"/org/{OTHER_NETWORK}/entitlements/").status_code == 403
    assert client.get(f"/org/{OTHER_NETWORK.lower()}/").status_code == 403


# Network roles ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clinical_director", "network_manager"])
def test_network_roles_see_their_network_and_its_members(
    login: Login, other_area: None, role: str
) -> None:
    client = login(role, NETWORK)
    day = date.fromisoformat(DAY)
    members = set(queries.members_of(NETWORK, day))
    page = client.get(f"/org/{NETWORK}/", {"as_at": DAY})
    assert page.status_code == 200
    assert members <= linked(page)
    assert "99Z" not in linked(page)  # its commissioner: named, not linked
    assert "NHS Wendmoor CCG (99Z)" in main_text(page)
    assert "Member practices" in main_text(page)
    assert client.get(f"/org/{MEMBER}/", {"as_at": DAY}).status_code == 200
    for code in (
        "99Z",
        OTHER_DEMO_NETWORK,
        demo.UNCOVERED_PRACTICE_CODE,
        OTHER_NETWORK,
    ):
        assert client.get(f"/org/{code}/").status_code == 403
    assert networks_shown(client) == {NETWORK}
    assert uncovered_shown(client) == set()
    assert search_codes(client, "PCN") == {NETWORK}
    # checks: only their network's findings; no commissioner's whole area
    assert client.get("/checks/", {"commissioner": "99Z"}).status_code == 403
    findings = csv_records(client.get("/checks/", {"as_at": DAY, "format": "csv"}))
    assert findings
    for finding in findings:
        assert finding["pcn_code"] == NETWORK or finding["practice_code"] in members
    national = run_national_checks()
    assert {
        (f["rule"], f["practice_code"]) for f in national if f["pcn_code"] == NETWORK
    } <= {(f["rule"], f["practice_code"]) for f in findings}
    checks_page = client.get("/checks/", {"as_at": DAY})
    assert 'id="commissioner"' not in checks_page.content.decode()  # nothing to pick
    # payments
    paid = client.get(f"/org/{NETWORK}/entitlements/", {"year": "2021/22"})
    assert paid.status_code == 200
    assert "99Z" not in linked(paid)
    csv_response = client.get(
        f"/org/{NETWORK}/entitlements/", {"year": "2021/22", "format": "csv"}
    )
    assert csv_codes(csv_response) == {NETWORK}
    paid_practices = csv_codes(csv_response, "practice_code") - {""}
    assert paid_practices and paid_practices <= linked(paid)
    assert (
        client.get(f"/org/{OTHER_DEMO_NETWORK}/entitlements/?year=2021/22").status_code
        == 403
    )


def run_national_checks() -> list[dict[str, str]]:
    from pcnhub.contract.services import run_checks

    return [f.row() for f in run_checks(date.fromisoformat(DAY)).findings]


def test_a_network_keeps_seeing_a_practice_that_left_it(
    login: Login, demo_data: None
) -> None:
    """Z93005 moved from U99010 to U99011 on 1 October 2021: U99010's manager
    still sees the practice (its history), but not the network it joined."""
    client = login("network_manager", demo.MOVED_FROM_PCN_CODE)
    page = client.get(f"/org/{demo.MOVED_PRACTICE_CODE}/", {"as_at": DAY})
    assert page.status_code == 200
    assert demo.MOVED_TO_PCN_CODE not in linked(page)
    assert demo.MOVED_FROM_PCN_CODE in linked(page)  # in its history
    assert demo.MOVED_TO_PCN_CODE in main_text(page)
    assert client.get(f"/org/{demo.MOVED_TO_PCN_CODE}/").status_code == 403


# Practice managers -------------------------------------------------------------------


def test_practice_manager_sees_their_practice_only(
    login: Login, demo_data: None
) -> None:
    client = login("practice_manager", MEMBER)
    day = date.fromisoformat(DAY)
    page = client.get(f"/org/{MEMBER}/", {"as_at": DAY})
    assert page.status_code == 200
    text = main_text(page)
    # its network linked (read-only, issue 9), its commissioner by name; no
    # other member shown
    assert f"{demo.DEMO_PCNS[NETWORK]} ({NETWORK})" in text
    assert linked(page) <= {MEMBER, NETWORK}
    others = set(queries.members_of(NETWORK, day)) - {MEMBER}
    assert others and not any(code in page.content.decode() for code in others)
    assert "Registered patients" in text
    for code in ("99Z", OTHER_DEMO_NETWORK, sorted(others)[0]):
        assert client.get(f"/org/{code}/").status_code == 403
    # Its network's page and payments, but not its governance.
    assert client.get(f"/org/{NETWORK}/").status_code == 200
    assert client.get(f"/org/{NETWORK}/entitlements/").status_code == 200
    assert client.get(f"/org/{NETWORK}/governance/").status_code == 403
    assert networks_shown(client) == {NETWORK}
    assert uncovered_shown(client) == set()
    assert search_codes(client, "Z9") == {MEMBER}
    findings = csv_records(client.get("/checks/", {"as_at": DAY, "format": "csv"}))
    assert findings and all(
        f["practice_code"] == MEMBER
        or (f["pcn_code"] == NETWORK and not f["practice_code"])
        for f in findings
    )


def test_practice_manager_of_a_practice_in_no_network(
    login: Login, demo_data: None
) -> None:
    client = login("practice_manager", demo.UNCOVERED_PRACTICE_CODE)
    assert uncovered_shown(client) == {demo.UNCOVERED_PRACTICE_CODE}
    page = client.get("/uncovered/", {"as_at": DAY})
    assert "99Z" not in linked(page)  # the commissioner: its code, unlinked
    assert demo.UNCOVERED_PRACTICE_CODE in linked(page)
    findings = csv_records(client.get("/checks/", {"as_at": DAY, "format": "csv"}))
    assert findings  # the practice is in no network: a coverage finding
    assert {f["practice_code"] for f in findings} == {demo.UNCOVERED_PRACTICE_CODE}


# The header and the links to other parts of pcnhub ----------------------------------


def _placeholder(request: HttpRequest, code: str = "") -> HttpResponse:
    return HttpResponse("placeholder")


#: This module is also a URL configuration: pcnhub's, plus stand-ins for the pages
#: other parts of pcnhub are adding, so that the links to them can be tested.
urlpatterns = [
    path("applications/", _placeholder, name="applications"),
    path("audit/", _placeholder, name="audit"),
    path("org/<str:code>/governance/", _placeholder, name="governance"),
    path("org/<str:code>/audit/", _placeholder, name="org_audit"),
    path("", include("pcnhub.urls")),
]
handler403 = "pcnhub.web.views.permission_denied"

WITH_OTHER_PAGES = override_settings(ROOT_URLCONF=__name__)


def header_of(response: HttpResponse) -> str:
    html = response.content.decode()
    return html[html.index("<header") : html.index("</header>")]


def network_links_of(response: HttpResponse) -> str:
    html = response.content.decode()
    if "More about this network" not in html:
        return ""
    return html.split("More about this network", 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("role", "organisation", "applications", "audit"),
    [
        ("national", None, True, True),
        ("regional", demo.DEMO_REGION_CODE, True, True),
        ("commissioner", "99Z", True, True),
        ("clinical_director", NETWORK, True, False),
        ("network_manager", NETWORK, True, False),
        ("practice_manager", MEMBER, True, False),
        ("evaluator", None, False, False),
        ("admin", None, True, True),
    ],
)
@WITH_OTHER_PAGES
def test_header_links_by_permission(
    login: Login,
    demo_data: None,
    role: str,
    organisation: str | None,
    applications: bool,
    audit: bool,
) -> None:
    client = login(role, organisation)
    header = header_of(client.get("/", {"as_at": DAY}))
    for text, url in (
        ("Networks", "/networks/"),
        ("Practices in no network", "/uncovered/"),
        ("Contract checks", "/checks/"),
    ):
        assert text in header and f'href="{url}?as_at={DAY}"' in header
    assert ('href="/applications/' in header) == applications
    assert ("Applications" in header) == applications
    assert ('href="/audit/' in header) == audit
    assert ("Audit trail" in header) == audit
    # the user's name and roles
    username = f"{role}-{organisation or 'all'}".lower()
    assert username in header
    label = {
        "national": "National",
        "regional": f"Regional team {organisation}",
        "commissioner": f"Commissioner {organisation}",
        "clinical_director": f"Clinical director {organisation}",
        "network_manager": f"PCN manager {organisation}",
        "practice_manager": f"Practice manager {organisation}",
        "evaluator": "Evaluator",
        "admin": "Administrator",
    }[role]
    assert f"{username} ({label})" in header


@pytest.mark.parametrize(
    ("role", "organisation", "governance", "audit"),
    [
        ("national", None, True, True),
        ("commissioner", "99Z", True, True),
        ("clinical_director", NETWORK, True, True),
        ("network_manager", NETWORK, True, True),
        ("evaluator", None, True, False),
    ],
)
@WITH_OTHER_PAGES
def test_network_page_links_to_governance_and_audit_by_permission(
    login: Login,
    demo_data: None,
    role: str,
    organisation: str | None,
    governance: bool,
    audit: bool,
) -> None:
    client = login(role, organisation)
    links = network_links_of(client.get(f"/org/{NETWORK}/", {"as_at": DAY}))
    assert (reverse("governance", args=[NETWORK]) in links) == governance
    assert (reverse("org_audit", args=[NETWORK]) in links) == audit
    # a practice's page has neither
    practice = client.get(f"/org/{MEMBER}/", {"as_at": DAY})
    assert network_links_of(practice) == ""


@override_settings(ROOT_URLCONF="pcnhub.web.urls")
def test_pages_work_before_the_other_pages_exist(login: Login, demo_data: None) -> None:
    """Without the applications, audit and governance pages, no link to them."""
    client = login("national")
    home = client.get("/")
    assert home.status_code == 200
    assert "Applications" not in header_of(home)
    assert "Audit trail" not in header_of(home)
    network = client.get(f"/org/{NETWORK}/")
    assert network.status_code == 200
    assert network_links_of(network) == ""
