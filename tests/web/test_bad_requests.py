"""Requests pcnhub cannot read answer 400 with a clear message, never 500.

- a multipart body without a boundary (to pages and to the API, with the CSRF
  checks on, as a browser is checked);
- a NUL character (``\\x00``) in the path, a query parameter, a form field, a
  cookie or a JSON string: PostgreSQL cannot hold one in text, so a query with
  it fails there (``ValueError`` in psycopg) and, on SQLite, it would be stored.

The requests go through the whole middleware stack with Django's test client
and ``enforce_csrf_checks``, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.governance.samples import MINIMAL_PDF
from tests.web.conftest import demo_data  # noqa: F401 - fixture

from pcnhub.audit.models import AuditEntry
from pcnhub.governance.models import GovernanceDocument

pytestmark = pytest.mark.django_db

NO_BOUNDARY = "multipart/form-data"


@pytest.fixture
def browser(demo_data: None, make_user: Any) -> Client:  # noqa: F811
    """A national analyst's browser, with its CSRF cookie, checked as a browser."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(make_user("national"))
    client.get("/")
    return client


@pytest.fixture
def manager(demo_data: None, make_user: Any) -> AbstractBaseUser:  # noqa: F811
    return make_user("network_manager", "U99001")


def token(client: Client) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies["csrftoken"].value}


def detail(response: Any) -> str:
    assert response["Content-Type"].startswith("application/json"), response.content
    return str(response.json()["detail"])


def page_text(response: Any) -> str:
    assert response["Content-Type"].startswith("text/html"), response.content
    return response.content.decode()


# --- multipart without a boundary ------------------------------------------------

API_WRITES = [
    "/api/applications/",
    "/api/governance/U99001/data-sharing",
    "/api/applications/NOSUCH/submit",
]
PAGE_WRITES = ["/login/", "/applications/new/", "/logout/"]


@pytest.mark.parametrize("debug", [False, True], ids=["debug off", "debug on"])
@pytest.mark.parametrize("path", API_WRITES)
def test_api_multipart_without_boundary_is_a_400_in_json(
    browser: Client, settings: Any, path: str, debug: bool
) -> None:
    settings.DEBUG = debug
    response = browser.post(
        path, data=b"x=1", content_type=NO_BOUNDARY, headers=token(browser)
    )
    assert response.status_code == 400, response.content
    assert "boundary" in detail(response)


