"""Network facts files: what the commissioner knows beyond the register.

Beside the governance record (``pcnhub.governance``), a CSV with one row per
network supplies care-home beds, IIF points and the like, and can override
recorded governance field by field. Every column but ``pcn_code`` is optional
and an empty cell means "not known". The whole file is read or nothing is: each
problem names the file, row and column.

Columns: ``pcn_code, clinical_directors`` (names separated by ``;``),
``nominated_payee, agreement_signed, schedules_complete, data_sharing,
covid_vaccination_es`` (yes/no), ``care_home_beds`` (whole number),
``iif_points, iif_prevalence_factor, caip_share`` (numbers; the CAIP share is
0 to 1), ``small_population_reason`` (text: the commissioner's approval reason).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import fields
from decimal import Decimal
from pathlib import Path

from pcnhub.core.codes import is_valid
from pcnhub.core.numbers import parse_decimal
from pcnhub.rules.snapshot import NetworkFacts


class FactsError(ValueError):
    """Problems in a facts file, each naming the file, row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in {"yes", "y", "true", "1"}:
        return True
    if value in {"no", "n", "false", "0"}:
        return False
    raise ValueError(f"expected yes or no, got {text!r}")


def _count(text: str) -> int:
    return int(parse_decimal(text, whole=True))


def _number(text: str) -> Decimal:
    # Not Decimal(text): it takes NaN, Infinity and 1e400, which fail only
    # later, in a comparison or a rounding, with no row or column.
    return parse_decimal(text)


def _share(text: str) -> Decimal:
    value = _number(text)
    if value > 1:
        raise ValueError("a share is between 0 and 1")
    return value


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(";") if n.strip())


PARSERS: dict[str, Callable[[str], object]] = {
    "clinical_directors": _names,
    "nominated_payee": lambda t: t.strip().upper(),
    "agreement_signed": _yes_no,
    "schedules_complete": _yes_no,
    "data_sharing": _yes_no,
    "covid_vaccination_es": _yes_no,
    "care_home_beds": _count,
    "iif_points": _number,
    "iif_prevalence_factor": _number,
    "caip_share": _share,
    "small_population_reason": str.strip,
}
assert set(PARSERS) == {f.name for f in fields(NetworkFacts)}
COLUMNS = ["pcn_code", *PARSERS]


def read_facts(path: Path) -> dict[str, NetworkFacts]:
    """Read a network facts CSV; raise :class:`FactsError` listing every problem."""
    name = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
            headings = rows[0].keys() if rows else []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FactsError([f"{name}: cannot read the file: {exc}"]) from None
    if not rows:
        raise FactsError([f"{name}: no rows (expected a header and one row a network)"])
    problems = [
        f"{name}: column {h!r} is not a network fact (known: {', '.join(COLUMNS)})"
        for h in headings
        if h not in COLUMNS
    ]
    if "pcn_code" not in headings:
        problems.append(f"{name}: the pcn_code column is missing")
    facts: dict[str, NetworkFacts] = {}
    for number, row in enumerate(rows, start=2):
        code = (row.get("pcn_code") or "").strip().upper()
        if not is_valid("network", code):
            problems.append(
                f"{name}: row {number}, column pcn_code: {code!r} is not "
                "a PCN code (U and five digits)"
            )
            continue
        if code in facts:
            problems.append(
                f"{name}: row {number}, column pcn_code: {code} appears twice"
            )
            continue
        values = {}
        for column, parse in PARSERS.items():
            text = (row.get(column) or "").strip()
            if not text:
                continue
            try:
                values[column] = parse(text)
            except ValueError as exc:
                problems.append(f"{name}: row {number}, column {column}: {exc}")
        facts[code] = NetworkFacts(**values)
    if problems:
        raise FactsError(problems)
    return facts
