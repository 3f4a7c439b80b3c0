"""The synthetic demo area: deterministic, consistent, and in the real layouts."""

from __future__ import annotations

import csv
import re
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from pcnhub.register import demo
from pcnhub.register.demo import DemoFile, write_demo_files

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FIRST, SECOND = demo.REGISTRATION_DATES
PRACTICE_CODE = re.compile(r"Z9\d{4}")
QUOTED_FIELD = r'"[^"]*"'
EPRACCUR_LINE = re.compile(rf"{QUOTED_FIELD}(,{QUOTED_FIELD}){{26}}")


def shared(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(
            f"real NHS sample file {path} not found (../shared/data is absent):"
            " cannot compare the demo files with the real layout"
        )
    return path


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[DemoFile]:
    return write_demo_files(tmp_path_factory.mktemp("demo"))


def by_name(files: list[DemoFile], name: str) -> Path:
    (path,) = [f.path for f in files if f.path.name == name]
    return path


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def read_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def registered(files: list[DemoFile], on: date) -> dict[str, int]:
    rows = read_dicts(by_name(files, f"gp-reg-pat-prac-all-{on:%Y-%m}.csv"))
    return {row["CODE"]: int(row["NUMBER_OF_PATIENTS"]) for row in rows}


def epcn_memberships(files: list[DemoFile], on: date) -> dict[str, str]:
    """Practice -> network on the day, from the ePCN workbook."""
    rows = sheet_rows(by_name(files, "ePCN-2022-05.xlsx"), demo.EPCN_CORE_PARTNER_SHEET)
    held: dict[str, str] = {}
    for row in rows[1:]:
        practice, pcn, start, end = row[0], row[4], row[8], row[9]
        assert isinstance(practice, str) and isinstance(pcn, str)
        assert isinstance(start, str)
        if start <= f"{on:%Y%m%d}" and (end is None or f"{on:%Y%m%d}" <= str(end)):
            assert practice not in held, f"{practice} in two networks on {on}"
            held[practice] = pcn
    return held


def qof_memberships(files: list[DemoFile]) -> dict[str, str]:
    rows = read_dicts(by_name(files, "MAPPING_NHS_GEOGRAPHIES_2021.csv"))
    return {row["PRACTICE_CODE"]: row["PCN_ODS_CODE"] for row in rows}


def populations(sizes: dict[str, int], members: dict[str, str]) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for practice, size in sizes.items():
        if practice in members:
            totals[members[practice]] += size
    return dict(totals)


# ---------------------------------------------------------------------------------
# The file set
# ---------------------------------------------------------------------------------


def test_files_are_returned_in_import_order(demo_files: list[DemoFile]) -> None:
    assert [(f.kind, f.path.name, f.as_at) for f in demo_files] == [
        ("epraccur", "epraccur-2020-12.csv", date(2020, 12, 1)),
        ("qof-mapping", "MAPPING_NHS_GEOGRAPHIES_2021.csv", date(2021, 1, 1)),
        ("registrations", "gp-reg-pat-prac-all-2021-01.csv", None),
        ("weighted-lists", "weighted-lists-2021-01.csv", None),
        ("epraccur", "epraccur-2022-04.csv", date(2022, 4, 1)),
        ("registrations", "gp-reg-pat-prac-all-2022-01.csv", None),
        ("weighted-lists", "weighted-lists-2022-01.csv", None),
        ("epcn", "ePCN-2022-05.xlsx", date(2022, 5, 1)),
        ("postcode-districts", "postcode-district-centroids.csv", None),
    ]
    assert all(f.path.is_file() and f.description for f in demo_files)


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = write_demo_files(tmp_path / "a", seed=7)
    second = write_demo_files(tmp_path / "b", seed=7)
    for one, other in zip(first, second, strict=True):
        assert one.path.read_bytes() == other.path.read_bytes(), one.path.name


def test_different_seed_gives_different_numbers(tmp_path: Path) -> None:
    first = write_demo_files(tmp_path / "a", seed=1)
    second = write_demo_files(tmp_path / "b", seed=2)
    differ = {
        one.kind
        for one, other in zip(first, second, strict=True)
        if one.path.read_bytes() != other.path.read_bytes()
    }
    assert differ == {"registrations", "weighted-lists"}


# ---------------------------------------------------------------------------------
# epraccur
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ending"),
    [("epraccur-2020-12.csv", b"\r\n"), ("epraccur-2022-04.csv", b"\n")],
)
def test_epraccur_has_no_header_and_27_quoted_fields(
    demo_files: list[DemoFile], name: str, ending: bytes
) -> None:
    raw = by_name(demo_files, name).read_bytes()
    lines = raw.split(ending)
    assert lines[-1] == b""
    assert all(not line.endswith(b"\r") for line in lines)
    assert all(EPRACCUR_LINE.fullmatch(line.decode()) for line in lines[:-1])
    rows = read_csv(by_name(demo_files, name))
    assert {len(row) for row in rows} == {27}
    assert all(PRACTICE_CODE.fullmatch(row[0]) for row in rows)  # no header row
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    assert len(rows) == 61
    for row in rows:
        assert row[2] == demo.DEMO_REGION_CODE and row[3] == demo.DEMO_SYSTEM_CODE
        assert row[13] == "B" and row[25] == "4" and row[21] == "0"
        assert row[14] == row[23]
        assert row[8] == row[18] == row[19] == row[20] == row[22] == row[24] == ""
        assert row[12] in {"A", "C"} and (row[12] == "C") == (row[11] != "")
        assert row[11] == row[16]
        assert row[9].split()[0] in demo.DEMO_OUTCODES


