"""The OpenAPI schema: who may read it, and that every operation declares the
error answers it can give, with the body it gives them (``{"detail": …}``).

What each operation really answers is held to the schema by
``test_schema_fuzz.py``; this file pins the declarations themselves, and the
answers that generated input does not reach (no session, no role, a stale CSRF
token).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pcnhub.api import api
from tests.web.conftest import demo_data  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

SCHEMA_URLS = ["/api/openapi.json", "/api/docs"]


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


OPERATIONS = operations()
IDS = [f"{method} {path}" for method, path, _ in OPERATIONS]


def takes_input(operation: dict[str, Any]) -> bool:
    return bool(operation.get("parameters") or operation.get("requestBody"))


def names_a_record(path: str, operation: dict[str, Any]) -> bool:
    queries = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    return "{" in path or bool(queries & {"commissioner", "pcn"})


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_declares_its_error_answers(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    declared = {str(code) for code in operation["responses"]}
    expected = {"400", "401", "403"}
    if takes_input(operation):
        expected.add("422")
    if names_a_record(path, operation):
        expected.add("404")
    assert expected <= declared, f"{method} {path} lacks {expected - declared}"
    for code, answer in operation["responses"].items():
        if str(code) in ("200", "201"):
            continue
        body = answer["content"]["application/json"]["schema"]
        assert "detail" in _properties(body), f"{method} {path} {code}: {body}"


def _properties(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = api.get_openapi_schema()["components"]["schemas"][name]
    return node.get("properties", {})


def test_the_error_schema_holds_every_kind_of_detail() -> None:
    """A sentence, ninja's list of field errors, or a field -> messages map."""
    import jsonschema_rs

    schema = api.get_openapi_schema()
    error = schema["components"]["schemas"]["Error"]
    validator = jsonschema_rs.validator_for(error)
    for detail in (
        "not found",
        [{"type": "missing", "loc": ["body", "x"], "msg": "Field required"}],
        {"page": ["pages are numbered from 1"]},
    ):
        assert validator.is_valid({"detail": detail}), detail
    assert not validator.is_valid({"message": "no detail"})


@pytest.mark.parametrize("url", SCHEMA_URLS)
def test_the_schema_needs_a_session_401(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "sign in" in response.json()["detail"].lower()


@pytest.mark.parametrize("url", SCHEMA_URLS)
def test_the_schema_needs_a_role_403(url: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.create_user("norole", password="x"))
    response = client.get(url)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "role" in response.json()["detail"]


@pytest.mark.parametrize("role", ["evaluator", "practice_manager"])
def test_any_role_may_read_the_schema(
    demo_data: None,  # noqa: F811
    make_user: Any,
    role: str,
) -> None:
    client = Client()
    organisation = "Z91001" if role == "practice_manager" else None
    client.force_login(make_user(role, organisation))
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert (
        schema.json()["paths"]
        == json.loads(json.dumps(api.get_openapi_schema()))["paths"]
    )
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert re.search(r"openapi\.json", docs.content.decode())


def test_no_session_on_an_operation_is_the_declared_401() -> None:
    response = Client().get("/api/register/networks")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_write_without_the_csrf_token_is_the_declared_403(
    demo_data: None,  # noqa: F811
    make_user: Any,
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("national"))
    response = client.post(
        "/api/governance/U99001/data-sharing", "{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
