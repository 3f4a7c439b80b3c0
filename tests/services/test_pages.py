"""The services pages and API: who may see and record, form errors naming the
field, and the CSV and Excel downloads."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.services import records
from pcnhub.services.models import ServiceDelivery

pytestmark = pytest.mark.django_db

NETWORK = "U99001"
PAGE = f"/org/{NETWORK}/services/"
RECORD = f"/org/{NETWORK}/services/record/"
API = f"/api/services/{NETWORK}"
ACTOR = Actor(system="services-tests")


@pytest.fixture
def recorded(demo_data) -> None:
    year = ContractYear(2024)
    records.record_delivery(
        ACTOR, NETWORK, year, "enhanced_access", "in_progress", reason="plan"
    )
    records.record_delivery(
        ACTOR,
        NETWORK,
        year,
        "enhanced_access",
        "delivered",
        evidence='=HYPERLINK("x") rota audit',
        link="https://example.org/rota",
        reason="year end",
    )
    records.record_access_hours(ACTOR, NETWORK, date(2024, 6, 3), 10, reason="return")


def test_the_page_shows_the_year(recorded, client_for) -> None:
    response = client_for("evaluator").get(PAGE + "?year=2024/25")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Services in 2024/25" in html
    assert "Single service specification (four key functions)" in html
    assert "Delivered" in html and "Not recorded" in html
    assert "Below the minimum" in html
    assert "nhsuk-table--responsive" in html  # readable on a phone
    assert "nhsuk-table__heading" in html  # each cell labelled on a phone
    # an evaluator may not record, so is not offered the form, nor names
    assert "Record delivery or access hours" not in html
    assert "services-tests" not in html


def test_the_default_year_is_the_current_contract_year(demo_data, client_for) -> None:
    html = client_for("commissioner", "99Z").get(PAGE).content.decode()
    year = ContractYear.containing(date.today())
    assert f"Services in {year}" in html


def test_an_unknown_year_is_an_error(demo_data, client_for) -> None:
    response = client_for("commissioner", "99Z").get(PAGE + "?year=2017/18")
    assert response.status_code == 400
    assert "no contract rules for 2017/18" in response.content.decode()


def test_the_manager_records_a_delivery(demo_data, client_for) -> None:
    client = client_for("network_manager", NETWORK)
    assert client.get(RECORD + "?year=2026/27").status_code == 200
    response = client.post(
        RECORD + "?year=2026/27",
        {
            "what": "delivery",
            "year": "2026/27",
            "requirement": "continuity_of_care",
            "status": "in_progress",
            "evidence": "Cohort coded",
            "link": "",
            "reason": "first quarter",
        },
    )
    assert response.status_code == 302
    row = ServiceDelivery.objects.get()
    assert row.contract_year == "2026/27" and row.requirement == "continuity_of_care"
    assert row.recorded_by is not None
    page = client.get(response["Location"]).content.decode()
    assert "Delivery recorded" in page and "Cohort coded" in page


def test_the_manager_records_access_hours(demo_data, client_for) -> None:
    client = client_for("network_manager", NETWORK)
    response = client.post(
        RECORD + "?year=2024/25",
        {
            "what": "access",
            "week_starting": "2024-06-03",
            "minutes_offered": "2500",
            "note": "",
            "reason": "weekly return",
        },
    )
    assert response.status_code == 302
    view = records.year_view(NETWORK, ContractYear(2024))
    assert [w.row.minutes_offered for w in view.weeks] == [2500]


def test_form_errors_name_the_field(demo_data, client_for) -> None:
    client = client_for("network_manager", NETWORK)
    response = client.post(
        RECORD + "?year=2024/25",
        {"what": "access", "week_starting": "2024-06-04", "minutes_offered": "lots"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#minutes_offered"' in html and 'href="#reason"' in html
    assert "Enter the minutes offered as a whole number" in html
    response = client.post(
        RECORD + "?year=2024/25",
        {
            "what": "access",
            "week_starting": "2024-06-04",
            "minutes_offered": "9",
            "reason": "x",
        },
    )
    assert response.status_code == 400
    assert 'href="#week_starting"' in response.content.decode()
    assert "Tuesday" in response.content.decode()
    response = client.post(
        RECORD + "?year=2024/25",
        {"what": "delivery", "requirement": "extended_hours_access", "reason": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#requirement"' in html and 'href="#status"' in html
    assert not ServiceDelivery.objects.exists()


def test_an_evaluator_may_view_but_not_record(demo_data, client_for) -> None:
    client = client_for("evaluator")
    assert client.get(PAGE).status_code == 200
    assert client.get(API).status_code == 200
    before = AuditEntry.objects.count()
    assert client.get(RECORD).status_code == 403
    assert client.post(RECORD, {"what": "delivery"}).status_code == 403
    body = {
        "year": "2024/25",
        "requirement": "enhanced_access",
        "status": "delivered",
        "reason": "x",
    }
    response = client.post(API + "/deliveries", body, content_type="application/json")
    assert response.status_code == 403
    assert AuditEntry.objects.count() == before


def test_someone_out_of_scope_gets_403(demo_data, client_for) -> None:
    client = client_for("network_manager", "U99002")
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE + "?format=csv").status_code == 403
    assert client.get(API).status_code == 403
    assert client.get(RECORD).status_code == 403


def test_csv_download(recorded, client_for) -> None:
    response = client_for("commissioner", "99Z").get(PAGE + "?year=2024/25&format=csv")
    assert response.status_code == 200
    assert "services-requirements-U99001-2024-25.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_code = {r["requirement"]: r for r in rows}
    assert set(by_code) == {"enhanced_access", "single_specification"}
    access = by_code["enhanced_access"]
    assert access["status"] == "Delivered" and access["version"] == "2"
    assert access["evidence"].startswith("'=HYPERLINK")  # formula neutralised
    assert access["link"] == "https://example.org/rota"
    assert by_code["single_specification"]["status"] == "Not recorded"
    assert "Pulse" in by_code["single_specification"]["source"]


def test_xlsx_download_and_access_weeks(recorded, client_for) -> None:
    client = client_for("commissioner", "99Z")
    response = client.get(PAGE + "?year=2024/25&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == (
        "network",
        "contract_year",
        "requirement",
        "requirement_name",
    )
    assert {r[2] for r in rows[1:]} == {"enhanced_access", "single_specification"}
    weeks = client.get(PAGE + "?year=2024/25&format=csv&table=access")
    (week,) = list(csv.DictReader(io.StringIO(weeks.content.decode())))
    assert week["minutes_offered"] == "10" and week["outcome"] == "breach"
    assert week["basis"] == "adjusted" and int(week["required_minutes"]) > 10


def test_api_reads_the_year(recorded, client_for) -> None:
    body = client_for("commissioner", "99Z").get(API + "?year=2024/25").json()
    assert body["contract_year"] == "2024/25" and body["commissioner"] == "99Z"
    item = next(r for r in body["requirements"] if r["code"] == "enhanced_access")
    assert item["latest"]["status"] == "delivered"
    assert [h["version"] for h in item["history"]] == [2, 1]
    assert body["weeks_below_minimum"] == 1
    assert body["access_required"]["basis"] == "adjusted"
    evaluator = client_for("evaluator").get(API + "?year=2024/25").json()
    first = next(r for r in evaluator["requirements"] if r["code"] == "enhanced_access")
    assert first["latest"]["recorded_by"] is None


def test_api_records_and_names_bad_fields(demo_data, client_for) -> None:
    client = client_for("network_manager", NETWORK)
    body = {
        "year": "2020/21",
        "requirement": "enhanced_health_in_care_homes",
        "status": "delivered",
        "evidence": "Weekly home rounds",
        "reason": "audit",
    }
    response = client.post(
        API + "/deliveries", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1
    bad = body | {"requirement": "enhanced_access"}
    response = client.post(
        API + "/deliveries", json.dumps(bad), content_type="application/json"
    )
    assert response.status_code == 422
    assert "requirement" in response.content.decode()
    week = {"week_starting": "2020-06-01", "minutes_offered": 1300, "reason": "return"}
    response = client.post(
        API + "/access-hours", json.dumps(week), content_type="application/json"
    )
    assert response.status_code == 201
    assert ServiceDelivery.objects.count() == 1
