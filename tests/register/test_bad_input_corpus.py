"""A corpus of corrupted real-format files, for every importer (issue 15).

Each case spoils one of the synthetic real-format files (tests/register/fixtures,
tests/register/samples.py) and says what must happen:

* ``Rejected``: ImportRejected naming the file (and the row and column where
  there is one), the register exactly as before, and one new failed import run;
* ``Accepted``: imported, and the register as the rule in docs/data-formats.md
  (named in the case's comment) says: by default, exactly as the clean file leaves
  it;
* ``Either``: the issue allows both (an unknown practice in a list file is
  "rejected or reported as skipped").

Anything else (a 500, a traceback, a crash on one database only) fails. The
cases for the real files in ../shared/data are at the end; they are cut to a few
rows so that they stay fast.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.db import transaction

from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.models import ImportRun, ListSize, Organisation, PostcodeDistrict
from pcnhub.register.models import OrganisationVersion as Version
from tests.conftest import SHARED_DATA, need_shared_data
from tests.register.samples import (
    EPCN_DETAILS_HEADER,
    EPCN_MEMBERS,
    EPCN_NETWORKS,
    EPCN_PARTNER_HEADER,
    FIXTURES,
    load,
    register_state,
    write_epcn,
)

pytestmark = pytest.mark.django_db

LONG = "A" * 100_000
HYPERLINK = '=HYPERLINK("http://evil.example/","Hilltop PCN")'
AS_AT = {
    "epraccur": date(2019, 12, 1),
    "epcn": date(2022, 5, 1),
    "qof-mapping": date(2021, 1, 1),
    "registrations": None,
    "payments": date(2020, 10, 1),
    "weighted-lists": None,
    "postcode-districts": None,
}
Rows = list[list[str]]
Maker = Callable[[Path], Path]


# --- expectations ------------------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    row: int | None = None
    column: str | None = None
    says: str = ""  # a phrase the message holds (case ignored)


@dataclass(frozen=True)
class Accepted:
    rule: str  # the rule in docs/data-formats.md (or docs/security.md)
    check: Callable[[], None] | None = None  # None: as the clean file leaves it


@dataclass(frozen=True)
class Either:
    rejected: Rejected
    accepted: Accepted


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    make: Maker
    expect: Rejected | Accepted | Either
    as_at: date | None | str = "default"

    def day(self) -> date | None:
        return AS_AT[self.kind] if self.as_at == "default" else self.as_at  # type: ignore[return-value]


# --- the clean files, as rows ---------------------------------------------------


def _fixture_rows(name: str) -> Rows:
    with (FIXTURES / name).open(newline="") as handle:
        return [list(r) for r in csv.reader(handle)]


def qof() -> Rows:
    return _fixture_rows("qof_sample.csv")


def epraccur() -> Rows:
    return _fixture_rows("epraccur_sample.csv")


def registrations() -> Rows:
    return _fixture_rows("registrations_sample.csv")


def weighted() -> Rows:
    return _fixture_rows("weighted_sample.csv")


def districts() -> Rows:
    return _fixture_rows("postcode_districts_sample.csv")


MAP_HEADER = [
    "PUBLICATION",
    "EXTRACT_DATE",
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
    "STP_CODE",
    "STP_NAME",
    "CCG_CODE",
    "CCG_NAME",
    "PCN_CODE",
    "PCN_NAME",
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "PRACTICE_POSTCODE",
]


def practice_map() -> Rows:
    """gp-reg-pat-prac-map, made from the QOF sample (the same practices)."""
    header, *body = qof()
    at = {h: i for i, h in enumerate(header)}
    rows = [MAP_HEADER]
    for r in body:
        rows.append(
            ["GP_PRAC_PAT_MAP", "01JAN2021", r[at["REGION_ODS_CODE"]]]
            + [r[at["REGION_NAME"]], r[at["STP_ODS_CODE"]], r[at["STP_NAME"]]]
            + [r[at["CCG_ODS_CODE"]], r[at["CCG_NAME"]], r[at["PCN_ODS_CODE"]]]
            + [r[at["PCN_NAME"]], r[at["PRACTICE_CODE"]], r[at["PRACTICE_NAME"]]]
            + ["ZZ1 1AA"]
        )
    return rows


WEIGHTED = "Number of Weighted Patients (Last Known Figure)"


def payments() -> Rows:
    return [
        [
            "Practice Code",
            "Practice Name",
            "Number of Registered Patients (Last Known Figure)",
            WEIGHTED,
        ],
        ["Z10001", "HILLTOP SURGERY", "12000", "12500.25"],
        ["Z10002", "VALLEY MEDICAL PRACTICE", "9500", "9100.50"],
    ]


# --- writing and spoiling ------------------------------------------------------------


def text_of(rows: Rows, terminator: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerows(rows)
    return out.getvalue()


def csv_file(
    name: str,
    rows: Callable[[], Rows],
    *edits: Callable[[Rows], None],
    terminator: str = "\n",
) -> Maker:
    def make(folder: Path) -> Path:
        spoilt = rows()
        for edit in edits:
            edit(spoilt)
        path = folder / name
        path.write_text(text_of(spoilt, terminator), encoding="utf-8")
        return path

    return make


def raw_file(name: str, content: Callable[[], bytes]) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content())
        return path

    return make


def text_file(name: str, text: Callable[[], str], encoding: str = "utf-8") -> Maker:
    return raw_file(name, lambda: text().encode(encoding))


def cell(row: int, column: str | int, value: str) -> Callable[[Rows], None]:
    """Set one cell: ``row`` as problem messages count it (1-based)."""

    def edit(rows: Rows) -> None:
        index = column if isinstance(column, int) else _heading(rows, column)
        rows[row - 1][index] = value

    return edit


def every_row(column: str, value: str) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        for r in rows[1:]:
            r[_heading(rows, column)] = value

    return edit


def _heading(rows: Rows, column: str) -> int:
    return rows[0].index(column)


def append_copy(row: int, **changes: str) -> Callable[[Rows], None]:
    """Add a copy of ``row`` at the end, with some cells changed (by heading)."""

    def edit(rows: Rows) -> None:
        copy = list(rows[row - 1])
        for heading, value in changes.items():
            copy[_heading(rows, heading)] = value
        rows.append(copy)

    return edit


def append_raw_copy(row: int, position: int, value: str) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        copy = list(rows[row - 1])
        copy[position] = value
        rows.append(copy)

    return edit


def drop_column(column: str) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        index = _heading(rows, column)
        for r in rows:
            del r[index]

    return edit


def add_column(
    heading: str, value: Callable[[list[str]], str]
) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        rows[0].append(heading)
        for r in rows[1:]:
            r.append(value(r))

    return edit


def swap_columns(a: str, b: str, headings_only: bool = False) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        i, j = _heading(rows, a), _heading(rows, b)
        for r in rows[:1] if headings_only else rows:
            r[i], r[j] = r[j], r[i]

    return edit


def swap_positions(i: int, j: int) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        rows[0][i], rows[0][j] = rows[0][j], rows[0][i]

    return edit


def breakdown_first(count: int) -> Callable[[Rows], None]:
    """``count`` sex and age rows (read past, not imported) before the lists."""

    def edit(rows: Rows) -> None:
        sex, age = _heading(rows, "SEX"), _heading(rows, "AGE")
        for n in range(count):
            copy = list(rows[1])
            copy[sex], copy[age] = "MALE", str(n)
            rows.insert(1, copy)

    return edit


def keep(n: int) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        del rows[n:]

    return edit


def grow(
    rows_like: int, count: int, column: str | int, prefix: str
) -> Callable[[Rows], None]:
    """Add ``count`` copies of a row with new codes, so the file passes 4 KB."""

    def edit(rows: Rows) -> None:
        index = column if isinstance(column, int) else _heading(rows, column)
        for n in range(count):
            copy = list(rows[rows_like - 1])
            copy[index] = f"{prefix}{n:03d}"
            rows.append(copy)

    return edit


def cut(
    name: str, rows: Callable[[], Rows], marker: str, terminator: str = "\n"
) -> Maker:
    """The file cut off just before the last ``marker``, as a broken download is."""

    def text() -> str:
        whole = text_of(rows(), terminator)
        return whole[: whole.rindex(marker)]

    return text_file(name, text)


# --- workbooks ------------------------------------------------------------------------


def epcn(
    name: str = "ePCN.xlsx",
    networks: Callable[[], list[tuple]] = lambda: list(EPCN_NETWORKS),
    members: Callable[[], list[tuple]] = lambda: list(EPCN_MEMBERS),
    details_header: tuple = EPCN_DETAILS_HEADER,
    partner_header: tuple = EPCN_PARTNER_HEADER,
) -> Maker:
    def make(folder: Path) -> Path:
        return write_epcn(
            folder / name, networks(), members(), details_header, partner_header
        )

    return make


def member(row: int, position: int, value: object) -> Callable[[], list[tuple]]:
    """The partner sheet with one cell changed (``row`` as in the sheet)."""

    def rows() -> list[tuple]:
        spoilt = [list(m) for m in EPCN_MEMBERS]
        spoilt[row - 2][position] = value
        return [tuple(m) for m in spoilt]

    return rows


def network(row: int, position: int, value: object) -> Callable[[], list[tuple]]:
    def rows() -> list[tuple]:
        spoilt = [list(n) for n in EPCN_NETWORKS]
        spoilt[row - 2][position] = value
        return [tuple(n) for n in spoilt]

    return rows


def workbook_edit(
    edit: Callable[[openpyxl.Workbook], None], name: str = "ePCN.xlsx"
) -> Maker:
    def make(folder: Path) -> Path:
        path = write_epcn(folder / name)
        book = openpyxl.load_workbook(path)
        edit(book)
        book.save(path)
        return path

    return make


def formula_text_network(book: openpyxl.Workbook) -> None:
    target = book["PCNDetails"]["B2"]
    target.value = HYPERLINK
    target.data_type = "s"  # text that looks like a formula, as a real export holds


def zip_edit(edit: Callable[[bytes, zipfile.ZipFile], bytes]) -> Maker:
    def make(folder: Path) -> Path:
        path = write_epcn(folder / "ePCN.xlsx")
        data = path.read_bytes()
        with zipfile.ZipFile(path) as archive:
            path.write_bytes(edit(data, archive))
        return path

    return make


def _partner_sheet(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    return archive.getinfo("xl/worksheets/sheet2.xml")


def flip_sheet_bytes(data: bytes, archive: zipfile.ZipFile) -> bytes:
    """Garble the middle of the partner sheet's compressed data."""
    info = _partner_sheet(archive)
    name_length, extra_length = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_length + extra_length
    middle = start + info.compress_size // 2
    spoilt = bytearray(data)
    for i in range(middle, middle + 16):
        spoilt[i] ^= 0xFF
    return bytes(spoilt)


