"""The governance pages and forms: who may see and change what, the NHS.UK error
pattern, and what a successful change leaves behind."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.governance import documents, services
from pcnhub.governance import history as records_history
from pcnhub.governance.models import (
    ClinicalDirectorAppointment,
    GovernanceDocument,
    NominatedPayee,
)
from tests.governance.samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db

NETWORK = "U99001"
ACTOR = Actor(system="governance-tests")
PAGE = reverse("governance", args=[NETWORK])


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def title_of(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert found
    return " ".join(unescape(found.group(1)).split())


def change_url(kind: str) -> str:
    return reverse("governance_change", args=[NETWORK, kind])


@pytest.fixture
def recorded(demo_data) -> ClinicalDirectorAppointment:
    director = services.appoint_clinical_director(
        ACTOR,
        NETWORK,
        name="Dr Ada Lovelace",
        profession="gp",
        wte=Decimal("0.75"),
        start=date(2021, 4, 1),
        reason="elected by the members",
    )
    services.record_network_agreement(
        ACTOR,
        NETWORK,
        status="signed",
        signed_on=date(2021, 3, 30),
        schedules_complete=True,
        start=date(2021, 4, 1),
        reason="all signed",
    )
    services.set_operating_model(
        ACTOR,
        NETWORK,
        model="gp_federation",
        contract_holder="Wendmoor GP Federation",
        start=date(2021, 4, 1),
    )
    documents.store_document(
        ACTOR,
        NETWORK,
        kind="network_agreement",
        title="Signed network agreement",
        upload=_pdf(),
        reason="the signed copy",
    )
    return director


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("agreement.pdf", MINIMAL_PDF, "application/pdf")


# The governance page ----------------------------------------------------------------


def test_the_page_shows_what_held_on_the_date(recorded, client_for) -> None:
    client = client_for("commissioner", "99Z")
    response = client.get(PAGE + "?as_at=2021-06-01")
    assert response.status_code == 200
    text = text_of(response)
    assert "Governance of Wendmoor Central PCN" in title_of(response)
    assert "Dr Ada Lovelace" in text and "0.75" in text
    assert "Signed" in text and "30 March 2021" in text
    assert "GP federation" in text and "Wendmoor GP Federation" in text
    assert "Signed network agreement" in text  # the documents list
    assert "elected by the members" in text and "governance-tests" in text
    assert "Record the network agreement" in text  # may change
    document = GovernanceDocument.objects.get()
    assert reverse("governance_document", args=[NETWORK, document.pk]) in (
        response.content.decode()
    )


def test_before_anything_held_the_page_says_so(recorded, client_for) -> None:
    response = client_for("national").get(PAGE + "?as_at=2021-01-01")
    text = text_of(response)
    assert "No network agreement is recorded on 1 January 2021" in text
    assert "No clinical director is recorded on or before 1 January 2021" in text
    # The history shows every record whatever the date.
    assert "Dr Ada Lovelace" in text


def test_evaluators_see_no_names_documents_or_forms(recorded, client_for) -> None:
    client = client_for("evaluator")
    response = client.get(PAGE + "?as_at=2021-06-01")
    assert response.status_code == 200
    text = text_of(response)
    assert "Dr Ada Lovelace" not in text
    assert "governance-tests" not in text  # who recorded it
    assert "withheld (personal data)" in text
    assert "Wendmoor GP Federation" in text  # not personal
    assert "Signed network agreement" not in text
    assert "Record a change" not in text
    assert client.get(change_url("operating-model")).status_code == 403


@pytest.mark.parametrize(
    ("role", "organisation"),
    [("network_manager", "U99002"), ("practice_manager", "Z93030")],
)
def test_people_outside_the_network_are_refused(
    demo_data, client_for, role: str, organisation: str
) -> None:
    client = client_for(role, organisation)
    assert client.get(PAGE).status_code == 403
    assert client.get(change_url("clinical-director")).status_code == 403


def test_the_page_needs_sign_in_and_a_network(demo_data, client_for) -> None:
    assert Client().get(PAGE).status_code == 302
    client = client_for("national")
    assert client.get(reverse("governance", args=["Z91001"])).status_code == 404
    assert client.get(reverse("governance", args=["U00000"])).status_code == 404
    assert client.get(change_url("no-such-kind")).status_code == 404


# Forms ------------------------------------------------------------------------------


def test_bad_input_shows_the_error_summary(demo_data, client_for) -> None:
    client = client_for("network_manager", NETWORK)
    response = client.post(
        change_url("clinical-director"),
        {"name": "", "profession": "gp", "wte": "3", "start": "2021-02-30"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert title_of(response).startswith("Error: Appoint a clinical director")
    assert "nhsuk-error-summary" in html
    for field in ("name", "wte", "start", "reason"):
        assert f'href="#{field}"' in html  # the summary links to the field
        assert f'id="{field}"' in html
        assert f'id="{field}-error"' in html  # the field's own message
    text = text_of(response)
    assert "Enter the clinical director's name" in text
    assert "The whole-time equivalent must be 2.00 or less" in text
    assert not ClinicalDirectorAppointment.objects.exists()


def test_a_change_is_recorded_and_the_page_says_so(demo_data, client_for) -> None:
    client = client_for("network_manager", NETWORK)
    form = client.get(change_url("clinical-director"))
    assert form.status_code == 200 and "csrfmiddlewaretoken" in form.content.decode()
    response = client.post(
        change_url("clinical-director") + "?as_at=2021-06-01",
        {
            "name": "Dr Grace Hopper",
            "profession": "other",
            "wte": "0.4",
            "start": "2021-05-01",
            "reason": "elected",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == PAGE + "?as_at=2021-06-01"
    appointment = ClinicalDirectorAppointment.objects.get()
    assert appointment.wte == Decimal("0.40")
    assert appointment.recorded_by.username == f"network_manager-{NETWORK}".lower()
    page = client.get(response["Location"])
    text = text_of(page)
    assert "Clinical director appointed" in text  # the success banner
    assert "Dr Grace Hopper" in text and "Other profession" in text
    assert AuditEntry.objects.filter(action="appoint clinical director").exists()


def test_a_service_error_lands_on_its_field(demo_data, client_for) -> None:
    services.set_nominated_payee(
        ACTOR,
        NETWORK,
        payee_code="Z91001",
        payee_name="",
        kind="member_practice",
        start=date(2021, 10, 1),
    )
    client = client_for("commissioner", "99Z")
    response = client.post(
        change_url("nominated-payee"),
        {
            "kind": "member_practice",
            "payee_code": "Z91002",
            "start": "2021-04-01",
            "reason": "backdated",
        },
    )
    assert response.status_code == 400
    assert 'href="#start"' in response.content.decode()
    assert "history is not rewritten" in text_of(response)
    assert NominatedPayee.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (
            "network-agreement",
            {
                "status": "signed",
                "signed_on": "2021-03-30",
                "schedules_complete": "on",
                "notes": "v2",
            },
        ),
        ("data-sharing", {"status": "draft"}),
        ("nominated-payee", {"kind": "network_account", "payee_name": "PCN account"}),
        (
            "operating-model",
            {"model": "super_practice", "contract_holder": "Z91001 Castle Street"},
        ),
    ],
)
def test_every_kind_of_change_can_be_recorded(
    demo_data, client_for, kind: str, data: dict[str, str]
) -> None:
    client = client_for("commissioner", "99Z")
    assert client.get(change_url(kind)).status_code == 200
    response = client.post(
        change_url(kind), data | {"start": "2021-04-01", "reason": "test"}
    )
    assert response.status_code == 302, text_of(response)
    history = records_history.history(NETWORK)
    assert len(history) == 1 and history[0].reason == "test"


def test_forms_need_csrf(demo_data, make_user) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("commissioner", "99Z"))
    response = client.post(
        change_url("data-sharing"),
        {"status": "signed", "start": "2021-04-01", "reason": "x"},
    )
    assert response.status_code == 403
    assert not records_history.history(NETWORK)


def test_ending_a_clinical_director(recorded, client_for) -> None:
    client = client_for("commissioner", "99Z")
    url = reverse("governance_cd_end", args=[NETWORK, recorded.pk])
    assert url in client.get(PAGE).content.decode()  # linked from the page
    bad = client.post(url, {"on": "2020-01-01", "reason": "early"})
    assert bad.status_code == 400 and 'href="#on"' in bad.content.decode()
    response = client.post(url, {"on": "2022-04-01", "reason": "stood down"})
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.valid_to == date(2022, 4, 1)
    assert recorded.close_reason == "stood down"
    assert client.get(url).status_code == 404  # no longer current


# Documents --------------------------------------------------------------------------


def test_uploading_a_document(demo_data, client_for, media_root) -> None:
    client = client_for("network_manager", NETWORK)
    url = reverse("governance_document_new", args=[NETWORK])
    form = client.get(url)
    assert 'enctype="multipart/form-data"' in form.content.decode()
    response = client.post(
        url,
        {
            "kind": "schedule",
            "title": "Financial schedule",
            "upload": _pdf(),
            "reason": "agreed at the board",
        },
    )
    assert response.status_code == 302
    document = GovernanceDocument.objects.get()
    assert document.title == "Financial schedule"
    assert (media_root / NETWORK / document.stored_name).is_file()
    assert "Document uploaded" in text_of(client.get(response["Location"]))


def test_a_bad_upload_shows_the_error_summary(demo_data, client_for) -> None:
    client = client_for("network_manager", NETWORK)
    response = client.post(
        reverse("governance_document_new", args=[NETWORK]),
        {
            "kind": "other",
            "title": "Not a PDF",
            "upload": SimpleUploadedFile("x.pdf", b"plain text", "application/pdf"),
            "reason": "test",
        },
    )
    assert response.status_code == 400
    assert title_of(response).startswith("Error: ")
    assert 'href="#upload"' in response.content.decode()
    assert "whatever its name says" in text_of(response)
    assert not GovernanceDocument.objects.exists()
