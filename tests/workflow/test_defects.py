"""Issue 15's workflow defects, each held by a test that failed before its fix.

1. Retargeting: a write re-checks who the applicant acts for on the application
   as it will be after the write (network, absorbed network, commissioner and
   named practices), and the checks shown to an applicant say nothing about
   organisations outside what they can see.
2. Malformed ``details`` (and text with NUL characters or too long): 422 naming
   each bad field, nothing saved; what can be saved can be approved.
3. (tests/workflow/test_concurrency.py: the losing reviewer on SQLite.)
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from pcnhub.register import queries
from pcnhub.workflow import presenters, services
from pcnhub.workflow.models import Application, State
from tests.web.conftest import make_other_area
from tests.workflow.conftest import APRIL_2022, registration

pytestmark = pytest.mark.django_db

API = "/api/applications/"


@pytest.fixture
def far(people: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    """A second area (88X, U88001 with Z88001, Z88002 in no network) and its
    network's manager."""
    make_other_area()
    people.far = make_user("network_manager", "U88001", "manager-u88001")
    return people


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    call = client.put if method == "put" else client.post
    return call(path, json.dumps(body), content_type="application/json")


def director_change(network: str, commissioner: str) -> dict[str, Any]:
    return {
        "kind": "clinical_director",
        "network": network,
        "commissioner": commissioner,
        "effective_from": "2022-04-01",
        "reason": "new clinical director",
        "details": {
            "clinical_directors": [
                {"name": "Dr Grace Hopper", "profession": "gp", "wte": "0.5"}
            ]
        },
    }


def their_draft(people: SimpleNamespace) -> Application:
    """A clinical-director change for U88001, by U88001's manager."""
    response = send(client_for(people.far), "post", API, director_change("U88001", ""))
    assert response.status_code == 201, response.content
    return Application.objects.get(reference=response.json()["reference"])


def unchanged(application: Application) -> bool:
    fresh = Application.objects.get(pk=application.pk)
    return (fresh.version, fresh.network_id, fresh.commissioner_id, fresh.state) == (
        application.version,
        application.network_id,
        application.commissioner_id,
        application.state,
    )


# --- 1. retargeting ---------------------------------------------------------------


def test_api_change_cannot_move_an_application_to_another_network(
    far: SimpleNamespace,
) -> None:
    draft = their_draft(far)
    body = director_change("U99001", "99Z") | {"version": draft.version}
    response = send(client_for(far.far), "put", f"{API}{draft.reference}", body)
    assert response.status_code == 403, response.content
    assert "U99001" in response.json()["detail"]
    assert unchanged(draft)
    # Nothing about U99001 was shown, and nothing reached 99Z's queue.
    assert "population" not in response.content.decode().lower()
    assert not Application.objects.filter(commissioner_id="99Z").exists()


def test_page_change_cannot_move_an_application_to_another_network(
    far: SimpleNamespace,
) -> None:
    draft = their_draft(far)
    response = client_for(far.far).post(
        f"/applications/{draft.reference}/change/",
        {
            "network": "U99001",
            "commissioner": "99Z",
            "effective_from-day": "1",
            "effective_from-month": "4",
            "effective_from-year": "2022",
            "cd1_name": "Dr Grace Hopper",
            "cd1_profession": "gp",
            "cd1_wte": "0.5",
            "version": str(draft.version),
        },
    )
    assert response.status_code == 403
    assert "U99001" in response.content.decode()
    assert unchanged(draft)


def test_service_change_rechecks_the_target(far: SimpleNamespace) -> None:
    draft = their_draft(far)
    proposal = services.Proposal(
        kind="clinical_director",
        commissioner="99Z",
        network="U99001",
        effective_from=APRIL_2022,
        details=draft.details,
    )
    with pytest.raises(PermissionDenied, match="U99001"):
        services.change(far.far, draft, proposal, expected_version=draft.version)
    assert unchanged(draft)


def test_create_refuses_a_network_the_applicant_does_not_act_for(
    far: SimpleNamespace,
) -> None:
    response = send(client_for(far.far), "post", API, director_change("U99001", ""))
    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_the_commissioner_must_oversee_what_the_application_names(
    far: SimpleNamespace,
) -> None:
    """U99001's change cannot be sent to 88X, which would then decide it."""
    manager = client_for(far.manager)
    response = send(manager, "post", API, director_change("U99001", "88X"))
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "commissioner"
    created = send(manager, "post", API, director_change("U99001", "99Z"))
    assert created.status_code == 201
    ref, version = created.json()["reference"], created.json()["version"]
    moved = director_change("U99001", "88X") | {"version": version}
    assert send(manager, "put", f"{API}{ref}", moved).status_code == 400
    assert Application.objects.get(reference=ref).commissioner_id == "99Z"