def declare_huge_sheet(data: bytes, archive: zipfile.ZipFile) -> bytes:
    """A zip bomb's signature: the partner sheet declares 4 GB uncompressed."""
    info = _partner_sheet(archive)
    huge = struct.pack("<I", 0xFFFF_FF00)
    spoilt = bytearray(data)
    spoilt[info.header_offset + 22 : info.header_offset + 26] = huge
    name = info.filename.encode()
    central = 0
    while True:  # find the sheet's central directory record
        central = data.index(b"PK\x01\x02", central)
        length = struct.unpack("<H", data[central + 28 : central + 30])[0]
        if data[central + 46 : central + 46 + length] == name:
            break
        central += 4
    spoilt[central + 24 : central + 28] = huge
    return bytes(spoilt)


def half_of_workbook(data: bytes, archive: zipfile.ZipFile) -> bytes:
    return data[: len(data) // 2]


def zip_of_csv() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("qof.csv", (FIXTURES / "qof_sample.csv").read_text())
    return out.getvalue()


def workbook_bytes() -> bytes:
    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.save(out)
    return out.getvalue()


# --- checks for accepted cases ---------------------------------------------------


def name_on(code: str, day: date) -> str:
    version = Version.objects.get(
        organisation_id=code, valid_from__lte=day, valid_to__isnull=True
    )
    return version.name


def names_held(**expected: str) -> Callable[[], None]:
    def check() -> None:
        for code, name in expected.items():
            assert name_on(code, date(2022, 5, 1)) == name

    return check


def lists_held(*expected: tuple[str, str]) -> Callable[[], None]:
    """Weighted lists on 1 January 2021, as the file gives them."""

    def check() -> None:
        held = ListSize.objects.filter(date=date(2021, 1, 1), measure="weighted")
        assert {(x.practice_id, str(x.value)) for x in held} == set(expected)

    return check


def no_phantom(code: str, measure_of: str, value: str) -> Callable[[], None]:
    """The unknown practice is not created; the known one's list is imported."""

    def check() -> None:
        assert not Organisation.objects.filter(code=code).exists()
        assert not ListSize.objects.filter(practice_id=code).exists()
        held = ListSize.objects.filter(practice_id=measure_of).values_list(
            "value", flat=True
        )
        assert str(value) in {str(v) for v in held}
        run = ImportRun.objects.latest("pk")
        assert run.counts["skipped"], "the skipped row is reported with a reason"

    return check


def unknown_practice(
    row: int, column: str, code: str, known: str, value: str
) -> Either:
    return Either(
        Rejected(row, column, code),
        # docs/data-formats.md, list files: an unknown practice is skipped
        Accepted("unknown practice skipped", no_phantom(code, known, value)),
    )


# --- the corpus ----------------------------------------------------------------------

QOF, EPR, REG, MAP = "qof-mapping", "epraccur", "registrations", "registrations"
PAY, WTD, GEO, EPCN = "payments", "weighted-lists", "postcode-districts", "epcn"
PATIENTS = "NUMBER_OF_PATIENTS"
PARTNER = "PCN Core Partner Details: "
START = PARTNER + "practice to pcn relationship start date"
END = PARTNER + "practice to pcn relationship end date"


def q(*edits: Callable[[Rows], None], name: str = "qof.csv") -> Maker:
    return csv_file(name, qof, *edits)


def e(*edits: Callable[[Rows], None]) -> Maker:
    return csv_file("epraccur.csv", epraccur, *edits)


def r(*edits: Callable[[Rows], None], terminator: str = "\r\n") -> Maker:
    return csv_file(
        "gp-reg-pat-prac-all.csv", registrations, *edits, terminator=terminator
    )


def m(*edits: Callable[[Rows], None]) -> Maker:
    return csv_file("gp-reg-pat-prac-map.csv", practice_map, *edits)


def p(*edits: Callable[[Rows], None]) -> Maker:
    return csv_file("payments.csv", payments, *edits)


def w(*edits: Callable[[Rows], None]) -> Maker:
    return csv_file("weighted.csv", weighted, *edits)


def g(*edits: Callable[[Rows], None]) -> Maker:
    return csv_file("districts.csv", districts, *edits)


def with_bom(maker: Maker) -> Maker:
    def make(folder: Path) -> Path:
        path = maker(folder)
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        return path

    return make


def with_blank_rows(maker: Maker) -> Maker:
    def make(folder: Path) -> Path:
        path = maker(folder)
        lines = path.read_text().splitlines(keepends=True)
        spaced = [lines[0], "\n", ",,,,\n", *lines[1:2], "   \n", *lines[2:], "\n"]
        path.write_text("".join(spaced))
        return path

    return make


def with_nul(maker: Maker, after: str) -> Maker:
    """A NUL byte inside the first cell holding ``after`` (past the first 4 KB)."""

    def make(folder: Path) -> Path:
        path = maker(folder)
        data = path.read_bytes()
        at = data.index(after.encode()) + len(after)
        assert at > 4096
        path.write_bytes(data[:at] + b"\x00" + data[at:])
        return path

    return make


def recoded(maker: Maker, encoding: str) -> Maker:
    def make(folder: Path) -> Path:
        path = maker(folder)
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
        return path

    return make


def replaced(maker: Maker, old: str, new: str) -> Maker:
    def make(folder: Path) -> Path:
        path = maker(folder)
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
        return path

    return make


SAME = "as the clean file"  # the clean file's register, compared whole
CASES: list[Case] = [
    # ---- qof-mapping ----------------------------------------------------------
    Case(
        "qof-empty-file", QOF, text_file("qof.csv", lambda: ""), Rejected(says="empty")
    ),
    Case(
        "qof-only-whitespace",
        QOF,
        text_file("qof.csv", lambda: " \n\n \r\n"),
        Rejected(says="empty"),
    ),
    Case("qof-headings-only", QOF, q(keep(1)), Rejected(says="no rows")),
    Case(
        "qof-truncated-mid-row",
        QOF,
        cut("qof.csv", qof, ",Z10004"),
        Rejected(4, "PRACTICE_CODE"),
    ),
    Case(
        "qof-latin-1",
        QOF,
        recoded(q(cell(2, "PRACTICE_NAME", "Hilltop Surgéry")), "latin-1"),
        Rejected(2, says="undecodable"),
    ),
    Case("qof-utf-16", QOF, recoded(q(), "utf-16"), Rejected()),
    # Reading: "A BOM is allowed"
    Case("qof-bom", QOF, with_bom(q()), Accepted(SAME)),
    Case(
        "qof-nul-after-4kb",
        QOF,
        with_nul(q(grow(2, 60, "PRACTICE_CODE", "Z20")), "Z20050,Hilltop"),
        Rejected(55, "PRACTICE_NAME"),
    ),
    # Headings: "Column order does not matter"
    Case(
        "qof-columns-reordered",
        QOF,
        q(swap_columns("PRACTICE_CODE", "NAT_CODE")),
        Accepted(SAME),
    ),
    Case(
        "qof-headings-swapped",
        QOF,
        q(swap_columns("PRACTICE_CODE", "PRACTICE_NAME", headings_only=True)),
        Rejected(2, "PRACTICE_CODE", "malformed practice ODS code"),
    ),
    Case(
        "qof-missing-column",
        QOF,
        q(drop_column("PCN_ODS_CODE")),
        Rejected(1, says="missing columns"),
    ),
    Case(
        "qof-duplicated-column-disagreeing",
        QOF,
        q(add_column("PCN_ODS_CODE", lambda row: "U99002")),
        Rejected(1, says="PCN_ODS_CODE"),
    ),
    Case(
        "qof-duplicated-column-identical",
        QOF,
        q(add_column("PRACTICE_CODE", lambda row: row[14])),
        Either(Rejected(1, says="PRACTICE_CODE"), Accepted(SAME)),
    ),
    # Reading: "Blank lines are dropped" (and rows of empty cells)
    Case("qof-blank-rows", QOF, with_blank_rows(q()), Accepted(SAME)),
    # Headings: "Columns that no layout names are ignored"
    Case(
        "qof-extra-column",
        QOF,
        q(add_column("SUPPLIER_NAME", lambda row: "=cmd")),
        Accepted(SAME),
    ),
    # ODS codes: "trimmed and upper-cased"
    Case(
        "qof-lowercase-padded-codes",
        QOF,
        q(cell(2, "PRACTICE_CODE", " z10001 "), cell(3, "PCN_ODS_CODE", "u99001")),
        Accepted(SAME),
    ),
    Case(
        "qof-malformed-practice-code",
        QOF,
        q(cell(3, "PRACTICE_CODE", "Z1-002")),
        Rejected(3, "PRACTICE_CODE", "malformed practice ODS code"),
    ),
    Case(
        "qof-malformed-region-code",
        QOF,
        q(cell(2, "REGION_ODS_CODE", "Y9")),
        Rejected(2, "REGION_ODS_CODE"),
    ),
    Case(
        "qof-malformed-network-code",
        QOF,
        q(cell(2, "PCN_ODS_CODE", "P99001")),
        Rejected(2, "PCN_ODS_CODE"),
    ),
    Case(
        "qof-empty-network-cell",
        QOF,
        q(cell(2, "PCN_ODS_CODE", "")),
        Rejected(2, "PCN_ODS_CODE"),
    ),
    Case(
        "qof-duplicate-rows-disagreeing",
        QOF,
        q(append_copy(2, PCN_ODS_CODE="U99002")),
        Rejected(5, says="disagrees with row 2"),
    ),
    # qof-mapping validation: identical duplicates are taken once
    Case("qof-duplicate-rows-identical", QOF, q(append_copy(2)), Accepted(SAME)),
    Case(
        "qof-system-under-two-regions",
        QOF,
        q(cell(3, "REGION_ODS_CODE", "Y97")),
        Rejected(3, says="placed under"),
    ),
    Case(
        "qof-overlong-name",
        QOF,
        q(cell(2, "PRACTICE_NAME", LONG)),
        Rejected(2, "PRACTICE_NAME"),
    ),
    Case(
        "qof-name-with-newline",
        QOF,
        q(cell(2, "PRACTICE_NAME", "Hilltop\nSurgery")),
        Rejected(2, "PRACTICE_NAME"),
    ),
    Case(
        "qof-name-with-control-character",
        QOF,
        q(cell(2, "PCN_NAME", "Hilltop\x1b[31m PCN")),
        Rejected(2, "PCN_NAME"),
    ),
    Case(
        "qof-stray-quotes-mangle-name",
        QOF,
        replaced(q(), ",Hilltop Surgery", ',"Hilltop" Surgery'),
        Rejected(2),
    ),
    Case(
        "qof-unclosed-quote",
        QOF,
        replaced(q(), ",Hilltop Surgery", ',"Hilltop Surgery'),
        Rejected(2),
    ),
    Case(
        "qof-quotes-inside-a-name",
        QOF,
        replaced(q(), ",Hilltop Surgery", ',Hilltop "Old" Surgery'),
        Either(
            Rejected(2),
            # Details and names: stored as the file gives them
            Accepted("names as given", names_held(Z10001='Hilltop "Old" Surgery')),
        ),
    ),
    # docs/security.md "Spreadsheet exports": names are stored as given, exports
    # neutralise them
    Case(
        "qof-formula-names",
        QOF,
        q(
            every_row("PCN_NAME", HYPERLINK),
            cell(2, "PRACTICE_NAME", "@SUM(1+1)"),
            cell(3, "PRACTICE_NAME", "+1 Surgery"),
            cell(4, "PRACTICE_NAME", "-2+3"),
        ),
        Accepted(
            "names as given",
            names_held(
                U99001=HYPERLINK, Z10001="@SUM(1+1)", Z10002="+1 Surgery", Z10004="-2+3"
            ),
        ),
    ),
    Case("qof-no-as-at", QOF, q(), Rejected(says="--as-at"), as_at=None),
    Case(
        "qof-workbook-given-as-csv",
        QOF,
        raw_file("qof.csv", workbook_bytes),
        Rejected(says="wrong file type"),
    ),
    # ---- epraccur -------------------------------------------------------------
    Case(
        "epraccur-truncated-mid-row",
        EPR,
        cut("epraccur.csv", epraccur, ",OLDTOWN"),
        Rejected(3, says="27 columns"),
    ),
    Case(
        "epraccur-header-row",
        EPR,
        e(lambda rows: rows.insert(0, ["Organisation Code"] + [""] * 26)),
        Rejected(1, says="unknown layout"),
    ),
    Case(
        "epraccur-28-columns",
        EPR,
        e(lambda rows: rows[1].append("")),
        Rejected(2, says="27 columns"),
    ),
    Case(
        "epraccur-code-and-name-swapped",
        EPR,
        e(lambda rows: rows[0].__setitem__(slice(0, 2), rows[0][1::-1])),
        Rejected(1, "Organisation Code (column 1)"),
    ),
    Case(
        "epraccur-open-date-0001-01-01",
        EPR,
        e(cell(1, 10, "00010101")),
        Rejected(1, "Open Date (column 11)"),
    ),
    Case(
        "epraccur-open-date-9999-12-31",
        EPR,
        e(cell(1, 10, "99991231")),
        Rejected(1, "Open Date (column 11)"),
    ),
    Case(
        "epraccur-left-date-9999-12-31",
        EPR,
        e(cell(1, 16, "99991231")),
        Rejected(1, "Left Provider/Purchaser Date (column 17)"),
    ),
    Case(
        "epraccur-iso-date",
        EPR,
        e(cell(1, 10, "1974-04-01")),
        Rejected(1, "Open Date (column 11)", "YYYYMMDD"),
    ),
    Case(
        "epraccur-impossible-date",
        EPR,
        e(cell(2, 10, "19801332")),
        Rejected(2, "Open Date (column 11)", "impossible date"),
    ),
    Case(
        "epraccur-closed-before-opened",
        EPR,
        e(cell(3, 11, "19700101")),
        Rejected(3, "Close Date (column 12)", "impossible dates"),
    ),
    Case(
        "epraccur-overlong-name",
        EPR,
        e(cell(1, 1, LONG)),
        Rejected(1, "Name (column 2)"),
    ),
    Case(
        "epraccur-name-with-newline",
        EPR,
        e(cell(1, 1, "HILLTOP\nSURGERY")),
        Rejected(1, "Name (column 2)"),
    ),
    Case(
        "epraccur-overlong-postcode",
        EPR,
        e(cell(1, 9, "ZZ1 1AA ZZ1 1AA")),
        Rejected(1, "Postcode (column 10)"),
    ),
    Case(
        "epraccur-unknown-status",
        EPR,
        e(cell(1, 12, "X")),
        Rejected(1, "Status Code (column 13)"),
    ),
    Case(
        "epraccur-malformed-commissioner",
        EPR,
        e(cell(1, 14, "9")),
        Rejected(1, "Commissioner (column 15)"),
    ),
    Case(
        "epraccur-prescribing-setting-not-a-number",
        EPR,
        e(cell(1, 25, "four")),
        Rejected(1, "Prescribing Setting (column 26)"),
    ),
    Case(
        "epraccur-duplicate-rows-disagreeing",
        EPR,
        e(append_raw_copy(1, 1, "ANOTHER NAME")),
        Rejected(4, says="disagrees with row 1"),
    ),
    Case(
        "epraccur-nul-after-4kb",
        EPR,
        with_nul(e(grow(1, 40, 0, "Z30")), "Z30035,HILLTOP"),
        Rejected(39, "Name (column 2)"),
    ),
    Case(
        "epraccur-cp1252",
        EPR,
        recoded(e(cell(2, 1, "VALLEY’S PRACTICE")), "cp1252"),
        Rejected(2, says="undecodable"),
    ),
    # Reading: "A BOM is allowed", "Blank lines are dropped"
    Case(
        "epraccur-bom-crlf-blank-lines",
        EPR,
        with_blank_rows(
            with_bom(csv_file("epraccur.csv", epraccur, terminator="\r\n"))
        ),
        Accepted(SAME),
    ),
    # ---- registrations: gp-reg-pat-prac-all -----------------------------------
    Case("registrations-nan", REG, r(cell(3, PATIENTS, "NaN")), Rejected(3, PATIENTS)),
    Case(
        "registrations-infinity",
        REG,
        r(cell(3, PATIENTS, "Infinity")),
        Rejected(3, PATIENTS),
    ),
    Case(
        "registrations-1e400", REG, r(cell(3, PATIENTS, "1e400")), Rejected(3, PATIENTS)
    ),
    Case("registrations-1e3", REG, r(cell(3, PATIENTS, "1e3")), Rejected(3, PATIENTS)),
    Case(
        "registrations-negative", REG, r(cell(3, PATIENTS, "-5")), Rejected(3, PATIENTS)
    ),
    Case(
        "registrations-fractional",
        REG,
        r(cell(3, PATIENTS, "9500.5")),
        Rejected(3, PATIENTS),
    ),
    Case(
        "registrations-not-a-number",
        REG,
        r(cell(3, PATIENTS, "lots")),
        Rejected(3, PATIENTS),
    ),
    Case(
        "registrations-empty-count",
        REG,
        r(cell(3, PATIENTS, "")),
        Rejected(3, PATIENTS),
    ),
    Case(
        "registrations-too-large-to-hold",
        REG,
        r(cell(3, PATIENTS, "100000000000")),
        Rejected(3, PATIENTS),
    ),
    # registrations validation: "Thousands commas are allowed"
    Case(
        "registrations-thousands-comma",
        REG,
        r(cell(3, PATIENTS, "9,500")),
        Accepted(SAME),
    ),
    Case(
        "registrations-unknown-practice",
        REG,
        r(cell(3, "CODE", "Z19999")),
        unknown_practice(3, "CODE", "Z19999", "Z10001", "12000.00"),
    ),
    Case(
        "registrations-malformed-code",
        REG,
        r(cell(3, "CODE", "Z1000")),
        Rejected(3, "CODE"),
    ),
    Case(
        "registrations-impossible-extract-date",
        REG,
        r(every_row("EXTRACT_DATE", "31FEB2021")),
        Rejected(2, "EXTRACT_DATE"),
    ),
    Case(
        "registrations-extract-date-0001",
        REG,
        r(every_row("EXTRACT_DATE", "01JAN0001")),
        Rejected(2, "EXTRACT_DATE"),
    ),
    Case(
        "registrations-extract-date-9999",
        REG,
        r(every_row("EXTRACT_DATE", "31DEC9999")),
        Rejected(2, "EXTRACT_DATE"),
    ),
    Case(
        "registrations-mixed-extract-dates",
        REG,
        r(cell(4, "EXTRACT_DATE", "01FEB2021")),
        Rejected(4, "EXTRACT_DATE", "differs"),
    ),
    Case(
        "registrations-duplicate-rows-disagreeing",
        REG,
        r(append_copy(2, NUMBER_OF_PATIENTS="12001")),
        Rejected(5, says="disagrees with row 2"),
    ),
    Case(
        "registrations-breakdown-rows-only",
        REG,
        r(every_row("SEX", "MALE")),
        Rejected(says="no all-persons rows"),
    ),
    Case(
        "registrations-missing-count-column",
        REG,
        r(drop_column(PATIENTS)),
        Rejected(1, says="missing columns"),
    ),
    Case(
        "registrations-nul-after-4kb",
        REG,
        with_nul(r(breakdown_first(60)), "ZZ3 1AD"),
        Rejected(64),
    ),
    Case(
        "registrations-as-at-disagrees",
        REG,
        r(),
        Rejected(says="disagrees"),
        as_at=date(2021, 2, 1),
    ),
    Case(
        "registrations-workbook-given-as-csv",
        REG,
        raw_file("gp-reg-pat-prac-all.csv", workbook_bytes),
        Rejected(says="wrong file type"),
    ),
    # Reading: "A BOM is allowed"; line endings are the csv module's to read
    Case("registrations-bom-lf", REG, with_bom(r(terminator="\n")), Accepted(SAME)),
    # ---- registrations: gp-reg-pat-prac-map -----------------------------------
    Case(
        "map-unknown-network-text",
        MAP,
        m(cell(2, "PCN_CODE", "Unknown")),
        Rejected(2, "PCN_CODE"),
    ),
    Case(
        "map-mixed-extract-dates",
        MAP,
        m(cell(3, "EXTRACT_DATE", "01FEB2021")),
        Rejected(3, "EXTRACT_DATE", "differs"),
    ),
    Case(
        "map-extract-date-0001",
        MAP,
        m(every_row("EXTRACT_DATE", "01JAN0001")),
        Rejected(2, "EXTRACT_DATE"),
    ),
    Case(
        "map-overlong-postcode",
        MAP,
        m(cell(2, "PRACTICE_POSTCODE", "ZZ1 1AA ZZ1 1AA")),
        Rejected(2, "PRACTICE_POSTCODE"),
    ),
    Case(
        "map-name-with-newline",
        MAP,
        m(cell(2, "PRACTICE_NAME", "Hilltop\r\nSurgery")),
        Rejected(2, "PRACTICE_NAME"),
    ),
    Case(
        "map-malformed-commissioner",
        MAP,
        m(cell(2, "CCG_CODE", "9")),
        Rejected(2, "CCG_CODE"),
    ),
    # docs/security.md "Spreadsheet exports": names stored as given
    Case(
        "map-formula-network-name",
        MAP,
        m(every_row("PCN_NAME", HYPERLINK)),
        Accepted("names as given", names_held(U99001=HYPERLINK)),
    ),
    # ---- payments -------------------------------------------------------------
    Case("payments-nan", PAY, p(cell(2, WEIGHTED, "NaN")), Rejected(2, WEIGHTED)),
    Case(
        "payments-infinity",
        PAY,
        p(cell(2, WEIGHTED, "-Infinity")),
        Rejected(2, WEIGHTED),
    ),
    Case("payments-1e400", PAY, p(cell(2, WEIGHTED, "1e400")), Rejected(2, WEIGHTED)),
    Case("payments-negative", PAY, p(cell(2, WEIGHTED, "-1.5")), Rejected(2, WEIGHTED)),
    Case(
        "payments-empty-weighted-list",
        PAY,
        p(cell(2, WEIGHTED, "")),
        Rejected(2, WEIGHTED, "no weighted list"),
    ),
    Case(
        "payments-too-large-to-hold",
        PAY,
        p(cell(2, WEIGHTED, "100000000000.00")),
        Rejected(2, WEIGHTED),
    ),
    Case(
        "payments-unknown-practice",
        PAY,
        p(cell(3, "Practice Code", "Z19999")),
        unknown_practice(3, "Practice Code", "Z19999", "Z10001", "12500.25"),
    ),
    Case("payments-no-as-at", PAY, p(), Rejected(says="--as-at"), as_at=None),
    Case(
        "payments-duplicate-rows-disagreeing",
        PAY,
        p(append_copy(2, **{WEIGHTED: "1.00"})),
        Rejected(4, says="disagrees with row 2"),
    ),
    Case("payments-headings-only", PAY, p(keep(1)), Rejected(says="no rows")),
    # payments layouts: the "average" headings are accepted
    Case(
        "payments-average-layout",
        PAY,
        p(lambda rows: rows[0].__setitem__(3, "Average Number of Weighted Patients")),
        Accepted(SAME),
    ),
    # ---- weighted-lists -------------------------------------------------------
    Case(
        "weighted-nan",
        WTD,
        w(cell(2, "weighted_patients", "nan")),
        Rejected(2, "weighted_patients"),
    ),
    Case(
        "weighted-infinity",
        WTD,
        w(cell(2, "weighted_patients", "Infinity")),
        Rejected(2, "weighted_patients"),
    ),
    Case(
        "weighted-1e400",
        WTD,
        w(cell(2, "weighted_patients", "1E400")),
        Rejected(2, "weighted_patients"),
    ),
    Case(
        "weighted-date-0001-01-01",
        WTD,
        w(cell(2, "effective_date", "0001-01-01")),
        Rejected(2, "effective_date"),
    ),
    Case(
        "weighted-date-9999-12-31",
        WTD,
        w(cell(2, "effective_date", "9999-12-31")),
        Rejected(2, "effective_date"),
    ),
    Case(
        "weighted-impossible-date",
        WTD,
        w(cell(2, "effective_date", "2021-02-30")),
        Rejected(2, "effective_date"),
    ),
    Case(
        "weighted-slashed-date",
        WTD,
        w(cell(2, "effective_date", "01/01/2021")),
        Rejected(2, "effective_date"),
    ),
    Case(
        "weighted-unknown-practice",
        WTD,
        w(cell(3, "practice_code", "Z19999")),
        unknown_practice(3, "practice_code", "Z19999", "Z10001", "12500.25"),
    ),
    Case(
        "weighted-dated-file-with-as-at",
        WTD,
        w(),
        Rejected(says="leave --as-at out"),
        as_at=date(2021, 1, 1),
    ),
    Case("weighted-headings-only", WTD, w(keep(1)), Rejected(says="no rows")),
    # weighted-lists: "the effective_date column, or --as-at for a file without one"
    Case(
        "weighted-undated-with-as-at",
        WTD,
        w(drop_column("effective_date")),
        Accepted(
            "effective date from --as-at",
            lists_held(("Z10001", "12500.25"), ("Z10002", "9100.50")),
        ),
        as_at=date(2021, 1, 1),
    ),
    # weighted-lists validation: "Commas are allowed"; codes upper-cased
    Case(
        "weighted-commas-and-lowercase-code",
        WTD,
        w(
            cell(2, "weighted_patients", "12,500.25"),
            cell(3, "practice_code", "z10002"),
        ),
        Accepted(SAME),
    ),
    # ---- postcode-districts ---------------------------------------------------
    Case(
        "districts-latitude-longitude-swapped",
        GEO,
        g(swap_columns("latitude", "longitude", headings_only=True)),
        Rejected(2, "latitude", "swapped"),
    ),
    Case(
        "districts-nan-latitude",
        GEO,
        g(cell(2, "latitude", "NaN")),
        Rejected(2, "latitude"),
    ),
    Case(
        "districts-1e400-longitude",
        GEO,
        g(cell(2, "longitude", "1e400")),
        Rejected(2, "longitude"),
    ),
    Case(
        "districts-full-postcode",
        GEO,
        g(cell(2, "postcode", "ZZ1 1AA")),
        Rejected(2, "postcode"),
    ),
    Case("districts-overlong-town", GEO, g(cell(2, "town", LONG)), Rejected(2, "town")),
    Case(
        "districts-duplicate-rows-disagreeing",
        GEO,
        g(append_copy(2, town="Oldtown")),
        Rejected(5, says="disagrees with row 2"),
    ),
    Case("districts-headings-only", GEO, g(keep(1)), Rejected(says="no districts")),
    # Reading: "A BOM is allowed"
    Case(
        "districts-bom-crlf",
        GEO,
        with_bom(csv_file("districts.csv", districts, terminator="\r\n")),
        Accepted(SAME),
    ),
    # ---- epcn workbook --------------------------------------------------------
    Case(
        "epcn-missing-partner-sheet",
        EPCN,
        workbook_edit(lambda book: book.remove(book["PCN Core Partner Details"])),
        Rejected(says="no sheet named"),
    ),
    Case(
        "epcn-missing-details-sheet",
        EPCN,
        workbook_edit(lambda book: book.remove(book["PCNDetails"])),
        Rejected(says="no sheet named"),
    ),
    Case(
        "epcn-empty-partner-sheet",
        EPCN,
        epcn(members=lambda: [], partner_header=()),
        Rejected(says="empty"),
    ),
    # epcn: "The old sheet name PCN Details is accepted"
    Case(
        "epcn-old-sheet-name",
        EPCN,
        workbook_edit(lambda book: setattr(book["PCNDetails"], "title", "PCN Details")),
        Accepted(SAME),
    ),
    Case(
        "epcn-corrupted-zip",
        EPCN,
        zip_edit(half_of_workbook),
        Rejected(says="cannot be opened"),
    ),
    Case("epcn-corrupted-sheet-data", EPCN, zip_edit(flip_sheet_bytes), Rejected()),
    Case(
        "epcn-zip-bomb-declared-4gb-sheet",
        EPCN,
        zip_edit(declare_huge_sheet),
        Rejected(),
    ),
    Case("epcn-zip-of-a-csv", EPCN, raw_file("ePCN.xlsx", zip_of_csv), Rejected()),
    Case(
        "epcn-csv-given-as-workbook",
        EPCN,
        raw_file("ePCN.xlsx", lambda: (FIXTURES / "qof_sample.csv").read_bytes()),
        Rejected(says="wrong file type"),
    ),
    Case(
        "epcn-start-0001-01-01",
        EPCN,
        epcn(members=member(2, 8, "00010101")),
        Rejected(2, START),
    ),
    Case(
        "epcn-end-9999-12-31",
        EPCN,
        epcn(members=member(2, 9, "99991231")),
        Rejected(2, END),
    ),
    Case(
        "epcn-start-as-excel-date",
        EPCN,
        epcn(members=member(2, 8, datetime(2019, 7, 1))),
        Rejected(2, START, "YYYYMMDD"),
    ),
    Case(
        "epcn-start-impossible",
        EPCN,
        epcn(members=member(2, 8, "20190231")),
        Rejected(2, START, "impossible date"),
    ),
    # Reading: "a whole-number float such as 20190701.0 reads as 20190701"
    Case(
        "epcn-dates-as-floats",
        EPCN,
        epcn(members=member(2, 8, 20190701.0)),
        Accepted(SAME),
    ),
    Case(
        "epcn-empty-rows",
        EPCN,
        epcn(members=lambda: [EPCN_MEMBERS[0], (None,) * 11, *EPCN_MEMBERS[1:]]),
        Accepted(SAME),
    ),
    Case(
        "epcn-overlong-network-name",
        EPCN,
        epcn(networks=network(2, 1, LONG)),
        Rejected(2, "PCNDetails: pcn name"),
    ),
    # "Text that is stored": a line break in a stored field is rejected, in
    # workbooks too (no real ePCN name holds one)
    Case(
        "epcn-network-name-with-newline",
        EPCN,
        epcn(networks=network(2, 1, "HILLTOP\nPCN")),
        Rejected(2, "PCNDetails: pcn name"),
    ),
    # docs/security.md "Spreadsheet exports": names stored as given
    Case(
        "epcn-formula-network-name",
        EPCN,
        workbook_edit(formula_text_network),
        Accepted("names as given", names_held(U99001=HYPERLINK)),
    ),
    Case(
        "epcn-duplicate-networks-disagreeing",
        EPCN,
        epcn(
            networks=lambda: [
                *EPCN_NETWORKS,
                EPCN_NETWORKS[0][:1] + ("OTHER",) + EPCN_NETWORKS[0][2:],
            ]
        ),
        Rejected(4, says="disagrees with row 2"),
    ),
    Case(
        "epcn-code-and-name-headings-swapped",
        EPCN,
        epcn(
            partner_header=(
                EPCN_PARTNER_HEADER[1],
                EPCN_PARTNER_HEADER[0],
                *EPCN_PARTNER_HEADER[2:],
            )
        ),
        Rejected(2, PARTNER + "partner organisation code"),
    ),
    Case(
        "epcn-missing-start-column",
        EPCN,
        epcn(
            partner_header=EPCN_PARTNER_HEADER[:8]
            + ("Start",)
            + EPCN_PARTNER_HEADER[9:]
        ),
        Rejected(1, says="missing columns"),
    ),
    Case(
        "epcn-malformed-network-code",
        EPCN,
        epcn(members=member(2, 4, "P99001")),
        Rejected(2, PARTNER + "pcn code"),
    ),
]


def clean_file(case: Case) -> Maker:
    """The unspoilt file of the case's kind (named as the case's file is)."""
    return {
        "qof": q(),
        "epr": e(),
        "reg": r(),
        "map": m(),
        "pay": p(),
        "wei": w(),
        "dis": g(),
        "epc": epcn(),
    }[case.id[:3]]


# --- running a case ----------------------------------------------------------------


def snapshot() -> dict[str, list[tuple]]:
    state = register_state()
    state["postcode_districts"] = sorted(
        PostcodeDistrict.objects.values_list(
            "outcode", "latitude", "longitude", "town", "superseded_by"
        ),
        key=repr,
    )
    return state


def baseline() -> None:
    """A register that already holds data, as a real one does."""
    load("qof-mapping", FIXTURES / "qof_sample.csv", date(2021, 1, 1))
    load("postcode-districts", FIXTURES / "postcode_districts_sample.csv")


class _Undo(Exception):
    pass


def clean_state(case: Case, folder: Path) -> dict[str, list[tuple]]:
    """The register the clean file leaves, found inside a transaction undone after."""
    path = clean_file(case)(folder / "clean")
    state: dict[str, list[tuple]] = {}
    try:
        with transaction.atomic():
            load(case.kind, path, case.day())
            state = snapshot()
            raise _Undo
    except _Undo:
        pass
    return state


def assert_rejected(expect: Rejected, caught: ImportRejected, path: Path) -> None:
    message = caught.summary()
    assert path.name in message
    if expect.row is not None:
        assert f"row {expect.row}" in message, message[:500]
    if expect.column is not None:
        assert f"column {expect.column!r}" in message, message[:500]
    assert expect.says.lower() in message.lower(), message[:500]


def assert_accepted(expect: Accepted, case: Case, folder: Path, clean: dict) -> None:
    if expect.check is not None:
        expect.check()
    else:
        assert snapshot() == clean


def run_case(case: Case, tmp_path: Path) -> None:
    baseline()
    folder = tmp_path / "spoilt"
    folder.mkdir()
    (tmp_path / "clean").mkdir()
    expect = case.expect
    wants_clean = isinstance(expect, Accepted | Either)
    accepted = expect.accepted if isinstance(expect, Either) else expect
    clean = (
        clean_state(case, tmp_path)
        if wants_clean and isinstance(accepted, Accepted) and accepted.check is None
        else {}
    )
    path = case.make(folder)
    before = snapshot()
    failed = ImportRun.objects.filter(status=ImportRun.Status.FAILED).count()
    try:
        run = load(case.kind, path, case.day())
    except ImportRejected as caught:
        assert not isinstance(expect, Accepted), f"rejected: {caught.summary()[:800]}"
        assert snapshot() == before
        runs = ImportRun.objects.filter(status=ImportRun.Status.FAILED)
        assert runs.count() == failed + 1
        assert runs.latest("pk").file_name == path.name and runs.latest("pk").error
        assert_rejected(
            expect.rejected if isinstance(expect, Either) else expect, caught, path
        )
        return
    assert not isinstance(expect, Rejected), f"accepted: {run.counts}"
    assert run.status == ImportRun.Status.SUCCEEDED
    assert_accepted(accepted, case, folder, clean)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.kind for c in CASES} == set(AS_AT)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)


