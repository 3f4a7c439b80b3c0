"""Small real-format files for importer tests, and ways to spoil them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from pcnhub.audit.services import Actor
from pcnhub.register.imports import run_import
from pcnhub.register.models import (
    ImportRun,
    ListSize,
    Organisation,
    OrganisationVersion,
    Relationship,
    Succession,
)

FIXTURES = Path(__file__).parent / "fixtures"
ACTOR = Actor(system="test-suite")

EPCN_DETAILS_HEADER = (
    "PCN Code",
    "PCN Name",
    "Current Clinical \nCommissioning \nGroup Code",
    "Clinical\nCommissioning\nGroup Name",
    "Open Date",
    "Close Date",
    "Address Line 1",
    "Address Line 2",
    "Address Line 3",
    "Address Line 4",
    "Address Line 5",
    "Postcode",
)
EPCN_PARTNER_HEADER = (
    "Partner\nOrganisation\nCode",
    "Partner\nName",
    "Practice\nParent\nCCG Code",
    "Practice\nParent\nCCG Name",
    "PCN Code",
    "PCN Name",
    "PCN Parent\nCCG Code",
    "PCN Parent\nCCG Name",
    "Practice to PCN\nRelationship\nStart Date",
    "Practice to PCN\nRelationship\nEnd Date",
    "Practice CCG and PCN\nCCG Match ",
)
EPCN_NETWORKS = [
    (
        "U99001",
        "HILLTOP PCN",
        "99Z",
        "NHS TEST CCG",
        "20190701",
        "",
        "HEALTH CENTRE",
        "HIGH STREET",
        "",
        "NEWTOWN",
        "",
        "ZZ1 1AA",
    ),
    (
        "U99002",
        "RIVERSIDE PCN",
        "99Z",
        "NHS TEST CCG",
        "20210401",
        "",
        "RIVER ROAD",
        "",
        "",
        "NEWTOWN",
        "",
        "ZZ1 3AA",
    ),
]
EPCN_MEMBERS = [
    (
        "Z10001",
        "HILLTOP SURGERY",
        "99Z",
        "NHS TEST CCG",
        "U99001",
        "HILLTOP PCN",
        "99Z",
        "NHS TEST CCG",
        "20190701",
        None,
        True,
    ),
    (
        "Z10002",
        "VALLEY MEDICAL PRACTICE",
        "99Z",
        "NHS TEST CCG",
        "U99001",
        "HILLTOP PCN",
        "99Z",
        "NHS TEST CCG",
        "20190701",
        "20210331",
        True,
    ),
    (
        "Z10002",
        "VALLEY MEDICAL PRACTICE",
        "99Z",
        "NHS TEST CCG",
        "U99002",
        "RIVERSIDE PCN",
        "99Z",
        "NHS TEST CCG",
        "20210401",
        None,
        True,
    ),
]


def write_epcn(
    path: Path,
    networks: list[tuple] | None = None,
    members: list[tuple] | None = None,
    details_header: tuple = EPCN_DETAILS_HEADER,
    partner_header: tuple = EPCN_PARTNER_HEADER,
) -> Path:
    book = openpyxl.Workbook()
    details = book.active
    details.title = "PCNDetails"
    details.append(details_header)
    for row in EPCN_NETWORKS if networks is None else networks:
        details.append(row)
    partners = book.create_sheet("PCN Core Partner Details")
    partners.append(partner_header)
    for row in EPCN_MEMBERS if members is None else members:
        partners.append(row)
    book.save(path)
    return path


def copy_fixture(name: str, folder: Path, text: str | None = None) -> Path:
    target = folder / name
    target.write_text(text if text is not None else (FIXTURES / name).read_text())
    return target


def load(kind: str, path: Path, as_at: date | None = None) -> ImportRun:
    return run_import(kind, path, actor=ACTOR, as_at=as_at)


def _sorted(rows) -> list[tuple]:
    return sorted(rows, key=repr)


def register_state() -> dict[str, list[tuple]]:
    """Every fact in the register, to compare before and after."""
    return {
        "organisations": _sorted(Organisation.objects.values_list("code", "kind")),
        "versions": _sorted(
            OrganisationVersion.objects.values_list(
                "organisation_id",
                "valid_from",
                "valid_to",
                "name",
                "address",
                "postcode",
                "status",
                "open_date",
                "close_date",
                "subtype",
            )
        ),
        "relationships": _sorted(
            Relationship.objects.values_list(
                "kind", "child_id", "parent_id", "valid_from", "valid_to"
            )
        ),
        "list_sizes": _sorted(
            ListSize.objects.values_list(
                "practice_id", "measure", "date", "value", "superseded_by"
            )
        ),
        "successions": _sorted(
            Succession.objects.values_list(
                "predecessor_id", "successor_id", "effective"
            )
        ),
    }
