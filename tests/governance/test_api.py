"""The governance API: same permissions and redaction as the pages, 422 on bad
input, every write through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.governance import reading, services
from pcnhub.governance.models import ClinicalDirectorAppointment, NominatedPayee

pytestmark = pytest.mark.django_db

NETWORK = "U99001"
BASE = f"/api/governance/{NETWORK}"
ACTOR = Actor(system="governance-tests")


def post(client: Client, path: str, body: dict):  # type: ignore[no-untyped-def]
    return client.post(BASE + path, body, content_type="application/json")


@pytest.fixture
def director(demo_data) -> ClinicalDirectorAppointment:
    return services.appoint_clinical_director(
        ACTOR,
        NETWORK,
        name="Dr Ada Lovelace",
        profession="gp",
        wte=Decimal("0.5"),
        start=date(2021, 4, 1),
        reason="elected",
    )


def test_reading_governance_on_a_date(director, client_for) -> None:
    client = client_for("commissioner", "99Z")
    body = client.get(BASE + "?as_at=2021-06-01").json()
    assert body["network"] == NETWORK and body["as_at"] == "2021-06-01"
    assert body["personal_data_withheld"] is False
    (cd,) = body["clinical_directors"]
    assert cd["name"] == "Dr Ada Lovelace" and cd["wte"] == "0.50"
    assert cd["recorded_by"] == "governance-tests"
    assert body["nominated_payee"] is None and body["documents"] == []
    before = client.get(BASE + "?as_at=2021-03-31").json()
    assert before["clinical_directors"] == []


def test_evaluators_get_no_names_and_no_documents(director, client_for) -> None:
    client = client_for("evaluator")
    body = client.get(BASE + "?as_at=2021-06-01").json()
    assert body["personal_data_withheld"] is True
    (cd,) = body["clinical_directors"]
    assert cd["name"] is None and cd["recorded_by"] is None
    assert cd["profession"] == "gp"
    assert "documents" not in body
    history = client.get(BASE + "/history").json()
    assert [r["name"] for r in history["records"]] == [None]
    refused = post(
        client,
        "/operating-model",
        {
            "model": "gp_federation",
            "contract_holder": "x",
            "start": "2021-04-01",
            "reason": "x",
        },
    )
    assert refused.status_code == 403


def test_history_lists_every_record_newest_first(director, client_for) -> None:
    services.end_clinical_director(ACTOR, director, on=date(2021, 10, 1), reason="left")
    services.set_nominated_payee(
        ACTOR,
        NETWORK,
        payee_code="Z91001",
        payee_name="",
        kind="member_practice",
        start=date(2021, 4, 1),
        reason="chosen",
    )
    body = client_for("national").get(BASE + "/history").json()
    assert [r["record_kind"] for r in body["records"]] == [
        "nominated_payee",
        "clinical_director",
    ]
    cd = body["records"][1]
    assert cd["valid_to"] == "2021-10-01" and cd["close_reason"] == "left"


def test_writing_through_the_api(demo_data, client_for) -> None:
    client = client_for("network_manager", NETWORK)
    made = post(
        client,
        "/clinical-directors",
        {
            "name": "Dr Grace Hopper",
            "profession": "other",
            "wte": "1.2",
            "start": "2021-04-01",
            "reason": "elected",
            "application_ref": "APP-3",
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["wte"] == "1.20"
    appointment = ClinicalDirectorAppointment.objects.get()
    assert appointment.application_ref == "APP-3"
    ended = post(
        client,
        f"/clinical-directors/{appointment.pk}/end",
        {"on": "2022-04-01", "reason": "stood down"},
    )
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2022-04-01"
    for path, body in [
        (
            "/nominated-payee",
            {"kind": "member_practice", "payee_code": "Z91001"},
        ),
        (
            "/network-agreement",
            {"status": "signed", "signed_on": "2021-03-01", "schedules_complete": True},
        ),
        ("/data-sharing", {"status": "signed", "signed_on": "2021-03-01"}),
        (
            "/operating-model",
            {"model": "flat_practice_network", "contract_holder": "each practice"},
        ),
    ]:
        response = post(client, path, body | {"start": "2021-04-01", "reason": "r"})
        assert response.status_code == 201, (path, response.content)
    facts = reading.facts_on([NETWORK], date(2021, 6, 1))[NETWORK]
    assert facts.agreement_signed and facts.data_sharing
    assert facts.nominated_payee == "Z91001"
    assert facts.clinical_directors == ("Dr Grace Hopper",)
    assert AuditEntry.objects.filter(entity_type="governance").count() == 6


def test_bad_input_answers_422_with_the_field(demo_data, client_for) -> None:
    client = client_for("commissioner", "99Z")
    response = post(
        client,
        "/clinical-directors",
        {
            "name": "Dr X",
            "profession": "gp",
            "wte": "2.5",
            "start": "2021-04-01",
            "reason": "r",
        },
    )
    assert response.status_code == 422
    assert "wte" in response.json()["detail"]
    services.set_nominated_payee(
        ACTOR,
        NETWORK,
        payee_code="Z91001",
        payee_name="",
        kind="member_practice",
        start=date(2021, 10, 1),
    )
    backdated = post(
        client,
        "/nominated-payee",
        {
            "kind": "member_practice",
            "payee_code": "Z91002",
            "start": "2021-04-01",
            "reason": "r",
        },
    )
    assert backdated.status_code == 422 and "start" in backdated.json()["detail"]
    missing_reason = post(
        client,
        "/data-sharing",
        {"status": "signed", "start": "2021-04-01", "reason": ""},
    )
    assert missing_reason.status_code == 422
    assert NominatedPayee.objects.count() == 1
    assert not ClinicalDirectorAppointment.objects.exists()


def test_access_is_checked(demo_data, client_for) -> None:
    assert Client().get(BASE).status_code == 401
    client = client_for("network_manager", "U99002")
    assert client.get(BASE).status_code == 403
    assert client.get(BASE + "/history").status_code == 403
    refused = post(
        client,
        "/data-sharing",
        {"status": "signed", "start": "2021-04-01", "reason": "r"},
    )
    assert refused.status_code == 403
    national = client_for("national")
    assert national.get("/api/governance/Z91001").status_code == 404


def test_the_routes_are_in_the_openapi_schema(demo_data, client_for) -> None:
    schema = client_for("national").get("/api/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/governance/{code}",
        "/api/governance/{code}/history",
        "/api/governance/{code}/clinical-directors",
        "/api/governance/{code}/clinical-directors/{appointment_id}/end",
        "/api/governance/{code}/nominated-payee",
        "/api/governance/{code}/network-agreement",
        "/api/governance/{code}/data-sharing",
        "/api/governance/{code}/operating-model",
    ):
        assert path in paths