def test_submit_withdraw_and_appeal_recheck_a_stored_target(
    far: SimpleNamespace,
) -> None:
    """A draft retargeted before the fix cannot be submitted into 99Z's queue."""
    draft = their_draft(far)
    Application.objects.filter(pk=draft.pk).update(
        network_id="U99001", commissioner_id="99Z"
    )
    draft.refresh_from_db()
    client = client_for(far.far)
    ref = draft.reference
    submit = send(client, "post", f"{API}{ref}/submit", {"version": draft.version})
    assert submit.status_code == 403
    assert send(
        client, "post", f"{API}{ref}/withdraw", {"reason": "x"}
    ).status_code == (403)
    assert unchanged(draft)
    with pytest.raises(PermissionDenied):
        services.lodge_appeal(far.far, draft, "grounds")


def test_registration_naming_another_networks_practice_is_refused(
    far: SimpleNamespace,
) -> None:
    """Z91010 is in U99002, outside what U88001's manager sees: refused, saying
    only that it is in another network."""
    body = {
        "kind": "registration",
        "commissioner": "99Z",
        "effective_from": "2022-04-01",
        "details": {"network_name": "Somewhere PCN"},
        "practices": [{"code": "Z93030"}, {"code": "Z91010"}],
    }
    response = send(client_for(far.far), "post", API, body)
    assert response.status_code == 403, response.content
    text = response.json()["detail"]
    assert "Z91010 is in another network" in text
    assert "U99002" not in text and "99Z" not in text.replace("99Z's", "")
    assert Application.objects.count() == 0
    # A practice in no network may be named (it confirms, and the commissioner
    # decides); its own figures are shown, as they are what is proposed.
    body["practices"] = [{"code": "Z93030"}]
    response = send(client_for(far.manager), "post", API, body)
    assert response.status_code == 201


def test_merger_needs_someone_acting_for_the_absorbed_network(
    far: SimpleNamespace,
) -> None:
    body = {
        "kind": "merger",
        "network": "U99001",
        "effective_from": "2022-04-01",
        "details": {"absorbed_network": "U99002"},
    }
    response = send(client_for(far.manager), "post", API, body)
    assert response.status_code == 403
    assert "U99002" in response.json()["detail"]
    assert Application.objects.count() == 0


def test_checks_shown_to_a_practice_say_nothing_about_a_network_it_is_not_in(
    people: SimpleNamespace,
) -> None:
    """Z93030's manager applies to join U99001: the preview keeps U99001's
    population and governance to U99001 and its commissioner."""
    practice = client_for(people.practice)
    body = {
        "kind": "practice_join",
        "network": "U99001",
        "effective_from": "2022-04-01",
        "practices": [{"code": "Z93030"}],
    }
    response = send(practice, "post", API, body)
    assert response.status_code == 201, response.content
    shown = response.json()
    assert shown["findings_hidden"] > 0
    for finding in shown["preview"]:
        assert "U99001" not in json.dumps(finding), finding
    page = practice.get(f"/applications/{shown['reference']}/").content.decode()
    assert "not shown" in page
    # The network's manager and the commissioner see every finding.
    ref = shown["reference"]
    full = client_for(people.commissioner).get(f"{API}{ref}").json()
    assert full["findings_hidden"] == 0
    assert any(f["pcn_code"] == "U99001" for f in full["preview"])


def test_the_worst_check_summary_speaks_only_of_findings_shown(
    people: SimpleNamespace,
) -> None:
    """The one-word summary in the list and CSV must not leak a held-back finding."""
    practice = client_for(people.practice)
    body = {
        "kind": "practice_join",
        "network": "U99001",
        "effective_from": "2022-04-01",
        "practices": [{"code": "Z93030"}],
    }
    created = send(practice, "post", API, body).json()
    ref = created["reference"]
    submitted = send(practice, "post", f"{API}{ref}/submit", {"version": 1})
    assert submitted.status_code == 200, submitted.content
    mine = practice.get(f"{API}{ref}").json()
    full = client_for(people.commissioner).get(f"{API}{ref}").json()
    assert mine["findings_hidden"] > 0 and full["findings_hidden"] == 0
    shown = presenters.worst_outcome(mine["latest_checks"]["findings"])
    assert mine["worst_check"] == shown
    assert full["worst_check"] == presenters.worst_outcome(
        full["latest_checks"]["findings"]
    )
    listing = practice.get(API)
    if listing.status_code == 200:
        listed = {a["reference"]: a for a in listing.json()}
        assert listed[ref]["worst_check"] == shown
    rows = practice.get("/applications/", {"format": "csv"})
    if rows.status_code == 200:
        text = rows.content.decode()
        row = next(
            r for r in csv.DictReader(io.StringIO(text)) if r["reference"] == ref
        )
        assert row["worst_check"] == shown


