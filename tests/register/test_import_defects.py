"""Importer defects found by probing (issue 15, items 4 and 5), one test each.

Every rejection names the file, row and column, leaves the register unchanged
and leaves a failed import run (see ``rejected`` in test_bad_input).
"""

from __future__ import annotations

import threading
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.db import connection

from pcnhub.register import queries
from pcnhub.register.importers import reading
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.imports import run_import
from pcnhub.register.models import ImportRun, ListSize, Organisation
from tests.register.samples import (
    ACTOR,
    EPCN_MEMBERS,
    EPCN_NETWORKS,
    FIXTURES,
    copy_fixture,
    load,
    write_epcn,
)
from tests.register.test_bad_input import rejected

pytestmark = pytest.mark.django_db

QOF_DAY = date(2021, 1, 1)
EPRACCUR_DAY = date(2019, 12, 1)
EPCN_DAY = date(2022, 5, 1)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def spoil(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = fixture_text(name)
    assert old in text
    return copy_fixture(name, tmp_path, text.replace(old, new, 1))


def details_name(code: str, day: date) -> str:
    details = queries.details_on(code, day)
    assert details is not None
    return details.name


# 1. Numbers: NaN, Infinity, 1e400, -0, exponents, and absurd sizes ------------------


@pytest.mark.parametrize(
    "raw",
    [
        "NaN",
        "sNaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "1e3",
        "1E3",
        "1,000.5",
        "9500.0",
        "-0",
        "+9500",
        "1,0",
        "95,00",
        "0x10",
        "2000000",
        "9" * 400,
    ],
)
def test_patient_counts_are_whole_numbers_only(tmp_path: Path, raw: str) -> None:
    path = spoil(tmp_path, "registrations_sample.csv", "9500", f'"{raw}"')
    message = rejected("registrations", path)
    assert "row 3" in message and "'NUMBER_OF_PATIENTS'" in message
    assert "whole number of patients" in message or "more than" in message


def test_patient_counts_may_have_thousands_commas(tmp_path: Path) -> None:
    load("qof-mapping", FIXTURES / "qof_sample.csv", QOF_DAY)
    path = spoil(tmp_path, "registrations_sample.csv", "9500", '"9,500"')
    assert load("registrations", path).status == ImportRun.Status.SUCCEEDED
    assert ListSize.objects.get(practice_id="Z10002").value == Decimal(9500)


@pytest.mark.parametrize(
    "raw",
    ["NaN", "Infinity", "-Infinity", "1e400", "1E2", "-0", "1,5", "5000000", ".5"],
)
def test_weighted_lists_are_plain_finite_numbers(tmp_path: Path, raw: str) -> None:
    path = spoil(tmp_path, "weighted_sample.csv", "9100.50", f'"{raw}"')
    message = rejected("weighted-lists", path)
    assert "row 3" in message and "'weighted_patients'" in message


def test_weighted_lists_may_have_thousands_commas(tmp_path: Path) -> None:
    load("qof-mapping", FIXTURES / "qof_sample.csv", QOF_DAY)
    path = spoil(tmp_path, "weighted_sample.csv", "9100.50", '"9,100.505"')
    load("weighted-lists", path)
    assert ListSize.objects.get(practice_id="Z10002").value == Decimal("9100.51")


@pytest.mark.parametrize("raw", ["1e400", "Infinity", "5.2e1"])
def test_coordinates_reject_exponents_and_huge_numbers(
    tmp_path: Path, raw: str
) -> None:
    path = spoil(tmp_path, "postcode_districts_sample.csv", ",52.59662,", f",{raw},")
    message = rejected("postcode-districts", path)
    assert "row 2" in message


@pytest.mark.parametrize("raw", ["\u00b2", "99999", "-4"])
def test_prescribing_setting_is_a_small_number(tmp_path: Path, raw: str) -> None:
    path = spoil(tmp_path, "epraccur_sample.csv", '"4",""', f'"{raw}",""')
    message = rejected("epraccur", path, EPRACCUR_DAY)
    assert "row 1" in message and "Prescribing Setting" in message


# 2. Two imports at once ------------------------------------------------------------


class HeldImport(threading.Thread):
    """An import that stops inside its transaction until released."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.inside = threading.Event()
        self.release = threading.Event()
        self.result: object = None

    def progress(self, items, _label, _total):  # type: ignore[no-untyped-def]
        self.inside.set()
        self.release.wait(timeout=60)
        return items

    def run(self) -> None:
        try:
            self.result = run_import(
                "qof-mapping",
                self.path,
                actor=ACTOR,
                as_at=QOF_DAY,
                progress=self.progress,
            )
        except Exception as exc:  # noqa: BLE001 - the error is the result
            self.result = exc
        finally:
            connection.close()


def second_import(path: Path) -> object:
    """Run an import in its own thread and connection; return its outcome."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = load("qof-mapping", path, QOF_DAY)
        except Exception as exc:  # noqa: BLE001 - the error is the result
            outcome["result"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return outcome.get("result", "still waiting")


@pytest.mark.django_db(transaction=True)
def test_a_second_import_while_one_runs_is_refused_clearly(tmp_path: Path) -> None:
    first = HeldImport(FIXTURES / "qof_sample.csv")
    other = spoil(tmp_path, "qof_sample.csv", "Hilltop Surgery", "Hilltop Surg")
    first.start()
    try:
        assert first.inside.wait(timeout=60)
        result = second_import(other)
    finally:
        first.release.set()
        first.join(timeout=60)
    assert isinstance(first.result, ImportRun), first.result
    assert isinstance(result, ImportRejected), result
    message = result.summary()
    assert "qof_sample.csv" in message
    assert "another import is running" in message
    assert "try again when it has finished" in message
    if connection.vendor == "postgresql":
        # PostgreSQL knows who holds the lock, and can record the attempt.
        assert "started" in message and "test-suite" in message
        failed = ImportRun.objects.get(status=ImportRun.Status.FAILED)
        assert "another import is running" in failed.error
    assert details_name("Z10001", QOF_DAY) == "Hilltop Surgery"
    assert ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).count() == 1


# 3. NUL bytes anywhere --------------------------------------------------------------


def test_nul_byte_late_in_a_csv_is_rejected_with_row_and_column(
    tmp_path: Path,
) -> None:
    lines = fixture_text("qof_sample.csv").splitlines()
    padding = [lines[1].replace("Z10001", f"Z2{i:04d}") for i in range(60)]
    lines[3] = lines[3].replace("Lonely Surgery", "Lonely\x00Surgery")
    text = "\n".join([lines[0], *padding, *lines[1:]]) + "\n"
    assert text.index("\x00") > 4096
    path = copy_fixture("qof_sample.csv", tmp_path, text)
    message = rejected("qof-mapping", path, QOF_DAY)
    assert "row 64" in message and "'PRACTICE_NAME'" in message
    assert "NUL" in message


# 4. Formula-like cells are text ------------------------------------------------------


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x","y")', "+44 SURGERY", "-SURGERY", "@SUM(A1)"]
)
def test_formula_like_names_are_stored_as_text(tmp_path: Path, name: str) -> None:
    text = fixture_text("qof_sample.csv").replace(
        "Hilltop Surgery", '"' + name.replace('"', '""') + '"'
    )
    load("qof-mapping", copy_fixture("qof_sample.csv", tmp_path, text), QOF_DAY)
    assert details_name("Z10001", QOF_DAY) == name


