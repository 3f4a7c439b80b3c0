"""The specification of the record kinds drives the routes, pages and history.

Each assertion is read from :data:`pcnhub.governance.kinds.KINDS`, so a kind
declared without its route, page or label (or a route the specification does
not generate) fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse

from pcnhub.api import api
from pcnhub.governance import views
from pcnhub.governance.history import history
from pcnhub.governance.kinds import KINDS, PAGES, RecordKind
from pcnhub.governance.presenters import CHANGE_LINKS
from pcnhub.governance.records import kind_fields

NETWORK = "U99001"
START = "2021-04-01"

#: A valid change of each kind (form and JSON alike). A kind added to the
#: specification needs one here, or the first test fails.
SAMPLES: dict[str, dict[str, Any]] = {
    "network_agreement": {"status": "signed", "signed_on": START},
    "data_sharing": {"status": "signed", "signed_on": START},
    "clinical_director": {"name": "Dr Ada Lovelace", "profession": "gp", "wte": "1"},
    "nominated_payee": {"kind": "network_account"},
    "operating_model": {"model": "lead_provider", "contract_holder": "Z91001"},
    "small_population": {"approval_reason": "a rural community"},
    "contract_inputs": {"care_home_beds": 120},
}


def test_each_kind_is_declared_once_with_its_model_fields() -> None:
    names = [k.name for k in KINDS]
    assert len(set(names)) == len(names) and set(SAMPLES) == set(names)
    assert len({k.model for k in KINDS}) == len(KINDS)
    for kind in KINDS:
        # The inputs are the model's own fields: what is written is described.
        assert set(kind.input_names) == set(kind_fields(kind.model)), kind.name
        if kind.page is not None:
            assert set(kind.input_names) <= set(kind.page.form.base_fields)
        if kind.documents:
            assert kind.document_field


def test_every_declared_route_is_in_the_api() -> None:
    schema = api.get_openapi_schema()
    bodies = schema["components"]["schemas"]
    routed = [k for k in KINDS if k.route is not None]
    assert routed
    for kind in routed:
        assert kind.route is not None
        path = f"/api/governance/{{code}}/{kind.route.path}"
        operation = schema["paths"][path]["post"]
        assert operation["operationId"].endswith(f"_{kind.route.name}")
        assert operation["summary"] == kind.route.summary
        assert "201" in {str(code) for code in operation["responses"]}
        ref = operation["requestBody"]["content"]["application/json"]["schema"]
        assert ref["$ref"].endswith(f"/{kind.route.body}")
        fields = set(bodies[kind.route.body]["properties"])
        assert fields == {"start", "reason", "application_ref", *kind.input_names}
        url = reverse(f"api:{kind.route.name}", args=[NETWORK])
        assert url == f"/api/governance/{NETWORK}/{kind.route.path}"


def test_every_declared_page_is_served_and_linked() -> None:
    for slug, kind in PAGES.items():
        url = reverse("governance_change", args=[NETWORK, slug])
        assert resolve(url).func is views.change, kind.name
    ordinary = [
        (k.page.slug, k.page.heading)
        for k in KINDS
        if k.page is not None and k.permission == "governance.change_network"
    ]
    assert list(CHANGE_LINKS) == ordinary


def _route(kind: RecordKind) -> str:
    assert kind.route is not None
    return reverse(f"api:{kind.route.name}", args=[NETWORK])


@pytest.mark.django_db
def test_each_kind_recorded_through_its_route_shows_in_the_history_by_its_label(
    demo_data: None, client_for: Any
) -> None:
    client: Client = client_for("commissioner", "99Z")
    for kind in KINDS:
        change = SAMPLES[kind.name] | {"start": START, "reason": "test"}
        if kind.route is not None:
            answer = client.post(_route(kind), change, content_type="application/json")
            assert answer.status_code == 201, (kind.name, answer.content)
        else:
            assert kind.page is not None
            url = reverse("governance_change", args=[NETWORK, kind.page.slug])
            assert kind.page.heading in client.get(url).content.decode()
            answer = client.post(url, change)
            assert answer.status_code == 302, (kind.name, answer.content)
    labels = {entry.kind: entry.kind_label for entry in history(NETWORK)}
    assert labels == {k.name: k.label for k in KINDS}
    records = client.get(f"/api/governance/{NETWORK}/history").json()["records"]
    assert {r["record_kind"] for r in records} == {k.name for k in KINDS}


@pytest.mark.django_db
def test_each_declared_page_records_its_kind(demo_data: None, client_for: Any) -> None:
    client: Client = client_for("commissioner", "99Z")
    for slug, kind in PAGES.items():
        url = reverse("governance_change", args=[NETWORK, slug])
        page = client.get(url)
        assert page.status_code == 200 and kind.page is not None
        assert kind.page.heading in page.content.decode()
        change = {k: v for k, v in SAMPLES[kind.name].items()}
        answer = client.post(url, change | {"start": START, "reason": "test"})
        assert answer.status_code == 302, (slug, answer.content)
        assert kind.model.objects.filter(network_id=NETWORK).exists()
    assert client.get(f"/org/{NETWORK}/governance/no-such-kind/new/").status_code == 404
