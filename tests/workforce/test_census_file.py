"""Reading a census file: the groups, and every problem named by row and field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pcnhub.register.importers.errors import ImportRejected, Problems
from pcnhub.workforce.census_file import HEADER, TRIMMED, WINDOWS_1252, read_census
from tests.workforce.conftest import GOOD

PHARMACIST = (
    "U88001",
    "OTHER PCN",
    "88X",
    "Other Direct Patient Care staff",
    "Pharmacists",
    "Pharmacist",
)


def read(path: Path) -> tuple[object, Problems]:
    problems = Problems(path.name)
    return read_census(path, problems), problems


def rejected(path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        read(path)
    return [str(p) for p in caught.value.problems]


def test_the_good_file_is_counted_by_network_and_role() -> None:
    census, problems = read(GOOD)
    assert census.census_date == date(2021, 3, 31)
    assert census.records == 6
    assert len(census.groups) == 4
    pharmacists = census.groups[PHARMACIST]
    # 102 has two records in one role: one person, both records' FTE.
    assert pharmacists.staff == {"101", "102"}
    assert pharmacists.fte == Decimal("1.766666667")
    assert not problems.items


def test_trailing_spaces_in_names_are_removed_and_reported() -> None:
    _, problems = read(GOOD)
    assert problems.tolerated == {TRIMMED: ["row 2", "row 3", "row 4", "row 5"]}


def test_windows_1252_text_is_read_and_reported(census_file: Callable) -> None:
    path = census_file(
        change={5: {"DETAILED_STAFF_ROLE": "Clinical Director \u2013 Medical"}},
        encoding="cp1252",
    )
    census, problems = read(path)
    assert problems.tolerated[WINDOWS_1252] == ["row 5"]
    roles = {key[5] for key in census.groups}
    assert "Clinical Director \u2013 Medical" in roles


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {3: {"FTE": "half"}},
            "census.csv, row 3, column 'FTE': 'half' is not a number",
        ),
        ({3: {"FTE": ""}}, "census.csv, row 3, column 'FTE': missing"),
        ({3: {"FTE": "-1"}}, "census.csv, row 3, column 'FTE': '-1' is not a number"),
        (
            {3: {"FTE": "0.1234567891"}},
            "census.csv, row 3, column 'FTE': 0.1234567891 has more than 9 decimal",
        ),
        (
            {3: {"FTE": "250"}},
            "census.csv, row 3, column 'FTE': 250 is more than 100 FTE",
        ),
        ({4: {"PCN_CODE": ""}}, "census.csv, row 4, column 'PCN_CODE': missing code"),
        (
            {4: {"PCN_CODE": "X1"}},
            "census.csv, row 4, column 'PCN_CODE': 'X1' is not a network code",
        ),
        (
            {4: {"SUB_ICB_CODE": ""}},
            "census.csv, row 4, column 'SUB_ICB_CODE': missing code",
        ),
        (
            {6: {"CENSUS_MONTH": "4"}},
            "census.csv, row 6, column 'CENSUS_MONTH': census 2021-04 here but "
            "2021-03 on row 2: one file is one census month",
        ),
        (
            {6: {"CENSUS_YEAR": "2022"}},
            "census.csv, row 6, column 'CENSUS_YEAR': census 2022-03 here but "
            "2021-03 on row 2",
        ),
        (
            {2: {"CENSUS_MONTH": "13"}},
            "census.csv, row 2, column 'CENSUS_MONTH': 13 is not a month",
        ),
        (
            {7: {"UNIQUE_IDENTIFIER": ""}},
            "census.csv, row 7, column 'UNIQUE_IDENTIFIER': missing",
        ),
        (
            {3: {"PCN_NAME": "ANOTHER NAME"}},
            "census.csv, row 3, column 'PCN_CODE': 'U88001' is 'ANOTHER NAME' / "
            "'88X' here but 'OTHER PCN' / '88X' on row 2",
        ),
        (
            {7: {"STAFF_ROLE": "Chemists"}},
            "census.csv, row 7, column 'DETAILED_STAFF_ROLE': 'Pharmacist' is "
            "'Other Direct Patient Care staff' / 'Chemists' here",
        ),
    ],
    ids=[
        "fte-text",
        "fte-missing",
        "fte-negative",
        "fte-places",
        "fte-large",
        "pcn-missing",
        "pcn-bad",
        "sub-icb-missing",
        "mixed-month",
        "mixed-year",
        "month-13",
        "identifier-missing",
        "network-renamed",
        "role-regrouped",
    ],
)
def test_each_error_names_file_row_and_field(
    census_file: Callable, change: dict, expected: str
) -> None:
    problems = rejected(census_file(change=change))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_reported_at_once(census_file: Callable) -> None:
    problems = rejected(census_file(change={3: {"FTE": "x"}, 5: {"PCN_CODE": ""}}))
    assert len(problems) == 2


def test_an_unknown_header_names_the_expected_one(census_file: Callable) -> None:
    header = ",".join(HEADER).replace("FTE", "WTE")
    (problem,) = rejected(census_file(header=header))
    assert problem.startswith(
        "census.csv, row 1: not the PCN workforce census layout: missing FTE; "
        "the expected header is Data_source,CENSUS_YEAR,CENSUS_MONTH,PCN_CODE,"
    )
    assert problem.endswith(",DETAILED_STAFF_ROLE,FTE,UNIQUE_IDENTIFIER")


def test_a_header_in_another_case_or_order_is_read(census_file: Callable) -> None:
    header = ",".join(HEADER).lower()
    census, _ = read(census_file(header=header))
    assert census.records == 6


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (",".join(HEADER).encode() + b"\r\n", "the file has a header but no staff"),
        (b"PK\x03\x04rest", "this is an Excel workbook, not a CSV file"),
        (b"\x81\x8d\x00", "this is a binary file"),
    ],
    ids=["empty", "header-only", "workbook", "binary"],
)
def test_files_that_are_not_a_census(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "census.csv"
    path.write_bytes(content)
    (problem,) = rejected(path)
    assert expected in problem


def test_a_row_of_the_wrong_width_is_named(tmp_path: Path) -> None:
    lines = GOOD.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("OTHER PCN", "OTHER, PCN")
    path = tmp_path / "census.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = rejected(path)
    assert problem.startswith("census.csv, row 3: 17 cells, but the header has 16")