def test_epraccur_shows_the_commissioner_merger(demo_files: list[DemoFile]) -> None:
    merger = demo.MERGED_COMMISSIONERS
    before = {r[0]: r for r in read_csv(by_name(demo_files, "epraccur-2020-12.csv"))}
    after = {r[0]: r for r in read_csv(by_name(demo_files, "epraccur-2022-04.csv"))}
    assert (
        {r[14] for r in before.values()}
        == set(demo.DEMO_COMMISSIONERS)
        == {
            merger.successor,
            *merger.predecessors,
        }
    )
    assert {r[14] for r in after.values()} == {merger.successor}
    assert not any(
        code in row for row in after.values() for code in merger.predecessors
    )
    assert merger.effective == date(2021, 4, 1)
    for code, old in before.items():
        new = after[code]
        assert old[15] == "20130401" or old[15] == old[10]
        if old[14] in merger.predecessors:
            assert (new[14], new[15]) == (merger.successor, "20210401")
        else:
            assert (new[14], new[15]) == (old[14], old[15])


def test_epraccur_closed_practices(demo_files: list[DemoFile]) -> None:
    before = {r[0]: r for r in read_csv(by_name(demo_files, "epraccur-2020-12.csv"))}
    after = {r[0]: r for r in read_csv(by_name(demo_files, "epraccur-2022-04.csv"))}
    assert [c for c, r in before.items() if r[12] == "C"] == [
        demo.LONG_CLOSED_PRACTICE_CODE
    ]
    closed = {c: r[11] for c, r in after.items() if r[12] == "C"}
    assert closed == {
        demo.LONG_CLOSED_PRACTICE_CODE: "20180331",
        demo.CLOSING_PRACTICE_CODE: "20210930",
    }
    assert before[demo.CLOSING_PRACTICE_CODE][12] == "A"


# ---------------------------------------------------------------------------------
# QOF mapping
# ---------------------------------------------------------------------------------


def test_qof_mapping_counts_and_uncovered_practice(demo_files: list[DemoFile]) -> None:
    path = by_name(demo_files, "MAPPING_NHS_GEOGRAPHIES_2021.csv")
    assert b"\r" not in path.read_bytes()
    rows = read_dicts(path)
    assert tuple(rows[0]) == demo.QOF_MAPPING_HEADER
    assert len(rows) == 60
    assert [r["PRACTICE_CODE"] for r in rows] == sorted(
        r["PRACTICE_CODE"] for r in rows
    )
    assert {r["CCG_ODS_CODE"] for r in rows} == set(demo.DEMO_COMMISSIONERS)
    pcns = {r["PCN_ODS_CODE"] for r in rows} - {"U"}
    assert pcns == set(demo.DEMO_PCNS) and len(pcns) == 12
    assert all(re.fullmatch(r"U\d{5}", code) for code in pcns)
    uncovered = [r for r in rows if r["PCN_ODS_CODE"] == "U"]
    assert [(r["PRACTICE_CODE"], r["PCN_NAME"]) for r in uncovered] == [
        (demo.UNCOVERED_PRACTICE_CODE, "Unallocated")
    ]
    assert {r["REGION_ODS_CODE"] for r in rows} == {demo.DEMO_REGION_CODE}
    assert {r["STP_ODS_CODE"] for r in rows} == {demo.DEMO_SYSTEM_CODE}
    # A name with a comma is quoted, as in the real file.
    assert b'"Keston, Fernham & Dale PCN"' in path.read_bytes()


