"""Numbers as people and NHS files write them: plain digits, finite, bounded.

``Decimal()`` alone takes ``NaN``, ``sNaN``, ``Infinity``, exponents (``1e3``,
``1e400``) and any number of digits; each of those later raises
``decimal.InvalidOperation`` (a NaN compared, a huge number rounded to pennies)
far from the input that caused it. Everything a person or a file gives as a
number goes through :func:`parse_decimal`, whose ``ValueError`` the caller
reports with the file, row and column, the field or the option.

It lives in :mod:`pcnhub.rules` because the rules read financial schedules and
import no other pcnhub package (ADR 0006); :mod:`pcnhub.core.numbers` re-exports
it for the importers, forms and commands.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

#: ASCII digits (``str.isdigit`` would also take ``²``), with commas only as
#: thousands separators in groups of three where a file writes them ("12,000";
#: "1,5" could be a decimal comma, so it is refused).
DIGITS = r"[0-9]+"
THOUSANDS_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
#: Far more than any amount, rate or list the contract handles (a trillion
#: pounds has 13 digits), and well inside Decimal's 28 significant digits, so
#: sums and roundings of such numbers stay exact.
MAX_WHOLE_DIGITS = 15
MAX_FRACTION_DIGITS = 10
_SHOWN = 60


def number_pattern(
    *, whole: bool = False, thousands: bool = False, negative: bool = False
) -> re.Pattern[str]:
    """The digits a number may be written in: no sign unless ``negative``, no
    exponent, no NaN or Infinity."""
    sign = "-?" if negative else ""
    digits = THOUSANDS_DIGITS if thousands else DIGITS
    fraction = "" if whole else r"(?:\.[0-9]+)?"
    return re.compile(sign + digits + fraction)


def _shown(text: str) -> str:
    if len(text) <= _SHOWN:
        return repr(text)
    return f"{text[:_SHOWN]!r}... ({len(text):,} characters)"


def _as_text(value: object) -> str:
    """The text of a number given as text or by a YAML/JSON reader."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    # repr keeps a float's shortest exact digits (1200.5, not 1200.49999...).
    return repr(value) if isinstance(value, float) else str(value)


def parse_decimal(
    value: object,
    *,
    whole: bool = False,
    thousands: bool = False,
    negative: bool = False,
    maximum: Decimal | None = None,
) -> Decimal:
    """``value`` as an exact, finite Decimal, or ValueError saying what is wrong.

    ``whole``: no decimal point; ``thousands``: commas between thousands are
    allowed; ``negative``: a leading minus is allowed; ``maximum``: the largest
    value accepted.
    """
    text = _as_text(value)
    kind = "a whole number" if whole else "a number"
    if not number_pattern(whole=whole, thousands=thousands, negative=True).fullmatch(
        text
    ):
        example = "12,000" if thousands else ("9000" if whole else "1200.50")
        raise ValueError(
            f"expected {kind} in digits, such as {example} (no exponent, NaN or "
            f"Infinity), got {_shown(text)}"
        )
    if text.startswith("-") and not negative:
        raise ValueError(f"cannot be negative (got {_shown(text)})")
    whole_part, _, fraction = text.lstrip("-").replace(",", "").partition(".")
    if len(whole_part.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise ValueError(
            f"{_shown(text)} is too large: {kind} has at most "
            f"{MAX_WHOLE_DIGITS} digits before the point"
        )
    if len(fraction) > MAX_FRACTION_DIGITS:
        raise ValueError(
            f"{_shown(text)} has more than {MAX_FRACTION_DIGITS} digits after the "
            f"point: give {kind} to at most {MAX_FRACTION_DIGITS} places"
        )
    number = Decimal(text.replace(",", ""))
    if maximum is not None and number > maximum:
        raise ValueError(f"{_shown(text)} is more than {maximum:,}, the most allowed")
    return number
