"""Dates as the NHS files write them, and the half-open periods we store."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

ONE_DAY = timedelta(days=1)

#: The NHS began on 5 July 1948; no practice, commissioner or list is older, so an
#: earlier date in a file is a typo or a placeholder (0001-01-01, 19000101).
ERA_START = date(1948, 7, 1)
#: Networks were announced with the Network Contract DES in January 2019 and began
#: on 1 July 2019: a network date before 2019 is a typo.
NETWORK_ERA_START = date(2019, 1, 1)
#: Far enough ahead for any planned change, and far from ``date.max``: the
#: register adds a day to end dates, which would overflow near 9999-12-31.
ERA_END = date(2099, 12, 31)
_YYYYMMDD = re.compile(r"[0-9]{8}")  # ASCII only: str.isdigit also takes "²"
_FILENAME_DATE = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])(?:-?([0-3]\d))?(?!\d)")


def long_date(day: date | None) -> str:
    """NHS.UK style: ``1 June 2021`` (services' messages and pages alike)."""
    return "" if day is None else f"{day.day} {day:%B %Y}"


def parse_yyyymmdd(text: str | None) -> date | None:
    """``"20190701"`` → 2019-07-01; empty → None; anything else raises ValueError."""
    value = (text or "").strip()
    if not value:
        return None
    if not _YYYYMMDD.fullmatch(value):
        raise ValueError(f"expected a date as YYYYMMDD, got {value!r}")
    return datetime.strptime(value, "%Y%m%d").date()


def parse_extract_date(text: str) -> date:
    """Extract dates in the registration files: ``01JAN2021`` or ``01-Jan-2023``."""
    value = text.strip()
    for fmt in ("%d%b%Y", "%d-%b-%Y", "%d-%b-%y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"expected an extract date such as 01JAN2021, got {value!r}")


def parse_iso(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {text!r}") from exc


def end_inclusive_to_exclusive(end: date | None) -> date | None:
    """NHS files give the last day of a relationship; we store the day after."""
    return None if end is None else end + ONE_DAY


def date_from_filename(name: str) -> date | None:
    """``epraccur-2019-12.csv`` → 2019-12-01; ``ePCN-2022-05-14.xlsx`` → 2022-05-14."""
    match = _FILENAME_DATE.search(name)
    if not match:
        return None
    year, month, day = match.groups()
    return date(int(year), int(month), int(day or 1))


def outside_era(day: date, earliest: date = ERA_START) -> str | None:
    """Why ``day`` cannot be a date in the register, or None if it can."""
    if earliest <= day <= ERA_END:
        return None
    return (
        f"date {day:%Y-%m-%d} is outside {earliest:%Y-%m-%d} to {ERA_END:%Y-%m-%d} "
        "(see docs/data-formats.md, Quirks and limits)"
    )