def test_names_agree_across_files(demo_files: list[DemoFile]) -> None:
    qof = read_dicts(by_name(demo_files, "MAPPING_NHS_GEOGRAPHIES_2021.csv"))
    ods = {r[0]: r for r in read_csv(by_name(demo_files, "epraccur-2022-04.csv"))}
    for row in qof:
        assert ods[row["PRACTICE_CODE"]][1] == row["PRACTICE_NAME"].upper()
    workbook = by_name(demo_files, "ePCN-2022-05.xlsx")
    for row in sheet_rows(workbook, demo.EPCN_CORE_PARTNER_SHEET)[1:]:
        assert ods[str(row[0])][1] == row[1]
        assert row[5] == demo.DEMO_PCNS[str(row[4])].upper()
    for day in demo.REGISTRATION_DATES:
        for row in read_dicts(
            by_name(demo_files, f"gp-reg-pat-prac-all-{day:%Y-%m}.csv")
        ):
            assert ods[row["CODE"]][9] == row["POSTCODE"]


# ---------------------------------------------------------------------------------
# List sizes
# ---------------------------------------------------------------------------------


def test_registrations_layout(demo_files: list[DemoFile]) -> None:
    for day, extract in ((FIRST, "01JAN2021"), (SECOND, "01JAN2022")):
        path = by_name(demo_files, f"gp-reg-pat-prac-all-{day:%Y-%m}.csv")
        raw = path.read_bytes()
        assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF, as the real file
        rows = read_csv(path)
        assert tuple(rows[0]) == demo.REGISTRATIONS_HEADER
        body = rows[1:]
        assert {(r[0], r[1], r[2], r[7], r[8]) for r in body} == {
            ("GP_PRAC_PAT_LIST", extract, "GP", "ALL", "ALL")
        }
        assert [(r[3], r[5]) for r in body] == sorted((r[3], r[5]) for r in body)
        assert all(re.fullmatch(r"E38999\d{3}", r[4]) for r in body)
    merger = demo.MERGED_COMMISSIONERS
    before = read_dicts(by_name(demo_files, "gp-reg-pat-prac-all-2021-01.csv"))
    after = read_dicts(by_name(demo_files, "gp-reg-pat-prac-all-2022-01.csv"))
    assert {r["CCG_CODE"] for r in before} == set(demo.DEMO_COMMISSIONERS)
    assert {r["CCG_CODE"] for r in after} == {merger.successor}


def test_practice_lists_look_real(demo_files: list[DemoFile]) -> None:
    first, second = registered(demo_files, FIRST), registered(demo_files, SECOND)
    assert len(first) == 60
    assert set(second) == set(first) - {demo.CLOSING_PRACTICE_CODE}
    sizes = sorted(first.values())
    assert sizes[0] >= 1_500 and sizes[-1] <= 30_000
    assert 7_000 <= statistics.median(sizes) <= 9_500
    assert sizes[-1] >= 18_000 and sizes[0] <= 4_000
    for code, size in second.items():
        if code != demo.ABSORBING_PRACTICE_CODE:
            assert 0.94 <= size / first[code] <= 1.08  # lists drift by a few %
    absorbed = (
        second[demo.ABSORBING_PRACTICE_CODE] - first[demo.ABSORBING_PRACTICE_CODE]
    )
    assert absorbed > 0.5 * first[demo.CLOSING_PRACTICE_CODE]