# --- 2. malformed details -------------------------------------------------------------


def _registration_body(**details: Any) -> dict[str, Any]:
    return {
        "kind": "registration",
        "commissioner": "99Z",
        "effective_from": "2022-04-01",
        "details": {"network_name": "Fernham Vale PCN"} | details,
        "practices": [{"code": "Z93030"}],
    }


MALFORMED: list[tuple[dict[str, Any], str]] = [
    (_registration_body(clinical_directors="Dr A"), "details.clinical_directors"),
    (
        _registration_body(clinical_directors=[{"profession": "gp", "wte": "0.5"}]),
        "details.clinical_directors[0].name",
    ),
    (
        _registration_body(
            clinical_directors=[{"name": "Dr A", "profession": "gp", "wte": "abc"}]
        ),
        "details.clinical_directors[0].wte",
    ),
    (
        _registration_body(
            clinical_directors=[{"name": "Dr A", "profession": "gp", "wte": "NaN"}]
        ),
        "details.clinical_directors[0].wte",
    ),
    (
        _registration_body(
            clinical_directors=[{"name": "Dr A", "profession": "vet", "wte": "1"}]
        ),
        "details.clinical_directors[0].profession",
    ),
    (_registration_body(network_name=123), "details.network_name"),
    (_registration_body(network_name="x" * 10_000), "details.network_name"),
    (_registration_body(network_name=""), "details.network_name"),
    (_registration_body(payee="Z93030"), "details.payee"),
    (_registration_body(payee={"kind": "bank"}), "details.payee.kind"),
    (
        _registration_body(
            agreement={"status": "signed", "signed_on": "yesterday"},
        ),
        "details.agreement.signed_on",
    ),
    (_registration_body(operating_model={"model": 7}), "details.operating_model.model"),
    (_registration_body(surprise=True), "details.surprise"),
    (
        _registration_body(small_population_reason=["a"]),
        "details.small_population_reason",
    ),
    (
        {
            "kind": "practice_join",
            "network": "U99001",
            "effective_from": "2022-04-01",
            "details": {
                "clinical_directors": [{"name": "Dr A", "profession": "gp", "wte": "1"}]
            },
            "practices": [{"code": "Z93030"}],
        },
        "details.clinical_directors",
    ),
    (_registration_body() | {"reason": "x" * 4001}, "reason"),
    (_registration_body() | {"effective_from": "0001-01-01"}, "effective_from"),
    (_registration_body() | {"effective_from": "9999-12-31"}, "effective_from"),
    (
        _registration_body() | {"practices": [{"code": "Z93'30"}]},
        "practices[0].code",
    ),
]


def _fields(response: Any) -> list[str]:
    return [error.get("field") for error in response.json()["detail"]]


@pytest.mark.parametrize(("body", "field"), MALFORMED)
def test_malformed_details_answer_422_naming_the_field(
    people: SimpleNamespace, body: dict[str, Any], field: str
) -> None:
    manager = client_for(people.manager)
    response = send(manager, "post", API, body)
    assert response.status_code == 422, response.content
    assert field in _fields(response), response.json()
    assert Application.objects.count() == 0


@pytest.mark.parametrize(("body", "field"), MALFORMED[:8])
def test_malformed_details_on_change_answer_422_and_change_nothing(
    people: SimpleNamespace, body: dict[str, Any], field: str
) -> None:
    manager = client_for(people.manager)
    created = send(manager, "post", API, _registration_body())
    assert created.status_code == 201
    ref, version = created.json()["reference"], created.json()["version"]
    response = send(manager, "put", f"{API}{ref}", body | {"version": version})
    assert response.status_code == 422, response.content
    assert field in _fields(response)
    assert Application.objects.get(reference=ref).version == version


def test_service_refuses_malformed_details_from_any_caller(
    people: SimpleNamespace,
) -> None:
    proposal = registration()
    proposal.details["clinical_directors"] = [{"name": "Dr A", "wte": "abc"}]
    with pytest.raises(services.InvalidInput) as caught:
        services.create(people.manager, proposal)
    assert set(caught.value.errors) == {
        "details.clinical_directors[0].profession",
        "details.clinical_directors[0].wte",
    }
    assert Application.objects.count() == 0


