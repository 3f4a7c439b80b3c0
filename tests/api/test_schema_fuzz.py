"""schemathesis over the whole API, signed in as a national analyst and as a PCN
manager, on the demo area.

Every operation is sent generated input (valid and invalid, including the
schema's own boundary cases) through the real WSGI stack, with the session
cookie and the CSRF token a browser would send. Each answer must be no server
error, a status code the schema declares for that operation, with the declared
content type and the declared body.

Random codes and references name nothing, so half the time a path's ``code`` or
``ref`` and a query's organisation are swapped for records that exist (the
user's own network, another network, a commissioner, a practice, two
applications): the routes then get past their 404 to the services.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.contrib.auth.models import AbstractBaseUser
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pcnhub.api import api
from pcnhub.workflow import services
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


@pytest.fixture(params=sorted(USERS))
def api_user(request: Any, demo_data: None, make_user: Any) -> AbstractBaseUser:  # noqa: F811
    role, organisation = USERS[request.param]
    return make_user(role, organisation)


@pytest.fixture
def applications(demo_data: None, make_user: Any) -> Iterator[None]:  # noqa: F811
    """A draft and a submitted application by another manager of U99001."""
    applicant = make_user("network_manager", "U99001", username="applicant")
    refs = []
    for when in (date(2022, 6, 1), date(2022, 9, 1)):
        made = services.create(
            applicant,
            services.Proposal(
                kind="registration",
                commissioner="99Z",
                effective_from=when,
                details={"network_name": "Fernham Vale PCN"},
                practices=[("Z93030", "joins")],
            ),
        )
        refs.append(made.reference)
    services.submit(applicant, made, made.version)
    REAL["ref"] = refs
    yield
    del REAL["ref"]


@pytest.fixture
def browser(api_user: AbstractBaseUser, applications: None) -> Client:
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


class InTheTestTransaction:
    """The real WSGI application, run as Django's test client runs it.

    Django closes the database connection at the start and end of each request;
    in a test that would close the connection holding the test's transaction, so
    those handlers are off while a request runs (and on again between requests,
    where the test client expects them).
    """

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()  # sends request_finished
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def load_schema() -> Any:
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = InTheTestTransaction()
    return loaded


schema = load_schema()

#: Records that exist, by parameter name (the applications' references are
#: added by the ``applications`` fixture).
REAL: dict[str, list[str]] = {
    "code": ["U99001", "U99002", "99Z", "Z91001"],
    "commissioner": ["99Z", "98Z"],
    "pcn": ["U99001", "U99002"],
    "scope": ["Y98", "QZZ", "99Z", "88X"],
    "organisation": ["U99001", "99Z"],
}


def with_real_records(values: dict[str, Any] | None) -> Any:
    """The generated values, or the same with some swapped for real records."""
    if not isinstance(values, dict):
        return st.just(values)
    swaps = {name: REAL[name] for name in values if REAL.get(name)}
    if not swaps:
        return st.just(values)
    real = st.fixed_dictionaries({n: st.sampled_from(c) for n, c in swaps.items()})
    return st.one_of(st.just(values), real.map(lambda r: {**values, **r}))


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    return with_real_records(path_parameters)


@schema.hook
def flatmap_query(context: Any, query: dict[str, Any]) -> Any:
    return with_real_records(query)


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


def integer_parameters() -> list[tuple[str, str, str]]:
    """(method, path, name) of every integer path or query parameter."""
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter["schema"].get("type") == "integer":
                    found.append((method.upper(), path, parameter["name"]))
    return found


#: Just beyond what a database integer holds, either way, and far beyond.
BEYOND_THE_DATABASE = [2**63, -(2**63) - 1, 2**70]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "name"), integer_parameters())
@pytest.mark.parametrize("value", BEYOND_THE_DATABASE)
def test_integers_beyond_the_database_are_refused_not_a_500(
    browser: Client,
    csrf_headers: dict[str, str],
    method: str,
    path: str,
    name: str,
    value: int,
) -> None:
    """Generated input found ``?page=422384025344935854080`` once; hold every
    integer parameter to it, whatever the generator draws next time."""
    url = path.replace("{" + name + "}", str(value))
    url = url.replace("{code}", "U99001").replace("{ref}", REAL["ref"][0])
    query = {} if "{" + name + "}" in path else {name: str(value)}
    response = browser.generic(
        method,
        url + ("?" + urlencode(query) if query else ""),
        "{}",
        content_type="application/json",
        headers=csrf_headers,
    )
    declared = api.get_openapi_schema()["paths"][path][method.lower()]["responses"]
    assert response.status_code < 500, response.content
    assert str(response.status_code) in {str(code) for code in declared}