def test_formula_like_strings_in_a_workbook_are_text(tmp_path: Path) -> None:
    path = write_epcn(tmp_path / "ePCN.xlsx")
    book = openpyxl.load_workbook(path)
    cell = book["PCNDetails"]["B2"]
    cell.value = "=1+1"
    cell.data_type = "s"  # a string that looks like a formula, as a user typed it
    book.save(path)
    load("epcn", path, EPCN_DAY)
    assert details_name("U99001", EPCN_DAY) == "=1+1"


# 5. Stray quotes --------------------------------------------------------------------


def test_a_quote_inside_an_unquoted_cell_is_kept(tmp_path: Path) -> None:
    path = spoil(tmp_path, "qof_sample.csv", "Hilltop Surgery", 'THE "OLD" SURGERY')
    load("qof-mapping", path, QOF_DAY)
    assert details_name("Z10001", QOF_DAY) == 'THE "OLD" SURGERY'


def test_an_undoubled_quote_inside_a_quoted_cell_is_rejected(tmp_path: Path) -> None:
    path = spoil(
        tmp_path, "qof_sample.csv", "Valley Medical Practice", '"THE "OLD" SURGERY"'
    )
    message = rejected("qof-mapping", path, QOF_DAY)
    assert "row 3" in message and "'PRACTICE_NAME'" in message
    assert "quote" in message


