"""The contract year (1 April – 31 March) and its months."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class ContractYear:
    """A contract year, named as the NHS names it: ``2020/21``."""

    start_year: int

    @classmethod
    def parse(cls, text: str) -> ContractYear:
        """``"2020/21"`` → the year from 1 April 2020 to 31 March 2021.

        >>> ContractYear.parse("2020/21").start
        datetime.date(2020, 4, 1)
        """
        match = _YEAR.match(text.strip())
        if not match:
            raise ValueError(f"a contract year looks like 2020/21, not {text!r}")
        first, second = int(match[1]), int(match[2])
        if (first + 1) % 100 != second:
            raise ValueError(
                f"{text!r} is not a contract year: the second part must be the "
                f"year after the first ({first}/{(first + 1) % 100:02d})"
            )
        return cls(first)

    @classmethod
    def containing(cls, day: date) -> ContractYear:
        """The contract year that ``day`` falls in (April starts a new one)."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        """The first day after the year (exclusive end), 1 April next year."""
        return date(self.start_year + 1, 4, 1)

    @property
    def population_date(self) -> date:
        """Lists are taken on 1 January before the year (DESIGN conventions)."""
        return date(self.start_year, 1, 1)

    @property
    def months(self) -> tuple[date, ...]:
        """The first day of each of the year's twelve months, April first."""
        return _months(self.start_year)

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"


@cache
def _months(start_year: int) -> tuple[date, ...]:
    return tuple(date(start_year + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3))


def month_label(month: date) -> str:
    """``2020-04``: how months are written in exports."""
    return f"{month.year:04d}-{month.month:02d}"


def parse_month(text: str) -> date:
    """``"2020-04"`` → 2020-04-01."""
    try:
        year, month = text.strip().split("-")
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise ValueError(f"a month looks like 2020-04, not {text!r}") from exc
