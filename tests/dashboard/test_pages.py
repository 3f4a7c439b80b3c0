"""The dashboard on the home page, on /dashboard/ and in the API: the same
figures everywhere, each role limited to its own area."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from pcnhub.dashboard.api import as_json
from pcnhub.dashboard.services import dashboard
from pcnhub.ui.asat import today
from tests.web.conftest import demo_data, other_area  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

DAY = "2022-05-01"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _summary(response: Any, key: str) -> str:
    """The value beside ``key`` in the page's summary lists."""
    html = response.content.decode()
    match = re.search(
        r'<dt class="nhsuk-summary-list__key"\s*>\s*'
        + re.escape(key)
        + r'\s*</dt>\s*<dd class="nhsuk-summary-list__value"\s*>(.*?)</dd>',
        html,
        re.S,
    )
    assert match, f"no summary row {key!r}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match[1])).split())


def test_home_shows_the_national_dashboard(other_area: None, make_user: Any) -> None:  # noqa: F811
    client = _client(make_user("national"))
    page = client.get("/", {"as_at": DAY})
    assert page.status_code == 200
    text = _text(page)
    # the search box stays
    assert 'name="q"' in page.content.decode()
    for heading in (
        "Networks and practices",
        "Coverage",
        "Contract check findings",
        "Applications waiting",
        "Entitlements",
        "ARRS headroom",
        "Data freshness",
        "What changed",
    ):
        assert heading in text
    api = client.get("/api/dashboard/", {"as_at": DAY}).json()
    assert api["area"]["level"] == "nation"
    # the page shows the API's figures
    assert _summary(page, "Networks") == f"{api['counts']['networks']:,}"
    assert _summary(page, "Practices") == f"{api['counts']['practices']:,}"
    assert _summary(page, "Registered patients") == (
        f"{api['counts']['registered_population']:,}"
    )
    assert _summary(page, "Practices in no network") == (
        f"{api['coverage']['uncovered']:,}"
    )
    assert api["counts"]["networks"] == 13 and api["coverage"]["uncovered"] == 2
    # each requirement links to the checks page filtered by it
    for rule in api["findings"]["rules"]:
        assert f"/checks/?rule={rule['rule']}&amp;as_at={DAY}" in page.content.decode()
    # stale data is flagged (registrations of 2022-01-01 on 2022-05-01)
    assert "Some data is out of date" in text
    assert "Stale" in text


def test_api_answers_what_the_service_works_out(
    other_area: None,  # noqa: F811
    make_user: Any,
) -> None:
    commissioner = make_user("commissioner", "99Z")
    got = _client(commissioner).get(
        "/api/dashboard/", {"as_at": DAY, "since": "2021-01-01"}
    )
    assert got.status_code == 200
    from datetime import date

    expected = as_json(dashboard(commissioner, date(2022, 5, 1), None, "2021-01-01"))
    body = got.json()
    assert body["counts"] == expected["counts"]
    assert body["coverage"] == expected["coverage"]
    assert body["findings"]["total"] == expected["findings"]["total"]
    assert body["entitlements"]["total"] == str(expected["entitlements"]["total"])
    assert body["area"]["code"] == "99Z"
    moved = {p["practice"] for p in body["changes"]["practices"]}
    assert "Z93005" in moved
    assert {m["predecessor"] for m in body["changes"]["commissioners"]} == {
        "97Z",
        "98Z",
    }


