"""/downloads/entitlements/: a contract year's entitlements for the nation, a
region, a commissioner or a network, within the user's scope, as CSV (streamed,
the CLI's columns and rows) or an Excel workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.test import Client

from tests.web.conftest import demo_data, other_area  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
URL = "/downloads/entitlements/"
YEAR = "2021/22"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client: Client, scope: str, code: str = "", fmt: str = "csv") -> Any:
    params = {"year": YEAR, "scope": scope, "format": fmt}
    if code:
        params[scope] = code
    return client.get(URL, params)


def streamed(response: Any) -> str:
    assert response.status_code == 200, response.content[:500]
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def cli_csv(*args: str) -> str:
    out = io.StringIO()
    call_command("entitlements", "--year", YEAR, "--format", "csv", *args, stdout=out)
    return out.getvalue()


def networks_in(text: str) -> set[str]:
    return {row["pcn_code"] for row in csv.DictReader(io.StringIO(text))}


Make = Callable[..., Any]


def test_a_commissioners_csv_is_the_clis(make_user: Make, other_area: None) -> None:  # noqa: F811
    client = client_for(make_user("commissioner", "99Z"))
    response = download(client, "commissioner", "99Z")
    assert response["Content-Disposition"] == (
        'attachment; filename="entitlements-99Z-2021-22.csv"'
    )
    text = streamed(response)
    assert text == cli_csv("--commissioner", "99Z")
    assert len(text.splitlines()) > 1000  # more than one chunk of lines
    assert "U88001" not in networks_in(text)


def test_the_nations_csv_is_the_clis(make_user: Make, other_area: None) -> None:  # noqa: F811
    client = client_for(make_user("national"))
    text = streamed(download(client, "nation"))
    assert text == cli_csv()
    assert {"U99001", "U88001"} <= networks_in(text)


def test_a_region_has_the_networks_of_its_commissioners(
    make_user: Make,
    other_area: None,  # noqa: F811
) -> None:
    client = client_for(make_user("regional", "Y98"))
    ours = streamed(download(client, "region", "Y98"))
    assert networks_in(ours) == networks_in(cli_csv("--commissioner", "99Z"))
    national = client_for(make_user("national"))
    theirs = streamed(download(national, "region", "Y97"))
    assert networks_in(theirs) == {"U88001"}
    # The same lines as the nation's, for those networks.
    everything = cli_csv().splitlines()
    assert theirs.splitlines() == [everything[0]] + [
        line for line in everything[1:] if line.startswith("U88001,")
    ]


def test_outside_the_scope_is_refused(make_user: Make, other_area: None) -> None:  # noqa: F811
    commissioner = client_for(make_user("commissioner", "99Z"))
    assert download(commissioner, "commissioner", "88X").status_code == 403
    assert download(commissioner, "nation").status_code == 403
    assert download(commissioner, "region", "Y98").status_code == 403
    regional = client_for(make_user("regional", "Y98"))
    assert download(regional, "region", "Y97").status_code == 403
    assert download(regional, "commissioner", "88X").status_code == 403
    assert download(regional, "nation").status_code == 403


def test_a_network_user_gets_their_network_only(
    make_user: Make,
    other_area: None,  # noqa: F811
) -> None:
    director = client_for(make_user("clinical_director", "U99001"))
    text = streamed(download(director, "network", "U99001"))
    assert text == cli_csv("--pcn", "U99001")
    assert download(director, "network", "U88001").status_code == 403
    assert download(director, "commissioner", "99Z").status_code == 403
    assert download(director, "nation").status_code == 403
    page = director.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="U99001"' in html
    assert 'value="nation"' not in html and 'value="99Z"' not in html


def test_a_practice_in_no_network_is_refused(make_user: Make, demo_data: None) -> None:  # noqa: F811
    practice = client_for(make_user("practice_manager", "Z93030"))
    assert practice.get(URL).status_code == 403


def test_the_form_offers_what_the_user_may_download(
    make_user: Make,
    other_area: None,  # noqa: F811
) -> None:
    html = client_for(make_user("commissioner", "99Z")).get(URL).content.decode()
    assert 'value="99Z"' in html and 'value="98Z"' in html  # merged into 99Z
    assert 'value="88X"' not in html and 'value="Y98"' not in html
    assert 'value="nation"' not in html
    html = client_for(make_user("national")).get(URL).content.decode()
    for code in ("nation", "Y98", "Y97", "99Z", "88X"):
        assert f'value="{code}"' in html


def test_xlsx_opens_and_has_the_lines(make_user: Make, demo_data: None) -> None:  # noqa: F811
    client = client_for(make_user("commissioner", "99Z"))
    response = download(client, "commissioner", "99Z", fmt="xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('"entitlements-99Z-2021-22.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    lines = list(book["Lines"].iter_rows(values_only=True))
    expected = list(csv.reader(io.StringIO(cli_csv("--commissioner", "99Z"))))
    assert list(lines[0]) == expected[0]
    assert len(lines) == len(expected)
    assert {row[0] for row in lines[1:]} == {row[0] for row in expected[1:]}
    assert "All networks" in book.sheetnames


def test_bad_answers_are_said(make_user: Make, demo_data: None) -> None:  # noqa: F811
    client = client_for(make_user("national"))
    response = client.get(URL, {"year": "1999/00", "scope": "nation", "format": "csv"})
    assert response.status_code == 400
    assert "pcnhub has no contract rules for 1999/00" in response.content.decode()
    response = download(client, "commissioner", "00Q")
    assert response.status_code == 404
    assert "00Q is not a commissioner in the register" in response.content.decode()
    response = download(client, "region", "99Z")  # a commissioner, not a region
    assert response.status_code == 404
    assert download(client, "nation", fmt="pdf").status_code == 400


def test_a_networks_payments_page_links_to_the_downloads(
    make_user: Make,
    demo_data: None,  # noqa: F811
) -> None:
    client = client_for(make_user("commissioner", "99Z"))
    page = client.get("/org/U99001/entitlements/", {"year": YEAR}).content.decode()
    assert f'href="{URL}?year={YEAR}"' in page
    form = client.get(URL, {"year": YEAR})
    assert form.status_code == 200
    assert YEAR in form.content.decode()
