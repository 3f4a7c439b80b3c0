"""Problems found in an input file, each naming the file, row and column."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

MAX_REPORTED = 50
#: Values quoted in problem messages are cut to this length: a 100,000-character
#: cell must not make a 100,000-character report.
MAX_SHOWN = 60


def shown(value: str) -> str:
    """``value`` quoted for a problem message, shortened if it is long."""
    if len(value) <= MAX_SHOWN:
        return repr(value)
    return f"{value[:MAX_SHOWN]!r}... ({len(value):,} characters)"


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class ImportRejected(Exception):
    """The file was not imported; nothing of it was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.summary())

    def summary(self) -> str:
        shown = [str(p) for p in self.problems[:MAX_REPORTED]]
        more = len(self.problems) - len(shown)
        if more > 0:
            shown.append(f"... and {more} more problems")
        return "\n".join(shown)


class Problems:
    """Collects problems while a file is read, so that all are reported at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []
        self.skipped: Counter[str] = Counter()
        self.tolerated: dict[str, list[str]] = {}

    def tolerate(self, rule: str, where: str) -> None:
        """A known quirk resolved by a named rule (docs/data-formats.md), reported."""
        self.tolerated.setdefault(rule, []).append(where)

    def skip(self, reason: str) -> None:
        """A row read but deliberately not imported, counted by reason."""
        self.skipped[reason] += 1

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.items.append(Problem(self.file, row, column, message))

    def reject(self, row: int | None, column: str | None, message: str) -> None:
        self.add(row, column, message)
        raise ImportRejected(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRejected(self.items)
