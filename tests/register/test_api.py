"""The register and contract API (/api/register/): who may ask what, and that its
JSON is the CLI's and the CSV downloads' for the same date.

Two areas: the demo (commissioner 99Z with its merged predecessors, networks
U99001-U99012) and a second one beside it (commissioner 88X, network U88001;
``tests.web.conftest.make_other_area``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from pcnhub.register import demo, queries
from tests.web.conftest import (
    OTHER_COMMISSIONER,
    OTHER_NETWORK,
    OTHER_UNCOVERED,
    load_demo,
    make_other_area,
)

pytestmark = pytest.mark.django_db

DAY = "2022-01-01"
NETWORK = "U99001"
MEMBER = "Z91001"
YEAR = "2021/22"

ROUTES = [
    f"/api/register/organisations/{NETWORK}",
    "/api/register/networks",
    "/api/register/uncovered",
    "/api/register/checks",
    f"/api/register/networks/{NETWORK}/entitlements?year={YEAR}",
]

Login = Callable[..., Client]


@pytest.fixture
def areas(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")
    make_other_area()


@pytest.fixture
def login(make_user) -> Login:  # type: ignore[no-untyped-def]
    """A client signed in as a new user holding ``role`` for ``organisation``."""

    def sign_in(role: str, organisation: str | None = None) -> Client:
        client = Client()
        client.force_login(make_user(role, organisation))
        return client

    return sign_in


def get(client: Client, url: str, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def status(client: Client, url: str, **params: Any) -> int:
    return client.get(url, params).status_code


def cli_json(*args: str) -> Any:
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def as_csv_text(records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """JSON records as their CSV would read (None empty, everything text)."""
    return [
        {k: "" if v is None else str(v) for k, v in record.items()}
        for record in records
    ]


def page_csv(client: Client, url: str, **params: str) -> list[dict[str, str]]:
    response = client.get(url, {**params, "format": "csv"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# Who may ask ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ROUTES)
def test_anonymous_gets_401(areas: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize("url", ROUTES)
def test_a_user_with_no_role_gets_403(areas: None, url: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.create_user("nobody", password="x"))
    response = client.get(url)
    assert response.status_code == 403
    assert "detail" in response.json()


def test_openapi_schema_lists_the_register_routes(login: Login, areas: None) -> None:
    schema = get(login("commissioner", "99Z"), "/api/openapi.json")
    for route in (
        "/api/register/organisations/{code}",
        "/api/register/networks",
        "/api/register/uncovered",
        "/api/register/checks",
        "/api/register/networks/{code}/entitlements",
    ):
        assert route in schema["paths"], route


# Organisations ------------------------------------------------------------------------


def test_organisation_for_a_national_analyst(login: Login, areas: None) -> None:
    client = login("national")
    body = get(client, "/api/register/organisations/99z", as_at=DAY)
    assert body["code"] == "99Z" and body["kind"] == "commissioner"
    assert body["name"] == "NHS Wendmoor CCG"
    assert body["details"]["name"] == "NHS Wendmoor CCG"
    assert [(p["code"], p["visible"]) for p in body["parents"]] == [
        (demo.DEMO_SYSTEM_CODE, True),
        (demo.DEMO_REGION_CODE, True),
    ]
    networks = {c["code"] for c in body["children"] if c["kind"] == "network"}
    assert networks == {
        r.pcn_code for r in queries.networks_on(date(2022, 1, 1), commissioner="99Z")
    }
    assert {p["code"] for p in body["predecessors"]} == {"98Z", "97Z"}
    other = get(client, f"/api/register/organisations/{OTHER_NETWORK}", as_at=DAY)
    assert [c["code"] for c in other["children"]] == ["Z88001"]


def test_organisation_in_and_out_of_a_commissioners_scope(
    login: Login, areas: None
) -> None:
    client = login("commissioner", "99Z")
    body = get(client, "/api/register/organisations/99Z", as_at=DAY)
    assert [p["visible"] for p in body["parents"]] == [False, False]
    assert body["parents"][0]["name"] == demo.DEMO_SYSTEM_NAME  # named all the same
    for code in (OTHER_NETWORK, OTHER_COMMISSIONER, demo.DEMO_REGION_CODE):
        response = client.get(f"/api/register/organisations/{code}")
        assert response.status_code == 403
        assert "detail" in response.json()
    missing = client.get("/api/register/organisations/NOSUCH")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "no organisation NOSUCH in the register"}
    assert status(client, "/api/register/organisations/98Z") == 200  # merged into 99Z


def test_organisation_for_network_and_practice_roles(login: Login, areas: None) -> None:
    director = login("clinical_director", NETWORK)
    body = get(director, f"/api/register/organisations/{NETWORK}", as_at=DAY)
    members = queries.members_of(NETWORK, date(2022, 1, 1))
    assert [c["code"] for c in body["children"]] == members
    assert {c["relationship"] for c in body["children"]} == {"practice_network"}
    assert body["parents"][0] == {
        "code": "99Z",
        "kind": "commissioner",
        "name": "NHS Wendmoor CCG",
        "visible": False,
        "inferred": False,
    }
    assert status(director, "/api/register/organisations/99Z") == 403
    assert status(director, f"/api/register/organisations/{MEMBER}") == 200
    practice = login("practice_manager", MEMBER)
    mine = get(practice, f"/api/register/organisations/{MEMBER}", as_at=DAY)
    # A practice manager reads its own network, read-only (issue 9, item 8) ...
    assert [(p["code"], p["visible"]) for p in mine["parents"]][0] == (NETWORK, True)
    assert status(practice, f"/api/register/organisations/{NETWORK}") == 200
    # ... but no other network, nor the commissioner above it.
    assert status(practice, "/api/register/organisations/U99002") == 403
    assert status(practice, "/api/register/organisations/99Z") == 403


# Networks and uncovered practices ---------------------------------------------------


def test_networks_json_is_the_cli_and_csv_output(login: Login, areas: None) -> None:
    client = login("national")
    body = get(client, "/api/register/networks", as_at=DAY)
    assert body == cli_json("networks", "--as-at", DAY)
    assert as_csv_text(body) == page_csv(client, "/networks/", as_at=DAY)
    assert OTHER_NETWORK in {r["pcn_code"] for r in body}
    lists = get(client, "/api/register/networks", as_at=DAY, lists_at="2021-01-01")
    assert lists == cli_json("networks", "--as-at", DAY, "--lists-at", "2021-01-01")
    area = get(client, "/api/register/networks", as_at=DAY, commissioner="99Z")
    assert area == cli_json("networks", "--as-at", DAY, "--commissioner", "99Z")


def test_networks_for_a_commissioner(login: Login, areas: None) -> None:
    client = login("commissioner", "99Z")
    body = get(client, "/api/register/networks", as_at=DAY)
    assert OTHER_NETWORK not in {r["pcn_code"] for r in body}
    assert {r["pcn_code"] for r in body} == set(demo.DEMO_PCNS)
    assert body == cli_json("networks", "--as-at", DAY, "--user", "commissioner-99z")
    assert as_csv_text(body) == page_csv(client, "/networks/", as_at=DAY)
    assert (
        status(client, "/api/register/networks", commissioner=OTHER_COMMISSIONER) == 403
    )
    assert status(client, "/api/register/networks", commissioner="NOSUCH") == 404


def test_networks_for_network_and_practice_roles(login: Login, areas: None) -> None:
    director = login("clinical_director", NETWORK)
    assert [
        r["pcn_code"] for r in get(director, "/api/register/networks", as_at=DAY)
    ] == [NETWORK]
    assert status(director, "/api/register/networks", commissioner="99Z") == 403
    practice = login("practice_manager", MEMBER)
    mine = get(practice, "/api/register/networks", as_at=DAY)
    assert [r["pcn_code"] for r in mine] == [NETWORK]


def test_uncovered_json_is_the_cli_and_csv_output(login: Login, areas: None) -> None:
    national = login("national")
    body = get(national, "/api/register/uncovered", as_at=DAY)
    assert body == cli_json("uncovered", "--as-at", DAY)
    assert as_csv_text(body) == page_csv(national, "/uncovered/", as_at=DAY)
    assert {demo.UNCOVERED_PRACTICE_CODE, OTHER_UNCOVERED} <= {
        r["practice_code"] for r in body
    }
    commissioner = login("commissioner", "99Z")
    mine = get(commissioner, "/api/register/uncovered", as_at=DAY)
    assert [r["practice_code"] for r in mine] == [demo.UNCOVERED_PRACTICE_CODE]
    assert mine == cli_json("uncovered", "--as-at", DAY, "--user", "commissioner-99z")
    assert as_csv_text(mine) == page_csv(commissioner, "/uncovered/", as_at=DAY)
    assert (
        status(commissioner, "/api/register/uncovered", commissioner=OTHER_COMMISSIONER)
        == 403
    )
    director = login("clinical_director", NETWORK)
    assert get(director, "/api/register/uncovered", as_at=DAY) == []


# Checks ----------------------------------------------------------------------------


def test_checks_json_is_the_cli_output(login: Login, areas: None) -> None:
    client = login("national")
    body = get(client, "/api/register/checks", as_at=DAY)
    assert body == cli_json("check", "--as-at", DAY)
    assert OTHER_COMMISSIONER in {f["commissioner_code"] for f in body}
    area = get(client, "/api/register/checks", as_at=DAY, commissioner="99Z")
    assert area == cli_json("check", "--as-at", DAY, "--commissioner", "99Z")
    one = get(client, "/api/register/checks", as_at=DAY, pcn=NETWORK)
    assert one == cli_json("check", "--as-at", DAY, "--pcn", NETWORK)
    met = get(client, "/api/register/checks", as_at=DAY, outcome="met")
    assert met == cli_json("check", "--as-at", DAY, "--outcome", "met")
    approval = get(
        client, "/api/register/checks", as_at=DAY, outcome="needs-commissioner-approval"
    )
    assert {f["outcome"] for f in approval} <= {"needs commissioner approval"}
    # the page's CSV holds the same findings (most serious first)
    rows = page_csv(client, "/checks/", as_at=DAY, commissioner="99Z")
    key = ("pcn_code", "practice_code", "rule", "outcome", "message")
    assert sorted(tuple(r[k] for k in key) for r in rows) == sorted(
        tuple(f[k] for k in key) for f in area
    )


def test_checks_by_scope(login: Login, areas: None) -> None:
    commissioner = login("commissioner", "99Z")
    mine = get(commissioner, "/api/register/checks", as_at=DAY)
    assert mine
    assert OTHER_COMMISSIONER not in {f["commissioner_code"] for f in mine}
    assert OTHER_NETWORK not in {f["pcn_code"] for f in mine}
    area = get(commissioner, "/api/register/checks", as_at=DAY, commissioner="99Z")
    assert area == cli_json("check", "--as-at", DAY, "--commissioner", "99Z")
    for params in (
        {"commissioner": OTHER_COMMISSIONER},
        {"pcn": OTHER_NETWORK},
    ):
        assert status(commissioner, "/api/register/checks", **params) == 403
    assert status(commissioner, "/api/register/checks", pcn="NOSUCH") == 404

    director = login("network_manager", NETWORK)
    findings = get(director, "/api/register/checks", as_at=DAY)
    members = set(queries.members_of(NETWORK, date(2022, 1, 1)))
    assert findings
    assert all(
        f["pcn_code"] == NETWORK or f["practice_code"] in members for f in findings
    )
    own = get(director, "/api/register/checks", as_at=DAY, pcn=NETWORK)
    assert own == cli_json("check", "--as-at", DAY, "--pcn", NETWORK)
    assert status(director, "/api/register/checks", commissioner="99Z") == 403
    assert status(director, "/api/register/checks", pcn="U99002") == 403


def test_checks_refuse_bad_parameters(login: Login, areas: None) -> None:
    client = login("national")
    assert status(client, "/api/register/checks", outcome="fine") == 422
    assert (
        status(client, "/api/register/checks", pcn=NETWORK, commissioner="99Z") == 422
    )
    assert status(client, "/api/register/checks", as_at="yesterday") == 422


# Entitlements ------------------------------------------------------------------------


def test_entitlements_json_is_the_cli_output(login: Login, areas: None) -> None:
    client = login("national")
    url = f"/api/register/networks/{NETWORK}/entitlements"
    body = get(client, url, year=YEAR)
    assert body == cli_json("entitlements", "--year", YEAR, "--pcn", NETWORK)
    assert body and "trace" not in body[0]
    explained = get(client, url, year=YEAR, explain="true")
    assert explained == cli_json(
        "entitlements", "--year", YEAR, "--pcn", NETWORK, "--explain"
    )
    assert "trace" in explained[0]
    # the page's CSV download has the same lines
    rows = page_csv(client, f"/org/{NETWORK}/entitlements/", year=YEAR)
    assert as_csv_text(body) == rows


def test_entitlements_by_scope(login: Login, areas: None) -> None:
    url = "/api/register/networks/{}/entitlements"
    director = login("clinical_director", NETWORK)
    assert status(director, url.format(NETWORK), year=YEAR) == 200
    assert status(director, url.format("U99002"), year=YEAR) == 403
    commissioner = login("commissioner", "99Z")
    assert status(commissioner, url.format("U99002"), year=YEAR) == 200
    assert status(commissioner, url.format(OTHER_NETWORK), year=YEAR) == 403
    assert status(commissioner, url.format("NOSUCH"), year=YEAR) == 404
    assert status(commissioner, url.format("99Z"), year=YEAR) == 404  # no network
    assert status(commissioner, url.format(NETWORK), year="2040/41") == 422
    practice = login("practice_manager", MEMBER)
    assert status(practice, url.format(NETWORK), year=YEAR) == 200
    assert status(practice, url.format("U99002"), year=YEAR) == 403
