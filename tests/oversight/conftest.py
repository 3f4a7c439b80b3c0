"""The demo area beside a second small area, and people in each role."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from tests.web.conftest import demo_data, other_area  # noqa: F401 - fixtures

ACTOR = Actor(system="tests")

ROLES: dict[str, tuple[Role, str | None]] = {
    "national": (Role.NATIONAL, None),
    "region": (Role.REGIONAL, "Y98"),
    "commissioner": (Role.COMMISSIONER, "99Z"),
    "other commissioner": (Role.COMMISSIONER, "88X"),
    "manager": (Role.NETWORK_MANAGER, "U99001"),
    "practice": (Role.PRACTICE_MANAGER, "Z91001"),
    "evaluator": (Role.EVALUATOR, None),
}


@pytest.fixture
def people(other_area: None) -> dict[str, Any]:  # noqa: F811
    users = get_user_model().objects
    out = {}
    for name, (role, code) in ROLES.items():
        user = users.create_user(name.replace(" ", "-"), password="x")
        grant(ACTOR, user, role, code, valid_from=date(2019, 4, 1))
        out[name] = user
    out["nobody"] = users.create_user("nobody", password="x")
    return out


@pytest.fixture
def client_for(people: dict[str, Any]) -> Any:
    def make(name: str) -> Client:
        client = Client()
        client.force_login(people[name])
        return client

    return make
