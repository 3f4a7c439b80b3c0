"""Numbers as people and NHS files write them: see :mod:`pcnhub.rules.numbers`.

The parser is defined in the rules, which may import no other pcnhub package
(ADR 0006, checked by import-linter); the importers, forms and commands keep
importing it from here, so there is one definition and no second copy.
"""

from __future__ import annotations

from pcnhub.rules.numbers import (
    DIGITS,
    MAX_FRACTION_DIGITS,
    MAX_WHOLE_DIGITS,
    THOUSANDS_DIGITS,
    number_pattern,
    parse_decimal,
)

__all__ = [
    "DIGITS",
    "MAX_FRACTION_DIGITS",
    "MAX_WHOLE_DIGITS",
    "THOUSANDS_DIGITS",
    "number_pattern",
    "parse_decimal",
]
