"""The local schemes pages and API: who may see and record, form errors naming
the field, names withheld from those who may not see them, the downloads."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from pcnhub.audit.models import AuditEntry
from pcnhub.schemes import demo
from pcnhub.schemes.models import LocalScheme
from pcnhub.schemes.overlaps import COLUMNS
from tests.schemes.conftest import ACTOR

pytestmark = pytest.mark.django_db
LIST = "/org/99Z/local-schemes/"
NEW = "/org/99Z/local-schemes/new/"
OVERLAPS = "/org/99Z/local-schemes/overlaps/?year=2020/21"
NAME = demo.LINK_WORKERS[0]

GOOD = {
    "reference": "LCS-9",
    "name": "Home visiting",
    "kind": "service",
    "start": "2020-04-01",
    "annual_funding": "36500",
    "networks": "U99001",
    "requirements": ["enhanced_health_in_care_homes"],
}


@pytest.fixture
def schemes(people: dict[str, Any]) -> None:
    demo.create_demo_schemes(ACTOR)


def test_the_commissioner_records_a_scheme(client_for: Any) -> None:
    client = client_for("commissioner")
    assert "Record a local scheme" in client.get(LIST).content.decode()
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, GOOD)
    scheme = LocalScheme.objects.get(reference="LCS-9")
    assert response.status_code == 302
    assert response["Location"] == f"/org/99Z/local-schemes/{scheme.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Home visiting" in page and "£36,500.00" in page
    assert AuditEntry.objects.filter(action="schemes.scheme_recorded").count() == 1


def test_form_errors_name_the_field(client_for: Any) -> None:
    client = client_for("commissioner")
    bad = GOOD | {
        "name": "",
        "annual_funding": "lots",
        "networks": "U88001",
        "kind": "roles",
        "roles": "wizard 2",
        "requirements": [],
    }
    response = client.post(NEW, bad)
    page = response.content.decode()
    assert response.status_code == 400
    for field in ("name", "annual_funding", "roles"):
        assert f'href="#{field}"' in page, field
    assert "Enter the scheme&#39;s name" in page or "Enter the scheme's name" in page
    assert "wizard" in page
    # the service's own check, after the form's: the network is another area's
    response = client.post(NEW, GOOD | {"networks": "U88001"})
    assert response.status_code == 400
    assert 'href="#networks"' in response.content.decode()
    assert "not one of 99Z" in response.content.decode()
    assert not LocalScheme.objects.exists()


def test_who_may_see_and_record(client_for: Any, schemes: None) -> None:
    manager = client_for("manager")
    # the manager's network's schemes, read only; not the commissioner's list
    own = manager.get("/org/U99001/local-schemes/")
    assert own.status_code == 200
    assert "LFR-SPLW-2019" in own.content.decode()
    assert "Record a local scheme" not in own.content.decode()
    assert manager.get(LIST).status_code == 403
    assert manager.post(NEW, GOOD).status_code == 403
    assert manager.get("/org/U99001/local-schemes/new/").status_code == 403
    evaluator = client_for("evaluator")
    assert evaluator.get(LIST).status_code == 200
    assert evaluator.post(NEW, GOOD).status_code == 403
    other = client_for("other commissioner")
    assert other.get(LIST).status_code == 403
    assert other.get(OVERLAPS).status_code == 403
    assert other.post(NEW, GOOD).status_code == 403
    assert client_for("admin").post(NEW, GOOD).status_code == 403
    assert not LocalScheme.objects.filter(reference="LCS-9").exists()


def test_the_report_shows_names_only_to_those_who_may_see_them(
    client_for: Any, schemes: None
) -> None:
    ours = client_for("commissioner").get(OVERLAPS).content.decode()
    assert NAME in ours and "Total at stake" in ours
    theirs = client_for("evaluator").get(OVERLAPS)
    assert theirs.status_code == 200
    page = theirs.content.decode()
    assert NAME not in page and "Demo ARRS Link Worker" not in page
    assert "Double funding" in page and "Not additional" in page
    assert (
        client_for("evaluator").get(LIST + "overlaps/?year=1999/00").status_code == 400
    )


def _csv(client: Any) -> list[dict[str, str]]:
    response = client.get(OVERLAPS + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.splitlines()[0] == ",".join(COLUMNS)
    return list(csv.DictReader(io.StringIO(text)))


def test_the_downloads_hold_every_row(client_for: Any, schemes: None) -> None:
    rows = _csv(client_for("commissioner"))
    assert len(rows) == 18
    assert sum(Decimal(r["amount_at_stake"]) for r in rows) > 0
    assert {r["name"] for r in rows if r["overlap"].startswith("Not additional")} >= {
        NAME
    }
    assert all(r["name"] == "" for r in _csv(client_for("evaluator")))
    response = client_for("evaluator").get(OVERLAPS + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert list(values[0]) == COLUMNS and len(values) == 19
    amounts = [row[COLUMNS.index("amount_at_stake")] for row in values[1:]]
    total = sum(Decimal(str(a)) for a in amounts)
    assert total == sum(Decimal(r["amount_at_stake"]) for r in rows)
    assert all(row[COLUMNS.index("name")] in (None, "") for row in values[1:])


def test_the_api(client_for: Any, schemes: None) -> None:
    client = client_for("commissioner")
    listed = client.get("/api/local-schemes/99Z").json()
    assert {s["reference"] for s in listed["schemes"]} == {
        demo.ROLES_REFERENCE,
        demo.SERVICE_REFERENCE,
    }
    body = {k: v for k, v in GOOD.items() if k != "networks"} | {"networks": ["U99001"]}
    made = client.post(
        "/api/local-schemes/99Z", json.dumps(body), content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["version"] == 1
    again = client.post(
        "/api/local-schemes/99Z", json.dumps(body), content_type="application/json"
    )
    assert again.status_code == 422 and "reference" in again.json()["detail"]
    report = client_for("evaluator").get("/api/local-schemes/99Z/overlaps?year=2020/21")
    data = report.json()
    assert data["year"] == "2020/21"
    assert Decimal(data["total_at_stake"]) == sum(
        Decimal(r["amount_at_stake"]) for r in data["overlaps"]
    )
    assert all(r["name"] is None for r in data["overlaps"])
    refused = client_for("manager").post(
        "/api/local-schemes/99Z", json.dumps(body), content_type="application/json"
    )
    assert refused.status_code == 403
