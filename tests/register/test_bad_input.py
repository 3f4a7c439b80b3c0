"""Each kind of bad input is rejected with file, row and column, writing nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.models import ImportRun
from tests.register.samples import (
    EPCN_MEMBERS,
    EPCN_PARTNER_HEADER,
    FIXTURES,
    copy_fixture,
    load,
    register_state,
    write_epcn,
)

pytestmark = pytest.mark.django_db


def rejected(kind: str, path: Path, as_at: date | None = None) -> str:
    """Import into a register that already holds data; nothing may change."""
    load("qof-mapping", FIXTURES / "qof_sample.csv", date(2021, 1, 1))
    before = register_state()
    with pytest.raises(ImportRejected) as caught:
        load(kind, path, as_at)
    assert register_state() == before
    failed = ImportRun.objects.get(status=ImportRun.Status.FAILED)
    assert failed.file_name == path.name and failed.error
    message = caught.value.summary()
    assert path.name in message
    return message


def qof_text() -> str:
    return (FIXTURES / "qof_sample.csv").read_text()


def test_empty_file(tmp_path: Path) -> None:
    path = copy_fixture("registrations_sample.csv", tmp_path, "")
    assert "the file is empty" in rejected("registrations", path)


def test_wrong_file_type_excel_given_as_csv(tmp_path: Path) -> None:
    path = write_epcn(tmp_path / "registrations.csv")
    assert "wrong file type" in rejected("registrations", path)


def test_wrong_file_type_csv_given_as_workbook(tmp_path: Path) -> None:
    path = copy_fixture("qof_sample.csv", tmp_path)
    assert "wrong file type" in rejected("epcn", path, date(2022, 5, 1))


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "qof.csv"
    path.write_bytes(
        qof_text().replace("Hilltop Surgery", "Hilltop Surg\xe9ry").encode("latin-1")
    )
    message = rejected("qof-mapping", path, date(2021, 1, 1))
    assert "undecodable text" in message and "row 2" in message


def test_unknown_layout(tmp_path: Path) -> None:
    path = copy_fixture("qof_sample.csv", tmp_path, "a,b,c\n1,2,3\n")
    assert "unknown layout" in rejected("qof-mapping", path, date(2021, 1, 1))


def test_unknown_layout_epraccur_with_wrong_column_count(tmp_path: Path) -> None:
    path = copy_fixture("epraccur_sample.csv", tmp_path, '"Z10001","A","B"\n')
    message = rejected("epraccur", path, date(2019, 12, 1))
    assert "row 1" in message and "27 columns" in message


def test_missing_columns(tmp_path: Path) -> None:
    text = qof_text().replace("PCN_ODS_CODE", "PCN_SOMETHING")
    path = copy_fixture("qof_sample.csv", tmp_path, text)
    message = rejected("qof-mapping", path, date(2021, 1, 1))
    assert "missing columns" in message and "pcn_ods_code" in message


def test_malformed_ods_code(tmp_path: Path) -> None:
    path = copy_fixture(
        "qof_sample.csv", tmp_path, qof_text().replace("Z10002", "Z1-002")
    )
    message = rejected("qof-mapping", path, date(2021, 1, 1))
    assert "row 3" in message and "PRACTICE_CODE" in message
    assert "malformed practice ODS code 'Z1-002'" in message


def test_malformed_network_code_in_workbook(tmp_path: Path) -> None:
    members = [EPCN_MEMBERS[0][:4] + ("P99001",) + EPCN_MEMBERS[0][5:]]
    path = write_epcn(tmp_path / "ePCN.xlsx", members=members)
    message = rejected("epcn", path, date(2022, 5, 1))
    assert "row 2" in message and "pcn code" in message.lower()


def test_impossible_dates_end_before_start(tmp_path: Path) -> None:
    members = [EPCN_MEMBERS[0][:8] + ("20210101", "20201231", True)]
    path = write_epcn(tmp_path / "ePCN.xlsx", members=members)
    message = rejected("epcn", path, date(2022, 5, 1))
    assert "row 2" in message and "end date" in message.lower()
    assert "impossible dates" in message


def test_impossible_calendar_date(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "epraccur_sample.csv").read_text().replace("19800101", "19801332")
    )
    path = copy_fixture("epraccur_sample.csv", tmp_path, text)
    message = rejected("epraccur", path, date(2019, 12, 1))
    assert (
        "row 2" in message and "Open Date" in message and "impossible date" in message
    )


def test_practice_in_two_networks_on_the_same_day(tmp_path: Path) -> None:
    overlapping = list(EPCN_MEMBERS)
    overlapping[1] = overlapping[1][:9] + (
        "20210430",
        True,
    )  # ends after the next starts
    path = write_epcn(tmp_path / "ePCN.xlsx", members=overlapping)
    message = rejected("epcn", path, date(2022, 5, 1))
    assert "two PCNs" in message and "row 4" in message and "row 3" in message


def test_duplicate_rows_that_disagree(tmp_path: Path) -> None:
    lines = qof_text().splitlines()
    lines.append(lines[1].replace("U99001,Hilltop PCN", "U99002,Other PCN"))
    path = copy_fixture("qof_sample.csv", tmp_path, "\n".join(lines) + "\n")
    message = rejected("qof-mapping", path, date(2021, 1, 1))
    assert "row 5" in message and "disagrees with row 2" in message


def test_identical_duplicate_rows_are_accepted(tmp_path: Path) -> None:
    lines = qof_text().splitlines()
    path = copy_fixture(
        "qof_sample.csv", tmp_path, "\n".join([*lines, lines[1]]) + "\n"
    )
    assert load("qof-mapping", path, date(2021, 1, 1)).status == "succeeded"


def test_snapshot_without_a_date_needs_as_at(tmp_path: Path) -> None:
    path = copy_fixture("qof_sample.csv", tmp_path)
    assert "--as-at" in rejected("qof-mapping", path, None)


def test_negative_list_size(tmp_path: Path) -> None:
    text = (FIXTURES / "registrations_sample.csv").read_text().replace("9500", "-5")
    path = copy_fixture("registrations_sample.csv", tmp_path, text)
    message = rejected("registrations", path)
    assert "row 3" in message and "NUMBER_OF_PATIENTS" in message


def test_relationship_with_unlisted_network(tmp_path: Path) -> None:
    path = write_epcn(tmp_path / "ePCN.xlsx", networks=[])
    assert "not listed in sheet PCNDetails" in rejected("epcn", path, date(2022, 5, 1))


def test_workbook_with_unknown_headings(tmp_path: Path) -> None:
    header = ("Practice",) + EPCN_PARTNER_HEADER[1:]
    path = write_epcn(tmp_path / "ePCN.xlsx", partner_header=header)
    assert "missing columns" in rejected("epcn", path, date(2022, 5, 1))