@pytest.mark.parametrize("seed", [2019, 1, 42, 31337])
def test_network_populations(tmp_path: Path, seed: int) -> None:
    files = write_demo_files(tmp_path, seed=seed)
    qof = {p: n for p, n in qof_memberships(files).items() if n != "U"}
    for day, members in (
        (FIRST, qof),
        (SECOND, epcn_memberships(files, SECOND)),
    ):
        totals = populations(registered(files, day), members)
        assert len(totals) == 12
        small = {code for code, total in totals.items() if total < 30_000}
        large = {code for code, total in totals.items() if total > 50_000}
        assert small == set(demo.SMALL_PCN_CODES) and len(small) == 3
        assert large == set(demo.LARGE_PCN_CODES) and len(large) == 1
        assert all(15_000 <= total <= 70_000 for total in totals.values())


def test_weighted_lists(demo_files: list[DemoFile]) -> None:
    for day in demo.REGISTRATION_DATES:
        path = by_name(demo_files, f"weighted-lists-{day:%Y-%m}.csv")
        rows = read_csv(path)
        assert tuple(rows[0]) == demo.WEIGHTED_LISTS_HEADER
        sizes = registered(demo_files, day)
        assert sorted(r[0] for r in rows[1:]) == sorted(sizes)
        for code, effective, weighted in rows[1:]:
            assert effective == day.isoformat()
            assert re.fullmatch(r"\d+(\.\d{1,2})?", weighted)
            assert 0.85 <= float(weighted) / sizes[code] <= 1.25


# ---------------------------------------------------------------------------------
# ePCN workbook
# ---------------------------------------------------------------------------------


def test_epcn_workbook_layout(demo_files: list[DemoFile]) -> None:
    path = by_name(demo_files, "ePCN-2022-05.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [
        demo.EPCN_DETAILS_SHEET,
        demo.EPCN_CORE_PARTNER_SHEET,
    ]
    details = [
        tuple(r) for r in workbook[demo.EPCN_DETAILS_SHEET].iter_rows(values_only=True)
    ]
    partners = [
        tuple(r)
        for r in workbook[demo.EPCN_CORE_PARTNER_SHEET].iter_rows(values_only=True)
    ]
    assert details[0] == demo.EPCN_DETAILS_HEADERS
    assert partners[0] == demo.EPCN_CORE_PARTNER_HEADERS
    assert len(details) == 13
    for row in details[1:]:
        assert all(isinstance(value, str) for value in row)  # "" for none, as real
        assert row[2] == demo.MERGED_COMMISSIONERS.successor
        assert row[4] == f"{demo.PCN_START_DATE:%Y%m%d}" and row[5] == ""
    for row in partners[1:]:
        assert isinstance(row[8], str) and re.fullmatch(r"\d{8}", row[8])
        assert row[9] is None or re.fullmatch(r"\d{8}", str(row[9]))
        assert row[10] is True
    covered = {str(r[0]) for r in partners[1:]}
    assert len(covered) == 59
    assert demo.UNCOVERED_PRACTICE_CODE not in covered


def test_moved_practice_has_two_relationships(demo_files: list[DemoFile]) -> None:
    path = by_name(demo_files, "ePCN-2022-05.xlsx")
    rows = [
        (r[4], r[8], r[9])
        for r in sheet_rows(path, demo.EPCN_CORE_PARTNER_SHEET)[1:]
        if r[0] == demo.MOVED_PRACTICE_CODE
    ]
    last_day = demo.MOVE_DATE - timedelta(days=1)
    assert sorted(rows, key=lambda r: str(r[1])) == [
        (demo.MOVED_FROM_PCN_CODE, "20190701", f"{last_day:%Y%m%d}"),
        (demo.MOVED_TO_PCN_CODE, f"{demo.MOVE_DATE:%Y%m%d}", None),
    ]
    assert FIRST < demo.MOVE_DATE < SECOND
    assert qof_memberships(demo_files)[demo.MOVED_PRACTICE_CODE] == (
        demo.MOVED_FROM_PCN_CODE
    )
    # Every other practice keeps its QOF network (or leaves it by closing).
    counts = Counter(r[0] for r in sheet_rows(path, demo.EPCN_CORE_PARTNER_SHEET)[1:])
    assert [code for code, n in counts.items() if n > 1] == [demo.MOVED_PRACTICE_CODE]
    on_qof_date = epcn_memberships(demo_files, FIRST)
    qof = {p: n for p, n in qof_memberships(demo_files).items() if n != "U"}
    assert on_qof_date == qof
    ended = {
        str(r[0]): r[9]
        for r in sheet_rows(path, demo.EPCN_CORE_PARTNER_SHEET)[1:]
        if r[9] is not None and r[0] != demo.MOVED_PRACTICE_CODE
    }
    assert ended == {demo.CLOSING_PRACTICE_CODE: "20210930"}