def test_an_unclosed_quote_is_rejected_naming_where_it_opened(tmp_path: Path) -> None:
    path = spoil(tmp_path, "qof_sample.csv", "Valley Medical Practice", '"Valley')
    message = rejected("qof-mapping", path, QOF_DAY)
    assert "row 3" in message and "'PRACTICE_NAME'" in message
    assert "never closed" in message


def test_a_quote_that_swallows_lines_never_merges_rows(tmp_path: Path) -> None:
    text = fixture_text("qof_sample.csv")
    text = text.replace("Valley Medical Practice", '"Valley').replace(
        "Lonely Surgery", 'Lonely"'
    )
    path = copy_fixture("qof_sample.csv", tmp_path, text)
    message = rejected("qof-mapping", path, QOF_DAY)
    assert "row 3" in message and "'PRACTICE_NAME'" in message
    assert "line break" in message and "line 3" in message


# 6. Unknown practices in list files ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "old"),
    [
        ("registrations", "registrations_sample.csv", "Z10004"),
        ("weighted-lists", "weighted_sample.csv", "Z10002"),
    ],
)
def test_list_sizes_for_unknown_practices_are_skipped(
    tmp_path: Path, kind: str, name: str, old: str
) -> None:
    load("qof-mapping", FIXTURES / "qof_sample.csv", QOF_DAY)
    path = spoil(tmp_path, name, old, "Z99999")
    run = load(kind, path)
    assert not Organisation.objects.filter(code="Z99999").exists()
    assert not ListSize.objects.filter(practice_id="Z99999").exists()
    assert run.counts["skipped"] == {
        "practice not in the register (import epraccur, ePCN or a mapping first)": 1
    }


def test_payments_for_unknown_practices_are_skipped(tmp_path: Path) -> None:
    load("qof-mapping", FIXTURES / "qof_sample.csv", QOF_DAY)
    path = tmp_path / "payments.csv"
    path.write_text(
        "Practice Code,Number of Weighted Patients (Last Known Figure)\n"
        "Z10001,12000.5\nZ99999,100\n"
    )
    run = load("payments", path, date(2020, 10, 1))
    assert not Organisation.objects.filter(code="Z99999").exists()
    assert run.counts["totals"]["skipped"] == 1


# 7. Names: control characters, line breaks, length -----------------------------------


def test_a_name_of_100k_characters_is_rejected(tmp_path: Path) -> None:
    path = spoil(tmp_path, "qof_sample.csv", "Lonely Surgery", "X" * 100_000)
    message = rejected("qof-mapping", path, QOF_DAY)
    assert "row 4" in message and "'PRACTICE_NAME'" in message
    assert "at most 200" in message
    assert "X" * 1000 not in message


def test_a_control_character_in_a_name_is_rejected(tmp_path: Path) -> None:
    path = spoil(tmp_path, "qof_sample.csv", "Lonely Surgery", "Lonely\x07Surgery")
    message = rejected("qof-mapping", path, QOF_DAY)
    assert "row 4" in message and "'PRACTICE_NAME'" in message
    assert "U+0007" in message


def test_a_line_break_in_a_csv_name_is_rejected(tmp_path: Path) -> None:
    path = spoil(tmp_path, "qof_sample.csv", "Lonely Surgery", '"Lonely\nSurgery"')
    message = rejected("qof-mapping", path, QOF_DAY)
    assert "row 4" in message and "'PRACTICE_NAME'" in message
    assert "line break" in message


def test_tabs_and_doubled_spaces_in_workbook_names_fold_to_a_space(
    tmp_path: Path,
) -> None:
    networks = [("U99001", "HILLTOP  PCN\t EAST", *EPCN_NETWORKS[0][2:])]
    networks.append(EPCN_NETWORKS[1])
    load("epcn", write_epcn(tmp_path / "ePCN.xlsx", networks=networks), EPCN_DAY)
    assert details_name("U99001", EPCN_DAY) == "HILLTOP PCN EAST"


