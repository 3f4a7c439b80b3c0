"""Contract years as pages and APIs take them: ``?year=2021/22``."""

from __future__ import annotations

from datetime import date

from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters


def covered_years() -> tuple[ContractYear, ...]:
    """The contract years pcnhub has rules for."""
    return default_parameters().years


def default_year(day: date) -> ContractYear:
    """The contract year containing ``day``, or the nearest covered one."""
    years = covered_years()
    year = ContractYear.containing(day)
    if year in years:
        return year
    return years[0] if year < years[0] else years[-1]


def parse_year(text: str | None, day: date) -> ContractYear:
    """``2021/22`` (or ``2021-22``) → a covered contract year; the default if empty.

    Raises ValueError, saying which years are covered, for anything else.
    """
    if text is None or not text.strip():
        return default_year(day)
    years = covered_years()
    known = ", ".join(str(y) for y in years)
    try:
        year = ContractYear.parse(text.strip().replace("-", "/"))
    except ValueError:
        raise ValueError(
            f"“{text}” is not a contract year: choose one of {known}"
        ) from None
    if year not in years:
        raise ValueError(
            f"pcnhub has no contract rules for {year}: choose one of {known}"
        )
    return year
