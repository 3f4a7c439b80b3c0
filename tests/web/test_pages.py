"""The web pages: signed-in access, and what each page shows for the demo area."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from tests.web.conftest import PASSWORD

from pcnhub.register import demo, queries
from pcnhub.register.models import ListMeasure
from pcnhub.web.presenters import fmt_patients, fmt_weighted

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/?q=Z93005",
    "/networks/",
    "/networks/?format=csv",
    "/uncovered/",
    "/uncovered/?format=csv",
    f"/org/{demo.DEMO_REGION_CODE}/",
    f"/org/{demo.DEMO_SYSTEM_CODE}/",
    "/org/99Z/",
    f"/org/{demo.MOVED_TO_PCN_CODE}/",
    f"/org/{demo.MOVED_PRACTICE_CODE}/",
    "/org/NOSUCH/",
]


def main_of(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode())))


# Access ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_every_page_needs_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_sign_in_page_is_nhs_styled_with_csrf(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-header' in html
    assert "nhsuk-frontend.min.css" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Sign in to pcnhub" in html


def test_sign_in_and_out(user: AbstractBaseUser) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    html = home.content.decode()
    assert f'action="{reverse("logout")}" method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    out = client.post(
        reverse("logout"), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert out.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_error_summary(
    client: Client, user: AbstractBaseUser
) -> None:
    response = client.post(
        reverse("login"), {"username": "alice", "password": "not-the-password"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "There is a problem" in html


# Frame ----------------------------------------------------------------------------


def test_header_has_service_name_navigation_and_search(signed_in: Client) -> None:
    html = signed_in.get("/").content.decode()
    assert "nhsuk-header__service-name" in html and ">pcnhub<" in html
    for label in ("Home and search", "Networks", "Practices in no network", "Sign out"):
        assert label in html
    assert 'id="search-field"' in html


def test_as_at_is_shown_and_carried_through_links(
    signed_in: Client, demo_data: None
) -> None:
    response = signed_in.get("/networks/?as_at=2021-06-01")
    html = response.content.decode()
    assert "Networks open on 1 June 2021" in html
    assert 'value="2021-06-01"' in html
    assert f"/org/{demo.MOVED_FROM_PCN_CODE}/?as_at=2021-06-01" in html
    assert "/uncovered/?as_at=2021-06-01" in html  # the navigation
    # the header's search form carries the date too
    assert '<input type="hidden" name="as_at" value="2021-06-01">' in html


def test_default_date_is_today(signed_in: Client, demo_data: None) -> None:
    today = date.today()
    html = signed_in.get("/networks/").content.decode()
    assert f'value="{today.isoformat()}"' in html
    assert "as_at=" not in html.split("<main", 1)[1].split("Download", 1)[0]


@pytest.mark.parametrize("bad", ["yesterday", "2021-13-01", "2021-02-30"])
@pytest.mark.parametrize("url", ["/", "/networks/", "/uncovered/", "/org/99Z/"])
def test_bad_as_at_gives_a_friendly_error(
    signed_in: Client, demo_data: None, url: str, bad: str
) -> None:
    response = signed_in.get(url, {"as_at": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "There is a problem" in html
    assert "for example 2021-06-01" in html
    assert 'href="#as_at"' in html
    assert "<title>Error:" in html


def test_bad_as_at_for_csv_is_a_plain_400(signed_in: Client, demo_data: None) -> None:
    response = signed_in.get("/networks/", {"as_at": "nope", "format": "csv"})
    assert response.status_code == 400
    assert "as_at" in response.content.decode()


# Search ---------------------------------------------------------------------------


def test_search_by_exact_code_puts_it_first(signed_in: Client, demo_data: None) -> None:
    response = signed_in.get("/", {"q": demo.MOVED_PRACTICE_CODE.lower()})
    assert response.status_code == 200
    main = main_of(response)
    assert "Search results" in main
    first_row = response.content.decode().split('<tbody class="nhsuk-table__body">')[1]
    first_row = first_row.split("</tr>")[0]
    assert f"/org/{demo.MOVED_PRACTICE_CODE}/" in first_row
    assert "GP practice" in first_row


def test_search_by_part_of_a_name_is_case_insensitive(
    signed_in: Client, demo_data: None
) -> None:
    response = signed_in.get("/", {"q": "ormSTON road"})
    html = response.content.decode()
    assert f"/org/{demo.MOVED_PRACTICE_CODE}/" in html
    assert "ORMSTON ROAD SURGERY" in html
    network = signed_in.get("/", {"q": "ashby pcn"}).content.decode()
    assert f"/org/{demo.MOVED_FROM_PCN_CODE}/" in network
    assert "Primary care network" in network


def test_search_with_no_match_says_so(signed_in: Client, demo_data: None) -> None:
    main = main_of(signed_in.get("/", {"q": "zzznothing"}))
    assert "No organisation has a code or name containing" in main


# Organisation pages ---------------------------------------------------------------


def test_unknown_code_is_an_nhs_styled_404(signed_in: Client, demo_data: None) -> None:
    response = signed_in.get("/org/NOSUCH/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "NOSUCH" in html
    assert "nhsuk-header" in html


def test_unknown_address_is_an_nhs_styled_404(signed_in: Client) -> None:
    response = signed_in.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_moved_practice_shows_its_network_on_each_date(
    signed_in: Client, demo_data: None
) -> None:
    url = f"/org/{demo.MOVED_PRACTICE_CODE}/"
    before = signed_in.get(url, {"as_at": "2021-06-01"})
    after = signed_in.get(url, {"as_at": "2022-01-01"})
    assert before.status_code == after.status_code == 200

    def part_of(response) -> str:  # type: ignore[no-untyped-def]
        return main_of(response).split("Part of", 1)[1].split("List sizes", 1)[0]

    assert demo.MOVED_FROM_PCN_CODE in part_of(before)
    assert demo.MOVED_TO_PCN_CODE not in part_of(before)
    assert demo.MOVED_TO_PCN_CODE in part_of(after)
    assert demo.MOVED_FROM_PCN_CODE not in part_of(after)
    assert "NHS Wendmoor CCG (99Z)" in part_of(after)
    # the breadcrumb runs region → system → commissioner → network
    crumbs = after.content.decode().split('class="nhsuk-breadcrumb"')[1]
    crumbs = crumbs.split("</nav>")[0]
    order = [
        crumbs.index(f"/org/{code}/")
        for code in (demo.DEMO_REGION_CODE, demo.DEMO_SYSTEM_CODE, "99Z")
    ] + [crumbs.index(f"/org/{demo.MOVED_TO_PCN_CODE}/")]
    assert order == sorted(order)


def test_practice_page_shows_history_and_list_sizes(
    signed_in: Client, demo_data: None
) -> None:
    response = signed_in.get(
        f"/org/{demo.MOVED_PRACTICE_CODE}/", {"as_at": "2022-01-01"}
    )
    main = main_of(response)
    assert "List size history" in main
    assert "History" in main
    assert "Superseded" in main or "superseded" in main
    # membership of the old network ended the day before the move
    assert "30 September 2021" in main
    assert "#" in main and "ePCN-2022-05.xlsx" in main  # the import that opened it
    registered = queries.list_sizes_on(
        [demo.MOVED_PRACTICE_CODE], ListMeasure.REGISTERED, date(2022, 1, 1)
    )[demo.MOVED_PRACTICE_CODE]
    assert fmt_patients(registered) in main


def test_network_total_is_the_sum_of_its_members(
    signed_in: Client, demo_data: None
) -> None:
    day = date(2022, 1, 1)
    network = demo.MOVED_TO_PCN_CODE
    response = signed_in.get(f"/org/{network}/", {"as_at": day.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    members = queries.members_of(network, day)
    assert demo.MOVED_PRACTICE_CODE in members
    for code in members:
        assert f"/org/{code}/?as_at={day.isoformat()}" in html
    registered = queries.list_sizes_on(members, ListMeasure.REGISTERED, day)
    weighted = queries.list_sizes_on(members, ListMeasure.WEIGHTED, day)
    total_registered = sum(registered.values(), Decimal(0))
    total_weighted = sum(weighted.values(), Decimal(0))
    assert total_registered > 0
    # The totals row is the UI kit's <tfoot> (pcnhub.ui.sorting.totals_row).
    table = html.split("Member practices</caption>")[1].split("</table>")[0]
    foot = table.split('<tfoot class="nhsuk-table__foot"')[1].split("</tfoot>")[0]
    assert f"</span>{fmt_patients(total_registered)}</td>" in foot
    assert f"</span>{fmt_weighted(total_weighted)}</td>" in foot
    assert f"</span>{len(members)} practices</td>" in foot
    for code in members:
        assert fmt_patients(registered[code]) in html
    assert "nhsuk-table--responsive" in html


def test_commissioner_page(signed_in: Client, demo_data: None) -> None:
    day = date(2022, 1, 1)
    response = signed_in.get("/org/99Z/", {"as_at": day.isoformat()})
    main = main_of(response)
    assert "NHS Wendmoor CCG" in main
    networks = main.split("Networks on 1 January 2022", 1)[1].split("History", 1)[0]
    networks = networks.split("Practices in no network on", 1)[0]
    overseen = {row.pcn_code for row in queries.networks_on(day, commissioner="99Z")}
    assert overseen
    for code in demo.DEMO_PCNS:
        assert (code in networks) == (code in overseen)
    assert "Practices in no network on 1 January 2022" in main
    assert demo.UNCOVERED_PRACTICE_CODE in main
    assert "Took over from" in main
    assert "98Z" in main and "97Z" in main
    merged = main_of(signed_in.get("/org/97Z/", {"as_at": "2021-01-01"}))
    assert "Succeeded by" in merged
    assert "99Z" in merged


def test_region_and_system_pages_list_their_children(
    signed_in: Client, demo_data: None
) -> None:
    region = main_of(signed_in.get(f"/org/{demo.DEMO_REGION_CODE}/?as_at=2022-01-01"))
    assert demo.DEMO_REGION_NAME in region
    assert demo.DEMO_SYSTEM_CODE in region.split("Systems on", 1)[1]
    system = main_of(signed_in.get(f"/org/{demo.DEMO_SYSTEM_CODE}/?as_at=2021-01-01"))
    commissioners = system.split("Commissioners on", 1)[1]
    for code in demo.DEMO_COMMISSIONERS:
        assert code in commissioners


# Lists and CSV --------------------------------------------------------------------


def test_networks_page_and_csv(signed_in: Client, demo_data: None) -> None:
    main = main_of(signed_in.get("/networks/", {"as_at": "2022-01-01"}))
    for code, name in demo.DEMO_PCNS.items():
        assert code in main
        assert name in main
    response = signed_in.get("/networks/", {"as_at": "2022-01-01", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "networks-2022-01-01.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "pcn_code",
        "pcn_name",
        "commissioner_code",
        "practices",
        "registered_population",
        "weighted_population",
        "commissioner_inferred",
    ]
    assert {row[0] for row in rows[1:]} == set(demo.DEMO_PCNS)
    by_code = {row[0]: row for row in rows[1:]}
    expected = queries.population(demo.MOVED_TO_PCN_CODE, date(2022, 1, 1))
    assert int(by_code[demo.MOVED_TO_PCN_CODE][4]) == expected.registered


def test_uncovered_page_and_csv(signed_in: Client, demo_data: None) -> None:
    main = main_of(signed_in.get("/uncovered/", {"as_at": "2022-01-01"}))
    assert demo.UNCOVERED_PRACTICE_CODE in main
    response = signed_in.get("/uncovered/", {"as_at": "2022-01-01", "format": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response)
    assert rows[0] == [
        "practice_code",
        "practice_name",
        "commissioner_code",
        "registered_patients",
        "commissioner_inferred",
    ]
    assert demo.UNCOVERED_PRACTICE_CODE in {row[0] for row in rows[1:]}


def test_pages_use_the_responsive_grid_and_tables(
    signed_in: Client, demo_data: None
) -> None:
    for url in ("/networks/", "/uncovered/", f"/org/{demo.MOVED_PRACTICE_CODE}/"):
        html = signed_in.get(url, {"as_at": "2022-01-01"}).content.decode()
        assert 'name="viewport"' in html
        assert "nhsuk-table--responsive" in html
        assert "nhsuk-width-container" in html
