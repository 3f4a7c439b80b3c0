"""schemathesis over the whole API, signed in as a national analyst and as a PCN
manager, on the demo area.

Every operation is sent generated input (valid and invalid, including the
schema's own boundary cases) through the real WSGI stack, with the session
cookie and the CSRF token a browser would send. Each answer must be no server
error, a status code the schema declares for that operation, with the declared
content type and the declared body.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import AbstractBaseUser
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pcnhub.api import api
from tests.web.conftest import demo_data  # noqa: F401 - fixture

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
USERS = {
    "national": ("national", None),
    "network manager": ("network_manager", "U99001"),
}


@pytest.fixture(autouse=True)
def requests_keep_the_connection() -> Iterator[None]:
    """The real WSGI application, inside the test's transaction.

    Django closes the database connection at the start and end of each request;
    in a test that would close the connection holding the test's transaction, so
    (as Django's own test client does) those handlers are off while it runs.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=sorted(USERS))
def api_user(request: Any, demo_data: None, make_user: Any) -> AbstractBaseUser:  # noqa: F811
    role, organisation = USERS[request.param]
    return make_user(role, organisation)


@pytest.fixture
def browser(api_user: AbstractBaseUser) -> Client:
    """A signed-in browser, holding its session and CSRF cookies."""
    client = Client()
    client.force_login(api_user)
    client.get("/")  # sets the CSRF cookie
    return client


@pytest.fixture
def cookies(browser: Client) -> dict[str, str]:
    return {name: morsel.value for name, morsel in browser.cookies.items()}


@pytest.fixture
def csrf_headers(cookies: dict[str, str]) -> dict[str, str]:
    """What the API's session authentication asks of a write (as a browser)."""
    return {"X-CSRFToken": cookies["csrftoken"], "Referer": "http://localhost/"}


def load_schema() -> Any:
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = WSGIHandler()
    return loaded


schema = load_schema()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation(
    case: Any, cookies: dict[str, str], csrf_headers: dict[str, str]
) -> None:
    case.call_and_validate(headers=csrf_headers, cookies=cookies, checks=CHECKS)
