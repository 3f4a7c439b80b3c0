"""/api/variability/: the page's figures, the same permissions, 422 for bad input."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
API = "/api/variability/"


def test_the_routes_are_where_the_names_say() -> None:
    assert reverse("api:variability") == API
    assert reverse("api:variability_networks") == API + "networks"


def test_the_figures_match_the_page_csv(client_for: Any) -> None:
    client = client_for("national")
    got = client.get(API + "?as_at=2022-01-01&scope=Y98").json()
    page = dict(
        csv.reader(
            io.StringIO(
                client.get(
                    "/variability/?as_at=2022-01-01&scope=Y98&format=csv"
                ).content.decode()
            )
        )
    )
    assert got["scope"] == "Y98" and got["scope_kind"] == "region"
    assert got["networks"] == int(page["networks"])
    assert got["population"]["median"] == float(page["population_median"])
    assert got["within_band"] == int(page["within_band"])
    assert sum(b["networks"] for b in got["histogram"]) == got["networks"]
    assert got["histogram"][0]["from"] == 0 and got["histogram"][-1]["to"] is None
    assert {c["commissioner_code"] for c in got["commissioners"]} == {"99Z"}
    assert got["commissioners"][0]["commissioner_name"] == "NHS Wendmoor CCG"
    england = client.get(API + "?as_at=2022-01-01").json()
    assert england["scope"] == "" and england["networks"] > got["networks"]


def test_each_role_sees_its_area_and_no_other(client_for: Any) -> None:
    manager = client_for("manager")
    own = manager.get(API + "?as_at=2022-01-01").json()
    assert own["scope"] == "99Z"
    rows = manager.get(API + "networks?as_at=2022-01-01").json()
    assert [r["pcn_code"] for r in rows] == ["U99001"]
    assert manager.get(API + "?scope=88X").status_code == 403
    commissioner = client_for("commissioner")
    assert commissioner.get(API + "?scope=").status_code == 403
    assert commissioner.get(API + "?scope=ZZZ").status_code == 403
    assert len(commissioner.get(API + "networks?as_at=2022-01-01").json()) > 1
    assert client_for("evaluator").get(API + "?scope=88X").status_code == 200
    assert client_for("nobody").get(API).status_code == 403


def test_bad_input_is_422_naming_the_field(client_for: Any) -> None:
    client = client_for("national")
    response = client.get(API + "?scope=ZZZ")
    assert response.status_code == 422 and "scope" in response.json()["detail"]
    assert client.get(API + "?scope=U99001").status_code == 422  # a network
    assert client.get(API + "?as_at=2021-13-01").status_code == 422
    assert client.get(API + "?as_at=0001-01-01").status_code == 422
    assert client.get(API + "?as_at=x").status_code == 422
