"""ODS code formats, checked at the boundary (see docs/data-formats.md)."""

from __future__ import annotations

import re

PATTERNS: dict[str, re.Pattern[str]] = {
    # England and Wales GP practices / prescribing cost centres: letter + 5 digits
    # (a few historic centres use letter + 5 alphanumerics).
    "practice": re.compile(r"^[A-Z][0-9A-Z]{5}$"),
    "network": re.compile(r"^U[0-9]{5}$"),
    # CCGs / sub-ICB locations: 3 characters (16C), or 5 for some 2020-21
    # mergers (X2C4Y, D4U1Y).
    "commissioner": re.compile(r"^[0-9A-Z]{3}(?:[0-9A-Z]{2})?$"),
    "system": re.compile(r"^Q[0-9A-Z]{2}$"),
    "region": re.compile(r"^Y[0-9]{2}$"),
}

NO_NETWORK_CODES = frozenset({"U"})
"""PCN code used by NHS files for "Unknown"/"Unallocated": the practice is in no PCN."""


def is_valid(kind: str, code: str) -> bool:
    return bool(PATTERNS[kind].match(code))


def normalise(code: str | None) -> str:
    return (code or "").strip().upper()
