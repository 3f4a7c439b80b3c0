"""The demo area, people in each role, and helpers to record schemes and posts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from pcnhub.schemes.records import SchemeEntry
from pcnhub.workforce import staff
from tests.web.conftest import demo_data, other_area  # noqa: F401 - fixtures

ACTOR = Actor(system="tests")

ROLES: dict[str, tuple[Role, str | None]] = {
    "commissioner": (Role.COMMISSIONER, "99Z"),
    "other commissioner": (Role.COMMISSIONER, "88X"),
    "manager": (Role.NETWORK_MANAGER, "U99001"),
    "evaluator": (Role.EVALUATOR, None),
    "admin": (Role.ADMIN, None),
}


@pytest.fixture
def people(other_area: None) -> dict[str, Any]:  # noqa: F811
    users = get_user_model().objects
    out = {}
    for name, (role, code) in ROLES.items():
        user = users.create_user(name.replace(" ", "-"), password="x")
        grant(ACTOR, user, role, code, valid_from=date(2019, 4, 1))
        out[name] = user
    return out


@pytest.fixture
def client_for(people: dict[str, Any]) -> Any:
    def make(name: str) -> Client:
        client = Client()
        client.force_login(people[name])
        return client

    return make


def roles_scheme(**change: Any) -> SchemeEntry:
    base: dict[str, Any] = {
        "name": "Local link workers",
        "kind": "roles",
        "start": date(2019, 4, 1),
        "annual_funding": Decimal("450000"),
        "networks": ("U99001",),
        "roles": {"social_prescribing_link_worker": Decimal("15")},
    }
    return SchemeEntry(**(base | change))


def service_scheme(**change: Any) -> SchemeEntry:
    base: dict[str, Any] = {
        "name": "Care homes support",
        "kind": "service",
        "start": date(2020, 4, 1),
        "annual_funding": Decimal("120000"),
        "networks": ("U99001", "U99002"),
        "requirements": ("enhanced_health_in_care_homes",),
    }
    return SchemeEntry(**(base | change))


def link_worker(**change: Any) -> staff.StaffEntry:
    """A link worker on £28,000 with £7,000 on-costs: £35,000 a year in all."""
    base: dict[str, Any] = {
        "name": "Asha Patel",
        "role": "social_prescribing_link_worker",
        "wte": Decimal("1"),
        "salary": Decimal("28000"),
        "on_costs": Decimal("7000"),
        "employer": "member_practice",
        "start": date(2019, 4, 1),
        "funding": "local_scheme",
    }
    return staff.StaffEntry(**(base | change))
