"""Personal data is withheld from evaluators everywhere; practice managers see
their own network's page and payments, read-only.

A clinical director's name is recorded in U99001's governance (and given in a
network facts file); an evaluator must meet it on no page, download, API answer
or command, while a commissioner still sees it.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from pcnhub.audit.services import Actor
from pcnhub.contract.management.commands.check import Command as CheckCommand
from pcnhub.governance import services
from pcnhub.governance.records import WITHHELD
from tests.web.conftest import demo_data  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

NETWORK = "U99001"
MEMBER = "Z91001"
NAME = "Dr Ada Lovelace"
FILE_NAME = "Dr Grace Hopper"
DAY = "2022-01-01"
YEAR = "2021/22"


@pytest.fixture
def director(demo_data: None) -> None:  # noqa: F811
    services.appoint_clinical_director(
        Actor(system="tests"),
        NETWORK,
        name=NAME,
        profession="gp",
        wte=Decimal("1"),
        start=date(2021, 4, 1),
    )


def client_as(make_user: Any, role: str, org: str | None = None) -> Client:
    client = Client()
    client.force_login(make_user(role, org))
    return client


def body(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "".join(book.read(n).decode() for n in book.namelist())


def evaluator_surfaces(client: Client) -> dict[str, str]:
    """Every page, download and API answer that shows U99001's findings or lines."""
    get = client.get
    return {
        "network page": body(get(f"/org/{NETWORK}/", {"as_at": DAY})),
        "checks page": body(get("/checks/", {"as_at": DAY})),
        "checks page (99Z)": body(
            get("/checks/", {"as_at": DAY, "commissioner": "99Z"})
        ),
        "checks CSV": body(get("/checks/", {"as_at": DAY, "format": "csv"})),
        "checks API": body(get("/api/register/checks", {"as_at": DAY, "pcn": NETWORK})),
        "entitlements page": body(get(f"/org/{NETWORK}/entitlements/", {"year": YEAR})),
        "entitlements CSV": body(
            get(f"/org/{NETWORK}/entitlements/", {"year": YEAR, "format": "csv"})
        ),
        "entitlements XLSX": xlsx_text(
            get(
                f"/org/{NETWORK}/entitlements/", {"year": YEAR, "format": "xlsx"}
            ).content
        ),
        "entitlements API": body(
            get(
                f"/api/register/networks/{NETWORK}/entitlements",
                {"year": YEAR, "explain": "true"},
            )
        ),
        "governance page": body(get(f"/org/{NETWORK}/governance/", {"as_at": DAY})),
    }


def test_an_evaluator_meets_no_clinical_directors_name(
    director: None, make_user: Any
) -> None:
    shown = evaluator_surfaces(client_as(make_user, "evaluator"))
    leaks = [where for where, text in shown.items() if NAME in text]
    assert not leaks, f"the name is shown to an evaluator on: {leaks}"
    # The finding still says a director is recorded: only the name is withheld.
    assert WITHHELD in shown["network page"]
    assert WITHHELD in shown["checks CSV"]
    assert WITHHELD in shown["checks API"]


def test_a_commissioner_still_sees_the_name(director: None, make_user: Any) -> None:
    client = client_as(make_user, "commissioner", "99Z")
    assert NAME in body(client.get(f"/org/{NETWORK}/", {"as_at": DAY}))
    assert NAME in body(client.get("/checks/", {"as_at": DAY, "format": "csv"}))
    api = client.get("/api/register/checks", {"as_at": DAY, "pcn": NETWORK})
    assert NAME in body(api)


def _check(*args: str) -> str:
    out = io.StringIO()
    call_command(
        CheckCommand(), "--as-at", DAY, *args, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def test_the_command_line_withholds_names_from_an_evaluator(
    director: None, make_user: Any, tmp_path: Path
) -> None:
    make_user("evaluator", None, username="eve")
    facts = tmp_path / "facts.csv"
    facts.write_text(f"pcn_code,clinical_directors\nU99002,{FILE_NAME}\n")
    for fmt in ("csv", "json"):
        as_evaluator = _check("--facts", str(facts), "--user", "eve", "--format", fmt)
        assert NAME not in as_evaluator and FILE_NAME not in as_evaluator
        assert WITHHELD in as_evaluator
        operator = _check("--facts", str(facts), "--format", fmt)
        assert NAME in operator and FILE_NAME in operator
    rows = json.loads(_check("--pcn", NETWORK, "--user", "eve", "--format", "json"))
    (director_row,) = [r for r in rows if r["rule"] == "governance.clinical_director"]
    assert director_row["outcome"] == "met"
    assert director_row["evidence"] == {"clinical_directors": WITHHELD}


def test_entitlements_command_withholds_names_from_an_evaluator(
    director: None, make_user: Any, tmp_path: Path
) -> None:
    make_user("evaluator", None, username="eve")
    target = tmp_path / "out.xlsx"
    call_command(
        "entitlements",
        "--year",
        YEAR,
        "--pcn",
        NETWORK,
        "--user",
        "eve",
        "--format",
        "xlsx",
        "--output",
        str(target),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert NAME not in xlsx_text(target.read_bytes())


# --- a practice manager and its own network ----------------------------------------


def test_a_practice_manager_sees_its_networks_page_and_its_payment(
    demo_data: None,  # noqa: F811
    make_user: Any,
) -> None:
    client = client_as(make_user, "practice_manager", MEMBER)
    page = body(client.get(f"/org/{NETWORK}/", {"as_at": DAY}))
    assert "Wendmoor Central PCN" in page
    csv_text = body(
        client.get(f"/org/{NETWORK}/entitlements/", {"year": YEAR, "format": "csv"})
    )
    npp = [
        line
        for line in csv_text.splitlines()
        if f",{MEMBER}," in line and "participation" in line
    ]
    assert npp, "the practice's Network Participation Payment line is missing"
    api = client.get(f"/api/register/networks/{NETWORK}/entitlements", {"year": YEAR})
    assert api.status_code == 200


def test_a_practice_manager_only_reads_its_network(
    demo_data: None,  # noqa: F811
    make_user: Any,
) -> None:
    client = client_as(make_user, "practice_manager", MEMBER)
    for refused in (
        f"/org/{NETWORK}/governance/",
        f"/org/{NETWORK}/governance/clinical-director/new/",
        f"/org/{NETWORK}/audit/",
        f"/api/governance/{NETWORK}",
        "/org/U99002/",  # another network
        "/org/Z91002/",  # another member of its network
    ):
        assert client.get(refused).status_code == 403, refused


def test_a_practice_managers_audit_trail_leaves_out_its_network(
    director: None, make_user: Any
) -> None:
    client = client_as(make_user, "practice_manager", MEMBER)
    trail = body(client.get("/audit/"))
    assert "appoint clinical director" not in trail
    national = client_as(make_user, "national")
    assert "appoint clinical director" in body(national.get("/audit/"))
