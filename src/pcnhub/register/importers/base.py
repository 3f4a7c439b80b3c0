"""What every importer provides, and the parsing helpers they share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pcnhub.core import codes
from pcnhub.core.dates import parse_yyyymmdd
from pcnhub.register.importers.errors import Problems
from pcnhub.register.importers.writer import RegisterWriter

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


@dataclass
class Cells:
    """One row's cells by field name, with checks that record problems."""

    row: int
    values: dict[str, str]
    headings: dict[str, str]
    problems: Problems

    def text(self, field: str) -> str:
        return self.values.get(field, "").strip()

    def code(
        self, field: str, kind: str, *, allow: frozenset[str] = frozenset()
    ) -> str:
        value = codes.normalise(self.values.get(field))
        if value in allow:
            return value
        if not codes.is_valid(kind, value):
            shown = value or "(empty)"
            self.problems.add(
                self.row,
                self.headings[field],
                f"malformed {kind} ODS code {shown!r} "
                f"(expected {codes.PATTERNS[kind].pattern})",
            )
        return value

    def optional_code(self, field: str, kind: str) -> str | None:
        return self.code(field, kind) if self.text(field) else None

    def yyyymmdd(self, field: str) -> date | None:
        try:
            return parse_yyyymmdd(self.values.get(field))
        except ValueError as exc:
            self.problems.add(self.row, self.headings[field], f"impossible date: {exc}")
            return None

    def period(
        self, start_field: str, end_field: str
    ) -> tuple[date | None, date | None]:
        start, end = self.yyyymmdd(start_field), self.yyyymmdd(end_field)
        if start and end and end < start:
            self.problems.add(
                self.row,
                self.headings[end_field],
                f"impossible dates: ends {end:%Y-%m-%d} before it starts "
                f"{start:%Y-%m-%d} ({self.headings[start_field]!r})",
            )
        return start, end

    def count(self, field: str) -> Decimal | None:
        return self.number(field, whole=True)

    def number(self, field: str, *, whole: bool = False) -> Decimal | None:
        raw = self.text(field).replace(",", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.problems.add(
                self.row, self.headings[field], f"expected a number, got {raw!r}"
            )
            return None
        if value < 0 or (whole and value != value.to_integral_value()):
            kind = "a whole number" if whole else "a number"
            self.problems.add(
                self.row,
                self.headings[field],
                f"expected {kind} of patients, not negative, got {raw!r}",
            )
            return None
        return value.quantize(Decimal("0.01"))


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
