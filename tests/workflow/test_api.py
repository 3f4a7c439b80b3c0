"""The applications API (/api/applications/): the same steps, permissions and
refusals as the pages, as JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from pcnhub.register import queries
from pcnhub.workflow.models import Application, State
from tests.web.conftest import load_demo

pytestmark = pytest.mark.django_db

API = "/api/applications/"
APRIL_2022 = date(2022, 4, 1)


@pytest.fixture
def area(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


@pytest.fixture
def people(area: None, make_user: Any) -> SimpleNamespace:
    return SimpleNamespace(
        practice=make_user("practice_manager", "Z93030", "pm-z93030"),
        manager=make_user("network_manager", "U99001", "manager-u99001"),
        other=make_user("network_manager", "U99002", "manager-u99002"),
        commissioner=make_user("commissioner", "99Z", "commissioner-99z"),
        regional=make_user("regional", "Y98", "regional-y98"),
        evaluator=make_user("evaluator", None, "evaluator"),
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def registration(reason: str = "") -> dict[str, Any]:
    return {
        "kind": "registration",
        "commissioner": "99Z",
        "effective_from": "2022-04-01",
        "reason": "forming a network for the valley",
        "details": {
            "network_name": "Fernham Vale PCN",
            "clinical_directors": [
                {"name": "Dr Ada Lovelace", "profession": "gp", "wte": "0.5"}
            ],
            "payee": {"code": "Z93030", "name": "", "kind": "member_practice"},
            "agreement": {
                "status": "signed",
                "signed_on": "2022-03-15",
                "schedules_complete": True,
            },
            "data_sharing": {"status": "signed", "signed_on": "2022-03-15"},
            "operating_model": {
                "model": "flat_practice_network",
                "contract_holder": "each member practice",
            },
            "small_population_reason": reason,
        },
        "practices": [{"code": "Z93030", "change": "joins"}],
    }


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def put(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.put(path, body, content_type="application/json")


def population(findings: list[dict[str, Any]]) -> list[str]:
    return [f["outcome"] for f in findings if f["rule"] == "population.band"]


def test_the_api_needs_a_session_and_a_role(people: SimpleNamespace) -> None:
    assert Client().get(API).status_code == 401
    assert client_for(people.evaluator).get(API).status_code == 403
    assert post(client_for(people.commissioner), API, registration()).status_code == 403


def test_registration_through_the_api(people: SimpleNamespace) -> None:
    applicant = client_for(people.practice)
    response = post(applicant, API, registration())
    assert response.status_code == 201, response.content
    body = response.json()
    ref = body["reference"]
    assert body["state"] == "draft" and body["version"] == 1
    assert body["latest_checks"] is None
    assert population(body["preview"]) == ["breach"]
    assert body["practices"] == [
        {"code": "Z93030", "change": "joins", "confirmed": False, "confirmed_at": None}
    ]
    assert body["waiting_for"] == "Waiting for Z93030 to confirm; then submit it"

    # Change with the version seen; a stale version is a conflict.
    changed = registration("a remote moorland valley") | {"version": 1}
    response = put(applicant, f"{API}{ref}", changed)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert population(response.json()["preview"]) == ["needs commissioner approval"]
    stale = put(applicant, f"{API}{ref}", changed)
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["detail"]

    assert post(applicant, f"{API}{ref}/submit", {"version": 1}).status_code == 409
    response = post(applicant, f"{API}{ref}/confirm", {"practice": "Z93030"})
    assert response.status_code == 200
    assert response.json()["practices"][0]["confirmed"] is True
    response = post(applicant, f"{API}{ref}/submit", {"version": 2})
    assert response.status_code == 200
    checks = response.json()["latest_checks"]
    assert checks["round"] == 1 and checks["version"] == 2
    assert population(checks["findings"]) == ["needs commissioner approval"]

    reviewer = client_for(people.commissioner)
    queue = reviewer.get(API).json()
    assert [row["reference"] for row in queue] == [ref]
    assert queue[0]["worst_check"] == "needs commissioner approval"
    assert [r["reference"] for r in reviewer.get(API + "?state=draft").json()] == []

    assert (
        post(
            applicant, f"{API}{ref}/decision", {"outcome": "approved", "version": 2}
        ).status_code
        == 403
    )
    response = post(
        reviewer,
        f"{API}{ref}/decision",
        {"outcome": "approved_with_conditions", "conditions": "review", "version": 2},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "network_code"
    response = post(
        reviewer,
        f"{API}{ref}/decision",
        {
            "outcome": "approved_with_conditions",
            "reasons": "a natural community",
            "conditions": "review the population in a year",
            "network_code": "U99013",
            "version": 2,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "approved_with_conditions"
    assert body["network"] == "U99013"
    assert body["decisions"][0]["conditions"] == "review the population in a year"
    assert [e["action"] for e in body["events"]] == [
        "created",
        "changed",
        "confirmed",
        "submitted",
        "decided: approved_with_conditions",
    ]
    assert queries.network_of("Z93030", APRIL_2022) == "U99013"
    assert queries.network_of("Z93030", date(2022, 3, 31)) is None

    again = post(
        client_for(people.regional),
        f"{API}{ref}/decision",
        {"outcome": "rejected", "reasons": "no", "version": 2},
    )
    assert again.status_code == 409
    assert "already decided" in again.json()["detail"]


def test_who_may_see_an_application(people: SimpleNamespace) -> None:
    ref = post(client_for(people.practice), API, registration()).json()["reference"]
    assert client_for(people.other).get(f"{API}{ref}").status_code == 403
    assert client_for(people.evaluator).get(f"{API}{ref}").status_code == 403
    assert client_for(people.commissioner).get(f"{API}{ref}").status_code == 200
    assert client_for(people.practice).get(f"{API}APP-99999").status_code == 404
    assert client_for(people.other).get(API).json() == []
    assert (
        put(
            client_for(people.commissioner),
            f"{API}{ref}",
            registration() | {"version": 1},
        ).status_code
        == 403
    )


def test_refusals_are_400_with_the_field(people: SimpleNamespace) -> None:
    applicant = client_for(people.practice)
    body = registration() | {"practices": []}
    response = post(applicant, API, body)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Name at least one practice",
        "field": "practices",
    }
    response = post(applicant, API, registration() | {"kind": "nonsense"})
    assert response.status_code == 400 and response.json()["field"] == "kind"
    response = post(applicant, API, {"kind": "registration"})
    assert response.status_code == 422  # the body itself is incomplete
    assert Application.objects.count() == 0


def test_practice_join_takes_the_networks_commissioner(people: SimpleNamespace) -> None:
    manager = client_for(people.manager)
    response = post(
        manager,
        API,
        {
            "kind": "practice_join",
            "network": "U99001",
            "effective_from": "2022-04-01",
            "practices": [{"code": "Z93030"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["commissioner"] == "99Z"
    assert body["practices"][0]["change"] == "joins"
    ref = body["reference"]
    # The network manager cannot confirm for the practice; its manager can.
    assert (
        post(manager, f"{API}{ref}/confirm", {"practice": "Z93030"}).status_code == 403
    )
    assert (
        post(
            client_for(people.practice), f"{API}{ref}/confirm", {"practice": "Z93030"}
        ).status_code
        == 200
    )
    assert post(manager, f"{API}{ref}/submit", {"version": 1}).status_code == 200
    response = post(
        client_for(people.commissioner),
        f"{API}{ref}/decision",
        {"outcome": "approved", "version": 1},
    )
    assert response.status_code == 200
    assert queries.network_of("Z93030", APRIL_2022) == "U99001"


def test_reject_appeal_and_withdraw(people: SimpleNamespace) -> None:
    applicant = client_for(people.practice)
    reviewer = client_for(people.commissioner)
    ref = post(applicant, API, registration("remote")).json()["reference"]
    post(applicant, f"{API}{ref}/confirm", {"practice": "Z93030"})
    post(applicant, f"{API}{ref}/submit", {"version": 1})
    response = post(
        reviewer, f"{API}{ref}/decision", {"outcome": "rejected", "version": 1}
    )
    assert response.status_code == 400 and response.json()["field"] == "reasons"
    response = post(
        reviewer,
        f"{API}{ref}/decision",
        {"outcome": "rejected", "reasons": "not viable", "version": 1},
    )
    assert response.json()["state"] == "rejected"

    response = post(applicant, f"{API}{ref}/appeal", {"grounds": " "})
    assert response.status_code == 400 and response.json()["field"] == "grounds"
    response = post(applicant, f"{API}{ref}/appeal", {"grounds": "it is viable"})
    assert response.json()["state"] == "appealed"
    assert response.json()["appeals"][0]["grounds"] == "it is viable"
    response = post(
        reviewer,
        f"{API}{ref}/appeal/decision",
        {"outcome": "maybe", "reasons": "x"},
    )
    assert response.status_code == 400
    response = post(
        reviewer,
        f"{API}{ref}/appeal/decision",
        {"outcome": "dismissed", "reasons": "still not viable"},
    )
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    again = post(
        reviewer,
        f"{API}{ref}/appeal/decision",
        {"outcome": "upheld", "reasons": "changed my mind", "network_code": "U99013"},
    )
    assert again.status_code == 409

    # A rejected application is changed (back to draft), then withdrawn.
    response = put(applicant, f"{API}{ref}", registration("remote") | {"version": 1})
    assert response.status_code == 200 and response.json()["state"] == "draft"
    response = post(applicant, f"{API}{ref}/withdraw", {"reason": "joining U99012"})
    assert response.status_code == 200
    assert response.json()["state"] == State.WITHDRAWN
    response = post(applicant, f"{API}{ref}/withdraw", {"reason": "again"})
    assert response.status_code == 400