def test_commissioner_page_links_checks_for_their_area(
    other_area: None,  # noqa: F811
    make_user: Any,
) -> None:
    client = _client(make_user("commissioner", "88X"))
    page = client.get("/", {"as_at": DAY})
    html = page.content.decode()
    assert "NHS Farshire CCG (88X)" in html
    assert (
        f"/checks/?commissioner=88X&amp;rule=coverage.all_practices&amp;as_at={DAY}"
        in html
    )
    checks = client.get(
        "/checks/",
        {
            "commissioner": "88X",
            "rule": "coverage.all_practices",
            "as_at": DAY,
            "format": "csv",
        },
    )
    rows = checks.content.decode().strip().splitlines()[1:]
    api = client.get("/api/dashboard/", {"as_at": DAY}).json()
    (rule,) = [
        r for r in api["findings"]["rules"] if r["rule"] == "coverage.all_practices"
    ]
    assert len(rows) == rule["total"]
    # no demo area figures
    assert "U99001" not in html and api["counts"]["networks"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/?scope=88X",
        "/dashboard/?scope=88X",
        "/dashboard/88X/",
        "/dashboard/U88001/",
        "/dashboard/nation/",
        "/api/dashboard/?scope=88X",
        "/api/dashboard/?scope=Z88001",
    ],
)
def test_no_one_sees_another_area(
    url: str,
    other_area: None,  # noqa: F811
    make_user: Any,
) -> None:
    response = _client(make_user("commissioner", "99Z")).get(url)
    assert response.status_code == 403
    body = response.content.decode()
    # the refusal names what was asked for, and shows no figure of it
    assert "Networks and practices" not in body and "counts" not in body
    assert "35,000" not in body and "35000" not in body


def test_an_area_within_the_users_own(other_area: None, make_user: Any) -> None:  # noqa: F811
    client = _client(make_user("commissioner", "99Z"))
    page = client.get("/dashboard/U99001/", {"as_at": DAY})
    assert page.status_code == 200
    assert _summary(page, "Networks") == "1"
    api = client.get("/api/dashboard/", {"as_at": DAY, "scope": "u99001"}).json()
    assert api["area"] == {
        "level": "network",
        "code": "U99001",
        "name": api["area"]["name"],
        "label": api["area"]["label"],
    }
    assert api["counts"]["networks"] == 1


def test_national_user_chooses_any_area(other_area: None, make_user: Any) -> None:  # noqa: F811
    client = _client(make_user("national"))
    page = client.get("/dashboard/", {"as_at": DAY, "scope": "88X"})
    assert page.status_code == 200
    assert "NHS Farshire CCG (88X)" in _text(page)
    # the choice of area offers England and the regions
    html = page.content.decode()
    assert 'value="nation"' in html and 'value="Y98"' in html
    assert client.get("/dashboard/nation/").status_code == 200


def test_unknown_area_and_bad_since(other_area: None, make_user: Any) -> None:  # noqa: F811
    client = _client(make_user("national"))
    assert client.get("/dashboard/NOSUCH/").status_code == 404
    assert client.get("/api/dashboard/", {"scope": "NOSUCH"}).status_code == 422
    assert client.get("/api/dashboard/", {"scope": "QZZ"}).status_code == 200
    bad = client.get("/", {"as_at": DAY, "since": "nope"})
    assert bad.status_code == 400
    assert "There is a problem" in _text(bad)
    assert client.get("/api/dashboard/", {"since": "nope"}).status_code == 422
    later = client.get("/api/dashboard/", {"as_at": DAY, "since": "2023-01-01"})
    assert later.status_code == 422


def test_every_role_sees_a_sentence_not_an_error(
    other_area: None,  # noqa: F811
    make_user: Any,
) -> None:
    for role, org in (
        ("evaluator", None),
        ("practice_manager", "Z93030"),
        ("practice_manager", "Z91001"),
        ("network_manager", "U99001"),
        ("regional", "Y98"),
    ):
        client = _client(make_user(role, org))
        page = client.get("/", {"as_at": DAY, "since": "2021-01-01"})
        assert page.status_code == 200, (role, org)
        text = _text(page)
        assert "Networks and practices" in text
        if role == "evaluator":
            assert "Evaluators do not see applications" in text
        if role == "practice_manager":
            assert "Coverage is a commissioner" in text
    assert today()  # the date pages default to