def test_overlong_and_nul_text_in_the_other_steps_change_nothing(
    people: SimpleNamespace, submitted: Application
) -> None:
    ref = submitted.reference
    commissioner = client_for(people.commissioner)
    manager = client_for(people.manager)
    long = "x" * 10_001
    steps = [
        (commissioner, "decision", {"outcome": "rejected", "reasons": long}),
        (commissioner, "decision", {"outcome": "rejected", "conditions": long}),
        (manager, "withdraw", {"reason": long}),
        (commissioner, "confirm", {"practice": "Z93030", "note": long}),
    ]
    for client, step, text in steps:
        version = {"version": submitted.version}
        response = send(client, "post", f"{API}{ref}/{step}", text | version)
        assert response.status_code == 422, (step, response.content)
        # NUL characters: refused before they reach the database (the request
        # guard answers 400; the services refuse them from any other caller).
        nul = {k: v if k == "practice" else f"{v[:5]}\x00" for k, v in text.items()}
        response = send(client, "post", f"{API}{ref}/{step}", nul | version)
        assert response.status_code in (400, 422), (step, response.content)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert not submitted.decisions.exists()
    calls = [
        lambda: services.decide(
            people.commissioner,
            submitted,
            outcome="rejected",
            reasons="no\x00",
            expected_version=submitted.version,
        ),
        lambda: services.withdraw(people.manager, submitted, "\x00"),
        lambda: services.confirm(people.commissioner, submitted, "Z93030", "a\x00"),
        lambda: services.lodge_appeal(people.manager, submitted, "\x00"),
    ]
    for call in calls:
        with pytest.raises(services.InvalidInput):
            call()
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_nul_in_an_api_body_saves_nothing(people: SimpleNamespace) -> None:
    body = _registration_body(network_name="Fern\x00ham")
    response = send(client_for(people.manager), "post", API, body)
    assert response.status_code in (400, 422), response.content
    assert Application.objects.count() == 0


def test_service_refuses_nul_characters_from_any_caller(
    people: SimpleNamespace,
) -> None:
    proposal = registration()
    proposal.details["network_name"] = "Fern\x00ham"
    proposal.reason = "why\x00"
    proposal.practices = [("Z93\x0030", "joins")]
    with pytest.raises(services.InvalidInput) as caught:
        services.create(people.manager, proposal)
    assert set(caught.value.errors) == {"reason"}  # text first, before look-ups
    proposal.reason = ""
    with pytest.raises(services.InvalidInput) as caught:
        services.create(people.manager, proposal)
    assert set(caught.value.errors) == {"practices[0].code"}
    proposal.practices = [("Z93030", "joins")]
    with pytest.raises(services.InvalidInput) as caught:
        services.create(people.manager, proposal)
    assert set(caught.value.errors) == {"details.network_name"}
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    "details",
    [
        {"network_name": "Minimal PCN"},
        {
            "network_name": "Numbers PCN",
            "clinical_directors": [
                {"name": "Dr A", "profession": "gp", "wte": 0.5},
                {"name": "Dr B", "profession": "other", "wte": 2},
            ],
            "payee": {"kind": "network_account"},
            "agreement": {"status": "draft"},
            "data_sharing": {"status": "signed", "signed_on": "2022-03-01"},
            "operating_model": {"model": "lead_provider", "contract_holder": "X Ltd"},
            "small_population_reason": "remote",
        },
    ],
)
def test_what_can_be_saved_can_be_approved(
    people: SimpleNamespace, details: dict[str, Any]
) -> None:
    manager = client_for(people.manager)
    body = _registration_body(**details)
    created = send(manager, "post", API, body)
    assert created.status_code == 201, created.content
    ref = created.json()["reference"]
    send(
        client_for(people.practice),
        "post",
        f"{API}{ref}/confirm",
        {"practice": "Z93030"},
    )
    version = Application.objects.get(reference=ref).version
    assert (
        send(manager, "post", f"{API}{ref}/submit", {"version": version}).status_code
        == 200
    )
    decision = send(
        client_for(people.commissioner),
        "post",
        f"{API}{ref}/decision",
        {
            "outcome": "approved_with_conditions",
            "conditions": "review in a year",
            "network_code": "U99077",
            "version": version,
        },
    )
    assert decision.status_code in (200, 400), decision.content
    if decision.status_code == 400:  # a breach (e.g. no reason for a small network)
        assert "breach" in decision.json()["detail"]
        return
    assert queries.network_of("Z93030", date(2022, 4, 1)) == "U99077"


def test_form_with_nul_characters_saves_nothing(people: SimpleNamespace) -> None:
    response = client_for(people.manager).post(
        "/applications/new/registration/",
        {
            "network_name": "Fern\x00ham",
            "commissioner": "99Z",
            "practices": "Z93030",
            "effective_from-day": "1",
            "effective_from-month": "4",
            "effective_from-year": "2022",
        },
    )
    assert response.status_code == 400
    assert Application.objects.count() == 0