def test_a_long_postcode_in_a_workbook_is_rejected(tmp_path: Path) -> None:
    networks = [(*EPCN_NETWORKS[0][:11], "ZZ1 1AA ZZ1 1AA"), EPCN_NETWORKS[1]]
    path = write_epcn(tmp_path / "ePCN.xlsx", networks=networks)
    message = rejected("epcn", path, EPCN_DAY)
    assert "row 2" in message and "postcode" in message and "at most 10" in message


# 8. Workbook bombs and oversized files ------------------------------------------------


def test_a_highly_compressed_workbook_is_rejected_before_loading(
    tmp_path: Path,
) -> None:
    path = write_epcn(tmp_path / "ePCN.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/padding.bin", b"\0" * (8 << 20))
    message = rejected("epcn", path, EPCN_DAY)
    assert "compress" in message and "xl/media/padding.bin" in message


def _claim_size(path: Path, member: str, size: int) -> None:
    """Declare a member's uncompressed size in the central directory, as a
    crafted zip would."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.index(b"PK\x01\x02", at + 4)
    data[at + 24 : at + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def test_a_workbook_claiming_a_huge_size_is_rejected(tmp_path: Path) -> None:
    path = write_epcn(tmp_path / "ePCN.xlsx")
    _claim_size(path, "xl/worksheets/sheet2.xml", 3_000_000_000)
    message = rejected("epcn", path, EPCN_DAY)
    assert "uncompressed" in message and "MB" in message


def test_a_sheet_past_the_row_limit_is_rejected(tmp_path: Path) -> None:
    path = write_epcn(tmp_path / "ePCN.xlsx")
    book = openpyxl.load_workbook(path)
    book["PCN Core Partner Details"].cell(
        row=reading.MAX_SHEET_ROWS + 1, column=1
    ).value = "Z10009"
    book.save(path)
    message = rejected("epcn", path, EPCN_DAY)
    assert "PCN Core Partner Details" in message
    assert f"{reading.MAX_SHEET_ROWS:,} rows" in message


def test_an_oversized_csv_is_rejected_before_reading(tmp_path: Path) -> None:
    path = copy_fixture("registrations_sample.csv", tmp_path)
    with path.open("r+b") as handle:
        handle.truncate(reading.MAX_CSV_BYTES + 1)
    message = rejected("registrations", path)
    assert "MB" in message and "larger" in message


def test_a_csv_past_the_row_limit_is_rejected(tmp_path: Path) -> None:
    header, first = fixture_text("registrations_sample.csv").splitlines()[:2]
    extra = first.replace("ALL,ALL", "MALE,0_4")
    text = "\n".join([header, *[extra] * reading.MAX_CSV_ROWS]) + "\n"
    path = copy_fixture("registrations_sample.csv", tmp_path, text)
    message = rejected("registrations", path)
    assert f"{reading.MAX_CSV_ROWS:,} rows" in message


# 9. Dates outside the era -----------------------------------------------------------


@pytest.mark.parametrize("raw", ["00010101", "19480630", "21000101", "99991231"])
def test_practice_dates_are_within_the_nhs_era(tmp_path: Path, raw: str) -> None:
    path = spoil(tmp_path, "epraccur_sample.csv", '"19740401"', f'"{raw}"')
    message = rejected("epraccur", path, EPRACCUR_DAY)
    assert "row 1" in message and "Open Date" in message and "1948-07-01" in message


def test_a_far_future_left_date_is_rejected_not_a_crash(tmp_path: Path) -> None:
    path = spoil(
        tmp_path, "epraccur_sample.csv", '"20200331","01632', '"99991231","01632'
    )
    message = rejected("epraccur", path, EPRACCUR_DAY)
    assert "row 3" in message and "Left Provider/Purchaser Date" in message


def test_network_dates_start_in_2019(tmp_path: Path) -> None:
    members = [EPCN_MEMBERS[0][:8] + ("20180101", None, True), *EPCN_MEMBERS[1:]]
    path = write_epcn(tmp_path / "ePCN.xlsx", members=members)
    message = rejected("epcn", path, EPCN_DAY)
    assert "row 2" in message and "start date" in message.lower()
    assert "2019-01-01" in message


def test_weighted_list_dates_are_within_the_era(tmp_path: Path) -> None:
    path = spoil(tmp_path, "weighted_sample.csv", "2021-01-01", "0001-01-01")
    message = rejected("weighted-lists", path)
    assert "row 2" in message and "'effective_date'" in message


def test_registration_extract_dates_are_within_the_era(tmp_path: Path) -> None:
    text = fixture_text("registrations_sample.csv").replace("01JAN2021", "01JAN1900")
    path = copy_fixture("registrations_sample.csv", tmp_path, text)
    message = rejected("registrations", path)
    assert "row 2" in message and "'EXTRACT_DATE'" in message


def test_as_at_is_within_the_era(tmp_path: Path) -> None:
    path = copy_fixture("qof_sample.csv", tmp_path)
    message = rejected("qof-mapping", path, date(1, 1, 1))
    assert "--as-at" in message and "1948-07-01" in message


# 9. Headings: a known heading given twice, headings with no rows ---------------------


def _double_first_column(text: str) -> str:
    """Each line with its first cell given again as a last column."""
    return "".join(
        f"{line},{line.split(',')[0]}\n" for line in text.splitlines() if line
    )


@pytest.mark.parametrize(
    ("kind", "name", "heading", "as_at"),
    [
        ("qof-mapping", "qof_sample.csv", "NAT_ONS_CODE", QOF_DAY),
        ("registrations", "registrations_sample.csv", "PUBLICATION", None),
        ("weighted-lists", "weighted_sample.csv", "practice_code", None),
        ("postcode-districts", "postcode_districts_sample.csv", "postcode", None),
    ],
)
def test_a_known_heading_given_twice_is_rejected(
    tmp_path: Path, kind: str, name: str, heading: str, as_at: date | None
) -> None:
    # NAT_ONS_CODE and PUBLICATION are not read: a doubled unknown column is fine.
    path = copy_fixture(name, tmp_path, _double_first_column(fixture_text(name)))
    if heading in ("NAT_ONS_CODE", "PUBLICATION"):
        load("qof-mapping", FIXTURES / "qof_sample.csv", QOF_DAY)
        assert load(kind, path, as_at).status == ImportRun.Status.SUCCEEDED
        return
    message = rejected(kind, path, as_at)
    assert "row 1" in message and f"column {heading!r}" in message
    assert "given twice" in message


def test_a_known_workbook_heading_given_twice_is_rejected(tmp_path: Path) -> None:
    path = write_epcn(tmp_path / "ePCN.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["PCNDetails"]
    sheet.cell(row=1, column=13).value = "PCN\nName"
    sheet.cell(row=2, column=13).value = "SOMEWHERE ELSE PCN"
    book.save(path)
    message = rejected("epcn", path, EPCN_DAY)
    assert "row 1" in message and "PCN Name" in message and "given twice" in message


def test_payments_with_headings_but_no_rows_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text("Practice Code,Number of Weighted Patients (Last Known Figure)\n")
    assert "headings but no rows" in rejected("payments", path, date(2020, 10, 1))


def test_weighted_lists_with_headings_but_no_rows_are_rejected(tmp_path: Path) -> None:
    path = copy_fixture(
        "weighted_sample.csv",
        tmp_path,
        "practice_code,effective_date,weighted_patients\n",
    )
    assert "headings but no rows" in rejected("weighted-lists", path)


# 10. Workbook sheets whose data cannot be read ----------------------------------------


def _garble(path: Path, member: str) -> None:
    """Flip bytes in the middle of one part's compressed data."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    for i in range(middle, middle + 8):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_sheet_with_garbled_data_is_rejected_naming_the_sheet(
    tmp_path: Path,
) -> None:
    path = write_epcn(tmp_path / "ePCN.xlsx")
    _garble(path, "xl/worksheets/sheet2.xml")
    message = rejected("epcn", path, EPCN_DAY)
    assert "PCN Core Partner Details" in message and "cannot be read" in message


# 11. Line breaks in workbook names: no real file has one ------------------------------


def test_a_line_break_in_a_workbook_name_is_rejected(tmp_path: Path) -> None:
    networks = [("U99001", "HILLTOP\nPCN", *EPCN_NETWORKS[0][2:]), EPCN_NETWORKS[1]]
    path = write_epcn(tmp_path / "ePCN.xlsx", networks=networks)
    message = rejected("epcn", path, EPCN_DAY)
    assert "row 2" in message and "PCNDetails: pcn name" in message
    assert "line break" in message
