"""A network's staff list from CSV or Excel: all rows or none, errors naming the
file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from pcnhub.audit.services import Actor
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.workforce.models import StaffPost
from pcnhub.workforce.staff import current_versions
from pcnhub.workforce.staff_list import import_staff_list
from tests.web.conftest import demo_data  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="tests")
HEADING = "Name,Role,WTE,Salary,Employer,Start,End,Funding,Person key"
ROWS = [
    "Asha Patel,social_prescribing_link_worker,1,28000,member_practice,"
    "2023-04-01,,arrs,",
    "Tom Reid,clinical_pharmacist,0.6,30000,lead_provider,2023-06-12,2024-03-31,arrs,",
]


def write(tmp_path: Path, *rows: str, heading: str = HEADING) -> Path:
    path = tmp_path / "staff.csv"
    path.write_text("\r\n".join([heading, *rows]) + "\r\n", encoding="utf-8")
    return path


def test_every_row_becomes_a_post(demo_data: None, tmp_path: Path) -> None:  # noqa: F811
    versions = import_staff_list(ACTOR, "U99001", write(tmp_path, *ROWS))
    assert [v.name for v in versions] == ["Asha Patel", "Tom Reid"]
    current = list(current_versions(["U99001"]))
    assert {str(v.wte) for v in current} == {"1.0000", "0.6000"}
    assert versions[1].end is not None and versions[1].end.isoformat() == "2024-03-31"


def test_one_bad_row_writes_nothing(demo_data: None, tmp_path: Path) -> None:  # noqa: F811
    bad = ROWS[1].replace("0.6", "six tenths").replace("clinical_pharmacist", "chef")
    with pytest.raises(ImportRejected) as caught:
        import_staff_list(ACTOR, "U99001", write(tmp_path, ROWS[0], bad))
    text = caught.value.summary()
    assert "staff.csv, row 3, column 'wte': 'six tenths' is not a number" in text
    assert "staff.csv, row 3, column 'role'" in text
    assert not StaffPost.objects.exists()


def test_a_missing_column_is_named(demo_data: None, tmp_path: Path) -> None:  # noqa: F811
    heading = HEADING.replace("Salary,", "")
    row = ROWS[0].replace(",28000", "")
    with pytest.raises(ImportRejected) as caught:
        import_staff_list(ACTOR, "U99001", write(tmp_path, row, heading=heading))
    assert "row 1: the heading lacks column(s) salary" in caught.value.summary()


def test_a_person_key_joins_two_posts(demo_data: None, tmp_path: Path) -> None:  # noqa: F811
    [first] = import_staff_list(ACTOR, "U99001", write(tmp_path, ROWS[0]))
    key = first.post.person_key
    again = ROWS[1].rstrip(",") + "," + key
    [second] = import_staff_list(ACTOR, "U99002", write(tmp_path, again))
    assert second.post.person_key == key


def test_an_excel_staff_list(demo_data: None, tmp_path: Path) -> None:  # noqa: F811
    book = Workbook()
    sheet = book.active
    sheet.append(HEADING.split(","))
    sheet.append(ROWS[0].split(","))
    path = tmp_path / "staff.xlsx"
    book.save(path)
    [version] = import_staff_list(ACTOR, "U99001", path)
    assert version.role == "social_prescribing_link_worker"
