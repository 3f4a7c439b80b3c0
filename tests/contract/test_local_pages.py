"""The PCNHUB_LOCAL_PARAMETERS setting drives every entitlement run users see:
the payments page, its CSV download, the API and the commands; lines resting on
an agreement are marked, an added item is computed and shown, a wrong file stops
start-up naming the file and key, and a commissioner without an agreement sees
the national values."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from pcnhub.contract.services import local_variations, run_entitlements
from pcnhub.rules import money
from pcnhub.rules.periods import ContractYear
from tests.web.conftest import demo_data, signed_in, user  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
PCN = "U99001"
YEAR = "2026/27"
NPP = "network_participation_payment"
AGREEMENT = """\
commissioner: COMMISSIONER
from: 2026-05-01
agreement: {document: "Wendmoor agreement 2026/27", section: "schedule 1"}
description: A higher participation payment and a local access payment.
parameters:
  network_participation.rate:
    values:
      2026-05-01:
        value: 2.00
        per: year
        source: {document: "Wendmoor agreement 2026/27", section: "para 2"}
items:
  local_access:
    label: Local access payment
    basis: registered
    values:
      2026-05-01:
        value: 1.20
        per: year
        source: {document: "Wendmoor agreement 2026/27", section: "para 3"}
"""
MARK = "local variation: 99Z Wendmoor agreement 2026/27, schedule 1"


@pytest.fixture
def local(settings, tmp_path: Path) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """An agreement for the demo commissioner 99Z, in the setting's directory."""
    directory = tmp_path / "local"
    directory.mkdir()
    (directory / "wendmoor.yaml").write_text(
        AGREEMENT.replace("COMMISSIONER", "99Z"), encoding="utf-8"
    )
    local_variations.cache_clear()
    settings.PCNHUB_LOCAL_PARAMETERS = str(directory)
    yield directory
    local_variations.cache_clear()


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def csv_rows(client: Client) -> list[dict[str, str]]:
    response = client.get(f"/org/{PCN}/entitlements/", {"year": YEAR, "format": "csv"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def api_rows(client: Client) -> list[dict[str, str]]:
    response = client.get(f"/api/register/networks/{PCN}/entitlements", {"year": YEAR})
    assert response.status_code == 200
    return response.json()


def _added_item_by_hand() -> Decimal:
    """11/12 of a year at £1.20 per registered patient, on the network's list."""
    run = run_entitlements(ContractYear.parse(YEAR), pcn=PCN, local=())
    (network,) = run.networks
    members = network.members_on(date(2026, 5, 1))
    assert members == network.members_on(date(2027, 3, 1))  # no change in the year
    registered = sum((p.registered or Decimal(0) for p in members), Decimal(0))
    assert registered > 0
    return money.penny(registered * Decimal("1.20") * 11 / 12)


def test_the_setting_drives_the_page_csv_and_api(
    local: Path,
    signed_in: Client,  # noqa: F811
    demo_data: None,  # noqa: F811
) -> None:
    expected = _added_item_by_hand()
    response = signed_in.get(f"/org/{PCN}/entitlements/", {"year": YEAR})
    assert response.status_code == 200
    text = text_of(response)
    assert "Local access payment (local variation)" in text
    assert f"{MARK} applies to Network Participation Payment, Local access payment" in (
        text
    )
    assert f"£{expected:,}" in text  # the added item's year, in its explanation

    for rows in (csv_rows(signed_in), api_rows(signed_in)):
        added = [r for r in rows if r["item"] == "local_access"]
        assert [r["month"] for r in added] == [f"2026-{m:02}" for m in range(5, 13)] + [
            f"2027-{m:02}" for m in range(1, 4)
        ]
        assert sum(Decimal(r["amount"]) for r in added) == expected
        assert all(MARK in r["note"] for r in added)
        npp = [r for r in rows if r["item"] == NPP]
        assert {r["month"] for r in npp if MARK in r["note"]} == {
            r["month"] for r in npp if r["month"] >= "2026-05"
        }
        assert not any(MARK in r["note"] for r in npp if r["month"] == "2026-04")
        others = [r for r in rows if r["item"] not in (NPP, "local_access")]
        assert others and not any("local variation" in r["note"] for r in others)


def test_a_commissioner_without_an_agreement_sees_national_values(
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    signed_in: Client,  # noqa: F811
    demo_data: None,  # noqa: F811
) -> None:
    national = csv_rows(signed_in)
    directory = tmp_path / "other"
    directory.mkdir()
    (directory / "other.yaml").write_text(
        AGREEMENT.replace("COMMISSIONER", "11X"), encoding="utf-8"
    )
    local_variations.cache_clear()
    settings.PCNHUB_LOCAL_PARAMETERS = str(directory)
    try:
        assert local_variations()  # the agreement is read ...
        assert csv_rows(signed_in) == national  # ... and changes nothing for 99Z
        assert "local variation" not in text_of(
            signed_in.get(f"/org/{PCN}/entitlements/", {"year": YEAR})
        )
    finally:
        local_variations.cache_clear()


def test_the_cli_uses_the_setting_and_local_dir_wins(
    local: Path,
    tmp_path: Path,
    demo_data: None,  # noqa: F811
) -> None:
    def lines(*args: str) -> list[dict]:
        out = io.StringIO()
        call_command(
            "entitlements",
            "--year",
            YEAR,
            "--pcn",
            PCN,
            "--format",
            "json",
            *args,
            stdout=out,
            stderr=io.StringIO(),
        )
        return json.loads(out.getvalue())

    configured = lines()
    assert any(r["item"] == "local_access" for r in configured)
    empty = tmp_path / "none"
    empty.mkdir()
    national = lines("--local", str(empty))
    assert not any("local variation" in r["note"] for r in national)
    assert {r["item"] for r in configured} - {r["item"] for r in national} == {
        "local_access"
    }
    doc = io.StringIO()
    call_command("rulesdoc", stdout=doc)
    assert "#### Added item `local_access` — Local access payment" in doc.getvalue()


def test_a_wrong_file_stops_start_up_naming_file_and_key(
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    directory = tmp_path / "bad"
    directory.mkdir()
    (directory / "broken.yaml").write_text(
        AGREEMENT.replace("COMMISSIONER", "99Z").replace(
            "basis: registered", "basis: beds"
        ),
        encoding="utf-8",
    )
    local_variations.cache_clear()
    settings.PCNHUB_LOCAL_PARAMETERS = str(directory)
    try:
        with pytest.raises(ImproperlyConfigured) as caught:
            apps.get_app_config("contract").ready()
        message = str(caught.value)
        assert "PCNHUB_LOCAL_PARAMETERS" in message
        assert "broken.yaml: items.local_access.basis: one of registered" in message
    finally:
        local_variations.cache_clear()


def test_the_workbook_sums_an_added_item(
    local: Path,
    tmp_path: Path,
    demo_data: None,  # noqa: F811
) -> None:
    import openpyxl

    path = tmp_path / "local.xlsx"
    call_command(
        "entitlements",
        "--year",
        YEAR,
        "--pcn",
        PCN,
        "--format",
        "xlsx",
        "--output",
        str(path),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    book = openpyxl.load_workbook(path)
    summary = [r for r in book[PCN].iter_rows(values_only=True) if r and r[0]]
    assert any(r[0] == "Local access payment" and r[-2] for r in summary)
