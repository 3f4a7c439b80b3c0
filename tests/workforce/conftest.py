"""Census files for the workforce tests: the small fixture, and variants of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "census-2021-03.csv"
HEADER = GOOD.read_text(encoding="utf-8").splitlines()[0]
COLUMNS = HEADER.split(",")


def with_cell(line: str, column: str, value: str) -> str:
    cells = line.split(",")
    cells[COLUMNS.index(column)] = value
    return ",".join(cells)


@pytest.fixture
def census_file(tmp_path: Path) -> Callable[..., Path]:
    """The fixture, written to ``name``; ``change`` maps a data row (2 on) to
    ``{column: value}`` to put in it; ``month`` moves every row to that month."""

    def write(
        name: str = "census.csv",
        change: dict[int, dict[str, str]] | None = None,
        month: tuple[int, int] | None = None,
        header: str = HEADER,
        encoding: str = "utf-8",
    ) -> Path:
        lines = GOOD.read_text(encoding="utf-8").splitlines()
        lines[0] = header
        for row, cells in (change or {}).items():
            for column, value in cells.items():
                lines[row - 1] = with_cell(lines[row - 1], column, value)
        if month is not None:
            year, number = (str(part) for part in month)
            for i in range(1, len(lines)):
                lines[i] = with_cell(lines[i], "CENSUS_YEAR", year)
                lines[i] = with_cell(lines[i], "CENSUS_MONTH", number)
        path = tmp_path / name
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
        return path

    return write