def test_constants_describe_the_area() -> None:
    assert len(demo.DEMO_COMMISSIONERS) == 3
    assert len(demo.DEMO_PCNS) == 12 and len(demo.DEMO_PRACTICES) == 61
    assert all(PRACTICE_CODE.fullmatch(code) for code in demo.DEMO_PRACTICES)
    assert demo.UNCOVERED_PRACTICE_CODE in demo.DEMO_PRACTICES
    assert demo.MOVED_FROM_PCN_CODE != demo.MOVED_TO_PCN_CODE
    assert {demo.MOVED_FROM_PCN_CODE, demo.MOVED_TO_PCN_CODE} <= set(demo.DEMO_PCNS)
    assert all(re.fullmatch(r"ZZ\d{1,2}", outcode) for outcode in demo.DEMO_OUTCODES)
    assert "ZZ99" not in demo.DEMO_OUTCODES


# ---------------------------------------------------------------------------------
# Against the real files (skipped when ../shared/data is absent)
# ---------------------------------------------------------------------------------


def test_epcn_headers_equal_the_real_workbook(demo_files: list[DemoFile]) -> None:
    real = shared("ods/ePCN-2022-05.xlsx")
    ours = by_name(demo_files, "ePCN-2022-05.xlsx")
    real_book = openpyxl.load_workbook(real, read_only=True)
    try:
        real_headers = {
            ws.title: next(ws.iter_rows(max_row=1, values_only=True))
            for ws in real_book.worksheets
        }
    finally:
        real_book.close()
    assert list(real_headers) == [demo.EPCN_DETAILS_SHEET, demo.EPCN_CORE_PARTNER_SHEET]
    for sheet, headers in real_headers.items():
        assert sheet_rows(ours, sheet)[0] == tuple(headers)


def test_csv_headers_equal_the_real_files(demo_files: list[DemoFile]) -> None:
    qof = shared("qof/MAPPING_NHS_GEOGRAPHIES_2021.csv")
    registrations = shared("registrations/gp-reg-pat-prac-all-2021-01.csv")
    for real, name in (
        (qof, "MAPPING_NHS_GEOGRAPHIES_2021.csv"),
        (registrations, "gp-reg-pat-prac-all-2021-01.csv"),
    ):
        with real.open(encoding="utf-8", newline="") as handle:
            real_header = next(csv.reader(handle))
        assert read_csv(by_name(demo_files, name))[0] == real_header
    # The real QOF mapping marks practices in no network the same way.
    with qof.open(encoding="utf-8", newline="") as handle:
        assert ("U", "Unallocated") in {
            (r["PCN_ODS_CODE"], r["PCN_NAME"]) for r in csv.DictReader(handle)
        }


def test_demo_codes_do_not_exist_in_the_real_files(demo_files: list[DemoFile]) -> None:
    real_codes: defaultdict[int, set[str]] = defaultdict(set)
    for name in ("ods/epraccur-2019-12.csv", "ods/epraccur-2022-04.csv"):
        with shared(name).open(encoding="latin-1", newline="") as handle:
            for row in csv.reader(handle):
                for column in (0, 2, 3, 14, 23):
                    real_codes[column].add(row[column])
    ours = read_csv(by_name(demo_files, "epraccur-2022-04.csv"))
    ours += read_csv(by_name(demo_files, "epraccur-2020-12.csv"))
    assert not {r[0] for r in ours} & real_codes[0]
    assert not set(demo.DEMO_PRACTICES) & real_codes[0]
    assert demo.DEMO_REGION_CODE not in real_codes[2]
    assert demo.DEMO_SYSTEM_CODE not in real_codes[3]
    assert not set(demo.DEMO_COMMISSIONERS) & (real_codes[14] | real_codes[23])
    real_pcns = {
        str(row[0])
        for row in sheet_rows(shared("ods/ePCN-2022-05.xlsx"), demo.EPCN_DETAILS_SHEET)
    }
    assert not set(demo.DEMO_PCNS) & real_pcns