@pytest.mark.parametrize("path", PAGE_WRITES)
def test_page_multipart_without_boundary_is_a_400_page(
    browser: Client, path: str
) -> None:
    response = browser.post(
        path, data=b"x=1", content_type=NO_BOUNDARY, headers=token(browser)
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "nhsuk-header" in text  # the NHS.UK frame, not Django's bare page
    assert "boundary" in text


def test_put_multipart_without_boundary_is_a_400_in_json(browser: Client) -> None:
    response = browser.put(
        "/api/applications/NOSUCH",
        data=b"x=1",
        content_type=NO_BOUNDARY,
        headers=token(browser),
    )
    assert response.status_code == 400, response.content
    assert "boundary" in detail(response)


# --- NUL characters ----------------------------------------------------------------

API_QUERIES: list[tuple[str, dict[str, str]]] = [
    ("/api/register/networks", {"commissioner": "99\x00Z"}),
    ("/api/register/checks", {"pcn": "U99001\x00"}),
    ("/api/audit/", {"who": "de\x00mo"}),
    ("/api/audit/", {"organisation": "\x00"}),
    ("/api/applications/", {"state": "draft\x00"}),
    ("/api/register/uncovered", {"as_at": "2022-01-01", "extra\x00": "1"}),
]


@pytest.mark.parametrize(("path", "query"), API_QUERIES)
def test_nul_in_an_api_query_is_a_400(
    browser: Client, path: str, query: dict[str, str]
) -> None:
    response = browser.get(path, query)
    assert response.status_code == 400, response.content
    message = detail(response)
    assert "NUL" in message
    assert "query parameter" in message


@pytest.mark.parametrize(
    "path",
    [
        "/api/register/organisations/U99%00001",
        "/api/applications/%00",
        "/api/governance/U99001%00/history",
        "/org/U99%00001/",
        "/applications/A%00/",
    ],
)
def test_nul_in_the_path_is_a_400(browser: Client, path: str) -> None:
    response = browser.get(path)
    assert response.status_code == 400, response.content
    text = detail(response) if path.startswith("/api/") else page_text(response)
    assert "NUL" in text
    assert "address" in text


def test_nul_in_a_page_query_is_a_400_page(browser: Client) -> None:
    response = browser.get("/networks/", {"commissioner": "99\x00Z"})
    assert response.status_code == 400
    text = page_text(response)
    assert "nhsuk-header" in text
    assert "NUL" in text and "commissioner" in text


def test_nul_in_a_form_field_is_a_400(browser: Client) -> None:
    response = browser.post(
        "/login/",
        {
            "username": "de\x00mo",
            "password": "x",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 400
    assert "username" in page_text(response)


def test_nul_in_a_multipart_field_is_a_400(browser: Client) -> None:
    response = browser.post(
        "/applications/new/",
        {"kind": "x\x00", "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )
    assert response.status_code == 400
    assert "kind" in page_text(response)


def body_with_nul(reason: str) -> str:
    return json.dumps(
        {"start": "2022-04-01", "reason": reason, "status": "signed"}
    )  # json.dumps writes the NUL as \u0000


@pytest.mark.parametrize(
    "send",
    [
        lambda c, h: c.post(
            "/api/governance/U99001/data-sharing",
            body_with_nul("because\x00"),
            content_type="application/json",
            headers=h,
        ),
        lambda c, h: c.post(
            "/api/applications/",
            json.dumps(
                {
                    "kind": "join",
                    "effective_from": "2022-04-01",
                    "details": {"n\x00ame": ["x"]},
                }
            ),
            content_type="application/json",
            headers=h,
        ),
        lambda c, h: c.put(
            "/api/applications/NOSUCH",
            json.dumps(
                {"kind": "join", "effective_from": "2022-04-01", "version": 1}
            ).replace('"join"', '"jo\\u0000in"'),
            content_type="application/json",
            headers=h,
        ),
    ],
    ids=["string", "key in nested object", "raw escape"],
)
def test_nul_in_a_json_body_is_a_400_and_changes_nothing(
    browser: Client, send: Callable[[Client, dict[str, str]], Any]
) -> None:
    before = AuditEntry.objects.count()
    response = send(browser, token(browser))
    assert response.status_code == 400, response.content
    assert "NUL" in detail(response)
    assert AuditEntry.objects.count() == before


def test_an_escaped_backslash_before_u0000_is_not_a_nul(browser: Client) -> None:
    """``"\\\\u0000"`` in JSON is a backslash and the text u0000: allowed."""
    body = json.dumps({"start": "2022-04-01", "reason": "r", "status": "signed"})
    body = body.replace('"r"', '"see \\\\u0000"')
    response = browser.post(
        "/api/governance/U99001/data-sharing",
        body,
        content_type="application/json",
        headers=token(browser),
    )
    assert response.status_code == 201, response.content
    assert response.json()["reason"] == "see \\u0000"


def test_nul_in_a_raw_json_body_is_a_400(browser: Client) -> None:
    response = browser.post(
        "/api/applications/",
        b'{"kind": "jo\x00in"}',
        content_type="application/json",
        headers=token(browser),
    )
    assert response.status_code == 400, response.content
    assert "NUL" in detail(response)


def test_nul_in_the_session_cookie_is_a_400(browser: Client) -> None:
    # A quoted cookie value may spell a NUL as \000; Django decodes it.
    browser.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = browser.get("/api/register/networks")
    assert response.status_code == 400, response.content
    assert "cookie" in detail(response)


def test_a_document_upload_may_hold_nul_bytes(
    client: Client, manager: AbstractBaseUser, settings: Any, tmp_path: Path
) -> None:
    """Files are not text: a NUL in an uploaded file is the file's business."""
    settings.MEDIA_ROOT = tmp_path / "documents"
    client.force_login(manager)
    header, rest = MINIMAL_PDF.split(b"\n", 1)
    pdf = header + b"\n%\x00\x01\xff binary comment\n" + rest
    response = client.post(
        reverse("governance_document_new", args=["U99001"]),
        {
            "kind": "schedule",
            "title": "Financial schedule",
            "upload": SimpleUploadedFile("schedule.pdf", pdf, "application/pdf"),
            "reason": "agreed at the board",
        },
    )
    assert response.status_code == 302, response.content
    assert GovernanceDocument.objects.filter(network_id="U99001").count() == 1


def test_a_malformed_content_length_is_not_a_500(browser: Client) -> None:
    response = browser.generic(
        "POST",
        "/api/applications/",
        b"",
        content_type="application/json",
        CONTENT_LENGTH="abc",
        headers=token(browser),
    )
    assert response.status_code == 400, response.content
    assert "Content-Length" in detail(response)
