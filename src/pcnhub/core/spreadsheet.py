"""Cells fit to open in a spreadsheet: text that would start a formula is neutralised.

Names and other text come from NHS files and from users, and are stored and shown
as given. A spreadsheet opening a CSV or Excel export would run text such as
``=HYPERLINK(...)`` or ``-2+3+cmd|' /C calc'!A0`` as a formula (CSV injection), so
every export passes each cell through :func:`safe_cell` (see docs/security.md,
"Spreadsheet exports"). JSON exports and the pages are not changed.

The rule (after OWASP's CSV injection guidance): text whose first character is
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe,
which spreadsheets read as "this is text". Text that is only a number, such as
``-12.50``, is left as it is: a spreadsheet reads it as that number and nothing
else, so negative amounts (written as text by the contract exports) stay numbers.
Values that are not text (numbers, dates, None) are never changed.
"""

from __future__ import annotations

import re
from typing import TypeVar

#: What a spreadsheet takes as the start of a formula (or hides one behind).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Plain decimal numbers, which are safe as they are.
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")

T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    """``value``, or for formula-like text, the text behind an apostrophe."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value
