"""What every importer provides, and the parsing helpers they share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pcnhub.core import codes
from pcnhub.core.dates import (
    ERA_START,
    outside_era,
    parse_extract_date,
    parse_iso,
    parse_yyyymmdd,
)
from pcnhub.core.numbers import number_pattern
from pcnhub.register.importers.errors import Problems, shown
from pcnhub.register.importers.writer import RegisterWriter
from pcnhub.register.models import OrganisationVersion

# Numbers are written as the NHS files write them (pcnhub.core.numbers): ASCII
# digits, commas only as thousands separators, and a decimal point. No sign,
# exponent ("1e3"), NaN or Infinity: Decimal() would take those, and a list of
# patients is none of them.
WHOLE_NUMBER = number_pattern(whole=True, thousands=True)
PLAIN_NUMBER = number_pattern(thousands=True)
#: The largest list a file may give: ten times England's largest practice list
#: (89,786 registered, 87,896 weighted in the 2021 files), far inside the column's
#: 12 digits. A bigger figure is a typo or a spoilt file, not a practice.
MAX_PATIENTS = Decimal(1_000_000)
LIST_PLACES = Decimal("0.01")
#: ODS prescribing settings are small codes (0 to 25 in the national files); the
#: column is a small integer.
MAX_PRESCRIBING_SETTING = 99
#: Stored text is bounded by its column (names, postcodes) or, for address lines
#: (one text column), by the name's length. Real names are at most 67 characters.
NAME_MAX = OrganisationVersion._meta.get_field("name").max_length
POSTCODE_MAX = OrganisationVersion._meta.get_field("postcode").max_length
ADDRESS_LINE_MAX = NAME_MAX
# Control characters (C0 but tab, line feed and carriage return; DEL; C1) never
# belong in a name; tabs are whitespace and fold to a space, line breaks are
# refused (Cells.name).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

Progress = Callable[[Iterable[Any], str, int], Iterable[Any]]


def no_progress(items: Iterable[Any], _label: str, _total: int) -> Iterable[Any]:
    return items


class Importer(Protocol):
    kind: ClassVar[str]
    description: ClassVar[str]
    as_at: ClassVar[str]  # "required", "optional" or "ignored" (the file has dates)
    relationship_kinds: ClassVar[tuple[str, ...]]
    version_kinds: ClassVar[tuple[str, ...]]
    list_measures: ClassVar[tuple[str, ...]]

    def read(self, path: Path, problems: Problems, as_at: date | None) -> Any: ...

    def apply(
        self, parsed: Any, writer: RegisterWriter, progress: Progress
    ) -> None: ...


def _yyyymmdd(text: str | None) -> date | None:
    """``parse_yyyymmdd`` by slicing (strptime costs five times as much): eight
    ASCII digits make a date if ``date()`` takes them; anything else, including
    an impossible day, goes to ``parse_yyyymmdd`` for its error message."""
    if text and len(text) == 8 and text.isascii() and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    return parse_yyyymmdd(text)


@dataclass
class Cells:
    """One row's cells by field name, with checks that record problems."""

    row: int
    values: dict[str, str]
    headings: dict[str, str]
    problems: Problems

    def text(self, field: str) -> str:
        return self.values.get(field, "").strip()

    def problem(self, field: str, message: str) -> None:
        self.problems.add(self.row, self.headings[field], message)

    def name(self, field: str, limit: int = NAME_MAX) -> str:
        """Text that is stored: no control characters, whitespace folded, bounded."""
        raw = self.values.get(field, "")
        control = _CONTROL.search(raw)
        if control:
            self.problem(
                field,
                f"control character U+{ord(control.group()):04X} in "
                f"{shown(raw)} (names and addresses are plain text)",
            )
            return ""
        if "\n" in raw or "\r" in raw:
            # No name or address line in the national files holds a line break
            # (docs/data-formats.md, "Quirks and limits"): one is a pasted
            # fragment or a spoilt cell, and folding it would hide that.
            self.problem(
                field,
                f"line break in {shown(raw)} (names and addresses are one line)",
            )
            return ""
        value = " ".join(raw.split())
        if len(value) > limit:
            self.problem(
                field,
                f"{shown(value)} is {len(value):,} characters long (at most {limit})",
            )
            return ""
        return value

    def code(
        self, field: str, kind: str, *, allow: frozenset[str] = frozenset()
    ) -> str:
        value = codes.normalise(self.values.get(field))
        if value in allow:
            return value
        if not codes.is_valid(kind, value):
            self.problem(
                field,
                f"malformed {kind} ODS code {shown(value) if value else '(empty)'} "
                f"(expected {codes.PATTERNS[kind].pattern})",
            )
        return value

    def optional_code(self, field: str, kind: str) -> str | None:
        return self.code(field, kind) if self.text(field) else None

    def yyyymmdd(self, field: str, earliest: date = ERA_START) -> date | None:
        try:
            day = _yyyymmdd(self.values.get(field))
        except ValueError as exc:
            self.problem(field, f"impossible date: {exc}")
            return None
        return self._in_era(field, day, earliest)

    def extract_date(self, field: str) -> date | None:
        """An extract date of the registrations files (``01JAN2021``)."""
        return self._parsed_date(field, parse_extract_date)

    def iso_date(self, field: str) -> date | None:
        return self._parsed_date(field, parse_iso)

    def _parsed_date(self, field: str, parse: Callable[[str], date]) -> date | None:
        try:
            day = parse(self.text(field))
        except ValueError as exc:
            self.problem(field, str(exc))
            return None
        return self._in_era(field, day, ERA_START)

    def _in_era(self, field: str, day: date | None, earliest: date) -> date | None:
        why = outside_era(day, earliest) if day else None
        if why:
            self.problem(field, why)
            return None
        return day

    def period(
        self, start_field: str, end_field: str, earliest: date = ERA_START
    ) -> tuple[date | None, date | None]:
        start = self.yyyymmdd(start_field, earliest)
        end = self.yyyymmdd(end_field, earliest)
        if start and end and end < start:
            self.problems.add(
                self.row,
                self.headings[end_field],
                f"impossible dates: ends {end:%Y-%m-%d} before it starts "
                f"{start:%Y-%m-%d} ({self.headings[start_field]!r})",
            )
        return start, end

    def count(self, field: str) -> Decimal | None:
        """A number of patients: a whole number, not negative."""
        return self._patients(field, WHOLE_NUMBER, "a whole number")

    def number(self, field: str) -> Decimal | None:
        """A weighted number of patients, rounded to 2 places."""
        return self._patients(field, PLAIN_NUMBER, "a number")

    def _patients(
        self, field: str, pattern: re.Pattern[str], kind: str
    ) -> Decimal | None:
        raw = self.text(field)
        if not pattern.fullmatch(raw):
            self.problem(
                field,
                f"expected {kind} of patients, not negative, in digits (with "
                f"commas only between thousands, e.g. 12,000), got {shown(raw)}",
            )
            return None
        value = Decimal(raw.replace(",", ""))
        if value > MAX_PATIENTS:
            self.problem(
                field,
                f"{shown(raw)} is more than {MAX_PATIENTS:,} patients, the most "
                "a practice list may have",
            )
            return None
        return value.quantize(LIST_PLACES, rounding=ROUND_HALF_UP)

    def small_number(self, field: str, limit: int) -> int | None:
        raw = self.text(field)
        if not raw:
            return None
        if not re.fullmatch(r"[0-9]{1,6}", raw) or int(raw) > limit:
            self.problem(
                field, f"expected a number from 0 to {limit}, got {shown(raw)}"
            )
            return None
        return int(raw)


def cells_for(
    row_number: int,
    row: list[str] | tuple,
    positions: dict[str, int],
    headings: dict[str, str],
    problems: Problems,
) -> Cells:
    from pcnhub.register.importers.reading import cell_text

    values = {
        field: cell_text(row[i]) if i < len(row) else ""
        for field, i in positions.items()
    }
    return Cells(row_number, values, headings, problems)


def first_seen(
    problems: Problems,
    seen: dict[Any, tuple[int, Any]],
    key: Any,
    row: int,
    content: Any,
    what: str,
) -> bool:
    """True the first time ``key`` is seen; a disagreeing duplicate is a problem."""
    if key not in seen:
        seen[key] = (row, content)
        return True
    first_row, first_content = seen[key]
    if first_content == content:
        problems.skip(f"duplicate of an earlier row ({what})")
    else:
        problems.add(
            row,
            None,
            f"duplicate {what} {key!r} disagrees with row {first_row}",
        )
    return False
