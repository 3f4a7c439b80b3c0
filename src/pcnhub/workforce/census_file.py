"""Reading NHS Digital's "Primary Care Network Workforce" individual-level CSV.

One row per staff record; the layout has been the same since March 2020
(docs/data-formats.md, "PCN workforce census"). Every problem names the file,
row and column; the file is read whole before anything is written.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from pcnhub.core import codes
from pcnhub.register.importers.errors import Problems, shown
from pcnhub.register.importers.reading import MAX_CSV_ROWS, read_text_as
from pcnhub.workforce.models import FTE_PLACES

HEADER = (
    "Data_source",
    "CENSUS_YEAR",
    "CENSUS_MONTH",
    "PCN_CODE",
    "PCN_NAME",
    "SUB_ICB_CODE",
    "SUB_ICB_NAME",
    "ICB_CODE",
    "ICB_NAME",
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
    "STAFF_GROUP",
    "STAFF_ROLE",
    "DETAILED_STAFF_ROLE",
    "FTE",
    "UNIQUE_IDENTIFIER",
)
#: Cells whose leading and trailing spaces are removed (a tolerated quirk: the
#: national files pad SUB_ICB_NAME, "NHS South West London ICB - 36L ").
NAMES = (
    "PCN_NAME",
    "SUB_ICB_NAME",
    "ICB_NAME",
    "COMM_REGION_NAME",
    "STAFF_GROUP",
    "STAFF_ROLE",
    "DETAILED_STAFF_ROLE",
)
NAME_MAX = {"PCN_NAME": 200, "STAFF_GROUP": 100, "STAFF_ROLE": 100}
ROLE_MAX = 100
TRIMMED = "spaces around a name removed"
WINDOWS_1252 = "text in Windows-1252, not UTF-8 (read as Windows-1252)"
FTE_TEXT = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
#: One record's FTE: the national files' largest is 14 (contracted services).
MAX_FTE = Decimal(100)
FIRST_YEAR = 2020  # the census began in March 2020
LAST_YEAR = 2099
MAX_IDENTIFIER = 64

Key = tuple[str, str, str, str, str, str]


@dataclass
class Group:
    staff: set[str] = field(default_factory=set)
    fte: Decimal = Decimal(0)


@dataclass
class ParsedCensus:
    year: int
    month: int
    records: int
    #: (pcn_code, pcn_name, sub_icb_code, staff_group, staff_role,
    #: detailed_staff_role) to the distinct staff and their FTE.
    groups: dict[Key, Group]

    @property
    def census_date(self) -> date:
        return date(
            self.year, self.month, calendar.monthrange(self.year, self.month)[1]
        )


def decode(path: Path, problems: Problems) -> str:
    """The file's text: UTF-8, or Windows-1252 as NHS Digital's files are (each
    row with a character beyond ASCII then reported as tolerated)."""
    text, encoding = read_text_as(path, problems, fallback="cp1252")
    if encoding == "cp1252":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.isascii():
                problems.tolerate(WINDOWS_1252, f"row {number}")
    return text


def read_census(path: Path, problems: Problems) -> ParsedCensus:
    """The census in ``path``, or :class:`ImportRejected` naming every problem."""
    text = decode(path, problems)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            problems.reject(None, None, "the file is empty")
        positions = _positions(header, problems)
        census = _Reading(problems, positions)
        for record in reader:
            if reader.line_num > MAX_CSV_ROWS:
                problems.reject(
                    reader.line_num, None, f"more than {MAX_CSV_ROWS:,} rows"
                )
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.add(
                    reader.line_num,
                    None,
                    f"{len(record)} cells, but the header has {len(header)}: is a "
                    "comma missing, or a name with a comma not quoted?",
                )
                continue
            census.row(reader.line_num, record)
    except csv.Error as exc:
        problems.reject(reader.line_num, None, f"not a readable CSV file: {exc}")
    problems.raise_if_any()
    if census.year is None:
        problems.reject(None, None, "the file has a header but no staff records")
    return ParsedCensus(census.year, census.month, census.records, census.groups)


def _positions(header: Sequence[str], problems: Problems) -> dict[str, int]:
    given = [cell.strip().lstrip("\ufeff").upper() for cell in header]
    positions = {}
    missing = []
    for heading in HEADER:
        if given.count(heading.upper()) > 1:
            problems.add(1, heading, f"heading {heading!r} is given twice")
        if heading.upper() in given:
            positions[heading] = given.index(heading.upper())
        else:
            missing.append(heading)
    if missing:
        problems.reject(
            1,
            None,
            "not the PCN workforce census layout: missing "
            + ", ".join(missing)
            + "; the expected header is "
            + ",".join(HEADER),
        )
    problems.raise_if_any()
    return positions


class _Reading:
    """The rows read so far: the census month, and the groups being summed."""

    def __init__(self, problems: Problems, positions: dict[str, int]) -> None:
        self.problems = problems
        self.positions = positions
        self.year: int | None = None
        self.month: int | None = None
        self.first_row = 0
        self.records = 0
        self.groups: dict[Key, Group] = {}
        #: First row each network and detailed role was seen on, with what.
        self.networks: dict[str, tuple[int, str, str]] = {}
        self.roles: dict[str, tuple[int, str, str]] = {}

    def cell(self, record: list[str], heading: str) -> str:
        index = self.positions[heading]
        return record[index] if index < len(record) else ""

    def row(self, number: int, record: list[str]) -> None:
        before = len(self.problems.items)
        cells = {h: self.cell(record, h) for h in HEADER}
        if any(cells[h] != cells[h].strip() for h in NAMES):
            self.problems.tolerate(TRIMMED, f"row {number}")
            for heading in NAMES:
                cells[heading] = cells[heading].strip()
        self._month(number, cells)
        pcn = self._code(number, cells, "PCN_CODE", "network")
        sub_icb = self._code(number, cells, "SUB_ICB_CODE", "commissioner")
        fte = self._fte(number, cells["FTE"])
        person = self._identifier(number, cells["UNIQUE_IDENTIFIER"])
        for heading in ("PCN_NAME", "STAFF_GROUP", "STAFF_ROLE", "DETAILED_STAFF_ROLE"):
            self._name(number, heading, cells[heading])
        self._same(self.networks, number, pcn, "PCN_CODE", cells["PCN_NAME"], sub_icb)
        self._same(
            self.roles,
            number,
            cells["DETAILED_STAFF_ROLE"],
            "DETAILED_STAFF_ROLE",
            cells["STAFF_GROUP"],
            cells["STAFF_ROLE"],
        )
        if len(self.problems.items) > before:
            return
        self.records += 1
        key = (
            pcn,
            cells["PCN_NAME"],
            sub_icb,
            cells["STAFF_GROUP"],
            cells["STAFF_ROLE"],
            cells["DETAILED_STAFF_ROLE"],
        )
        group = self.groups.setdefault(key, Group())
        group.staff.add(person)
        group.fte += fte

    def _month(self, number: int, cells: dict[str, str]) -> None:
        year = self._whole(number, "CENSUS_YEAR", cells["CENSUS_YEAR"])
        month = self._whole(number, "CENSUS_MONTH", cells["CENSUS_MONTH"])
        if year is None or month is None:
            return
        if not FIRST_YEAR <= year <= LAST_YEAR:
            self.problems.add(
                number, "CENSUS_YEAR", f"{year} is not a census year (2020 on)"
            )
        elif not 1 <= month <= 12:
            self.problems.add(number, "CENSUS_MONTH", f"{month} is not a month")
        elif self.year is None:
            self.year, self.month, self.first_row = year, month, number
        elif (year, month) != (self.year, self.month):
            self.problems.add(
                number,
                "CENSUS_YEAR" if year != self.year else "CENSUS_MONTH",
                f"census {year}-{month:02d} here but {self.year}-{self.month:02d} on "
                f"row {self.first_row}: one file is one census month",
            )

    def _whole(self, number: int, heading: str, text: str) -> int | None:
        if not text:
            self.problems.add(number, heading, "missing")
            return None
        if not (text.isascii() and text.isdigit()):
            self.problems.add(number, heading, f"{shown(text)} is not a whole number")
            return None
        return int(text)

    def _code(self, number: int, cells: dict[str, str], heading: str, kind: str) -> str:
        code = cells[heading]
        if not code:
            self.problems.add(number, heading, "missing code")
        elif not codes.is_valid(kind, code):
            self.problems.add(number, heading, f"{shown(code)} is not a {kind} code")
        return code

    def _fte(self, number: int, text: str) -> Decimal:
        if not text:
            self.problems.add(number, "FTE", "missing")
            return Decimal(0)
        if not FTE_TEXT.match(text):
            self.problems.add(
                number, "FTE", f"{shown(text)} is not a number (e.g. 1 or 0.266666667)"
            )
            return Decimal(0)
        value = Decimal(text)
        places = -value.as_tuple().exponent
        if places > FTE_PLACES:
            self.problems.add(
                number, "FTE", f"{text} has more than {FTE_PLACES} decimal places"
            )
        elif value > MAX_FTE:
            self.problems.add(
                number, "FTE", f"{text} is more than {MAX_FTE} FTE for one record"
            )
        return value

    def _identifier(self, number: int, text: str) -> str:
        if not text.strip():
            self.problems.add(number, "UNIQUE_IDENTIFIER", "missing")
        elif len(text) > MAX_IDENTIFIER or text != text.strip():
            self.problems.add(
                number, "UNIQUE_IDENTIFIER", f"{shown(text)} is not an identifier"
            )
        return text

    def _name(self, number: int, heading: str, text: str) -> None:
        limit = NAME_MAX.get(heading, ROLE_MAX)
        if not text:
            self.problems.add(number, heading, "missing")
        elif len(text) > limit:
            self.problems.add(
                number, heading, f"longer than {limit} characters: {shown(text)}"
            )

    def _same(
        self,
        seen: dict[str, tuple[int, str, str]],
        number: int,
        key: str,
        heading: str,
        first: str,
        second: str,
    ) -> None:
        """A network has one name and sub-ICB, a detailed role one group and role,
        in a file: staff are counted by network and role."""
        if not key:
            return
        before = seen.setdefault(key, (number, first, second))
        if before[1:] != (first, second):
            self.problems.add(
                number,
                heading,
                f"{key!r} is {first!r} / {second!r} here but {before[1]!r} / "
                f"{before[2]!r} on row {before[0]}",
            )