# --- the real files, cut short and spoilt ---------------------------------------------


def real_lines(relative: str, count: int) -> Callable[[], Rows]:
    def rows() -> Rows:
        with (SHARED_DATA / relative).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            return [row for _, row in zip(range(count), reader, strict=False)]

    return rows


REAL_REG = "registrations/gp-reg-pat-prac-all-2021-01.csv"
REAL_QOF = "qof/MAPPING_NHS_GEOGRAPHIES_2021.csv"
REAL_EPR = "ods/epraccur-2019-12.csv"
REAL_PAY = "payments/nhspaymentsgp-2020-21-prac.csv"
REAL_GEO = "geography/postcode-district-centroids.csv"
REAL_EPCN = "ods/ePCN-2022-05.xlsx"


def real_epcn_start(folder: Path) -> Path:
    """The real workbook's first rows, with a relationship starting in year 1."""
    source = openpyxl.load_workbook(SHARED_DATA / REAL_EPCN, read_only=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in source.worksheets:
        target = book.create_sheet(sheet.title)
        for row in sheet.iter_rows(max_row=30, values_only=True):
            target.append(row)
    source.close()
    partners = book["PCN Core Partner Details"]
    header = [str(c.value or "") for c in partners[1]]
    column = next(i for i, h in enumerate(header) if "Start" in h) + 1
    partners.cell(row=5, column=column, value="00010101")
    path = folder / "ePCN-2022-05.xlsx"
    book.save(path)
    return path


def real_bytes(relative: str, size: int, name: str) -> Maker:
    return raw_file(name, lambda: (SHARED_DATA / relative).read_bytes()[:size])


REAL_CASES: list[Case] = [
    Case(
        "real-registrations-nan",
        REG,
        csv_file(
            "gp-reg-pat-prac-all-2021-01.csv",
            real_lines(REAL_REG, 50),
            cell(10, PATIENTS, "NaN"),
        ),
        Rejected(10, PATIENTS),
    ),
    Case(
        "real-registrations-1e3",
        REG,
        csv_file(
            "gp-reg-pat-prac-all-2021-01.csv",
            real_lines(REAL_REG, 50),
            cell(20, PATIENTS, "1e3"),
        ),
        Rejected(20, PATIENTS),
    ),
    Case(
        "real-qof-nul-after-4kb",
        QOF,
        csv_file(
            "MAPPING_NHS_GEOGRAPHIES_2021.csv",
            real_lines(REAL_QOF, 80),
            cell(70, "PRACTICE_NAME", "Surgery\x00"),
        ),
        Rejected(70),
    ),
    Case(
        "real-epraccur-overlong-name",
        EPR,
        csv_file("epraccur-2019-12.csv", real_lines(REAL_EPR, 30), cell(12, 1, LONG)),
        Rejected(12, "Name (column 2)"),
    ),
    Case(
        "real-epraccur-truncated",
        EPR,
        real_bytes(REAL_EPR, 3000, "epraccur-2019-12.csv"),
        Rejected(14),  # the download stops inside row 14's quoted cell
    ),
    Case(
        "real-payments-infinity",
        PAY,
        csv_file(
            "nhspaymentsgp-2020-21-prac.csv",
            real_lines(REAL_PAY, 30),
            cell(5, WEIGHTED, "Infinity"),
        ),
        Rejected(5, WEIGHTED),
    ),
    Case(
        "real-districts-swapped",
        GEO,
        csv_file(
            "postcode-district-centroids.csv",
            real_lines(REAL_GEO, 40),
            swap_columns("latitude", "longitude", headings_only=True),
        ),
        Rejected(2, "latitude"),
    ),
    Case("real-epcn-start-0001-01-01", EPCN, real_epcn_start, Rejected(5, START)),
    Case(
        "real-epcn-truncated",
        EPCN,
        real_bytes(REAL_EPCN, 100_000, "ePCN-2022-05.xlsx"),
        Rejected(says="cannot be opened"),
    ),
]


@pytest.mark.parametrize("case", REAL_CASES, ids=[c.id for c in REAL_CASES])
def test_bad_real_input(case: Case, tmp_path: Path) -> None:
    need_shared_data()
    run_case(case, tmp_path)
