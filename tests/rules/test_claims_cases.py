"""Hand-computed ARRS claim cases (``tests/rules/claims_cases/*.yaml``).

Each case gives posts, the months claimed and the figures worked out on paper
from the reference and the parameter files (the arithmetic is in the YAML
comments). The runner computes the lines with :func:`claim_lines` (duplicate
check included), then, when the case gives them, holds them within the ARRS sum
(``arrs_sum``), sums what is not additional (``not_additional_total``) and works
out adjustment lines (``old_parameters``: values that were in force when the
months were first claimed; the lines are claimed on them and adjusted to the
shipped parameters).

Conventions: amounts are strings; ``actual_cost`` and ``cap`` are compared to the
penny (half up); ``findings`` maps every finding code the line must have (and
no other) to its amount, or null when the amount is not checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from pcnhub.rules.claim_checks import (
    adjustments,
    claim_lines,
    not_additional_total,
    within_arrs_sum,
)
from pcnhub.rules.claims import ClaimLine, Post
from pcnhub.rules.money import penny
from pcnhub.rules.params import Parameters
from pcnhub.rules.periods import parse_month
from pcnhub.rules.registry import default_parameters

CASES_DIR = Path(__file__).with_name("claims_cases")
CASE_KEYS = {
    "name",
    "months",
    "posts",
    "lines",
    "arrs_sum",
    "not_additional_total",
    "old_parameters",
    "adjustments",
    "why",
}
DECIMALS = {"wte", "salary", "on_costs", "employer_ni"}


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


def _post(raw: dict[str, Any]) -> Post:
    fields = {k: Decimal(str(v)) if k in DECIMALS else v for k, v in raw.items()}
    return Post(**fields)


def _old(parameters: Parameters, raw: dict[str, Any]) -> Parameters:
    """The parameters with the given values replaced: {name: {date: value}}."""
    for name, by_date in raw.items():
        values = []
        for value in parameters[name].values:
            if value.start in by_date:
                value = dataclasses.replace(
                    value, value=Decimal(str(by_date[value.start]))
                )
            values.append(value)
        parameters = parameters.with_values(name, values)
    return parameters


def _check_line(line: ClaimLine, expected: dict[str, Any]) -> None:
    where = f"{line.post.id} {line.month:%Y-%m}"
    simple = {
        "days_in_post": line.days_in_post,
        "days_claimed": line.days_claimed,
        "actual_cost": str(penny(line.actual_cost)),
        "cap": str(penny(line.cap)),
        "claimable": str(line.claimable),
        "rates": [str(r) for r in line.rates],
        "provisional": line.provisional,
    }
    for key, got in simple.items():
        if key in expected:
            want = expected[key]
            want = [str(w) for w in want] if key == "rates" else want
            want = (
                str(want)
                if isinstance(want, int | float | Decimal)
                and key
                in (
                    "actual_cost",
                    "cap",
                    "claimable",
                )
                else want
            )
            assert got == want, f"{where}: {key} is {got}, expected {want}"
    findings = {f.code: f for f in line.findings}
    want_findings = expected.get("findings") or {}
    assert set(findings) == set(want_findings), (
        f"{where}: findings {sorted(findings)}, expected {sorted(want_findings)}: "
        + " | ".join(f.message for f in line.findings)
    )
    for code, amount in want_findings.items():
        if amount is not None:
            assert str(findings[code].amount) == str(amount), (
                f"{where}: {code} amount {findings[code].amount}, expected {amount}"
            )
        assert "£" in findings[code].message or findings[code].code in {
            "gp_cct_not_recorded",
            "baseline_exception",
        }, findings[code].message


@pytest.mark.parametrize("case", _cases())
def test_claim_case(case: dict[str, Any]) -> None:
    assert set(case) <= CASE_KEYS, sorted(set(case) - CASE_KEYS)
    shipped = default_parameters()
    parameters = (
        _old(shipped, case["old_parameters"]) if "old_parameters" in case else shipped
    )
    posts = [_post(p) for p in case["posts"]]
    lines = [
        line
        for month in case["months"]
        for line in claim_lines(posts, parse_month(str(month)), parameters)
    ]
    if "arrs_sum" in case:
        lines = within_arrs_sum(lines, Decimal(str(case["arrs_sum"])))
        assert sum(x.claimable for x in lines) <= Decimal(str(case["arrs_sum"]))
    by_key = {(x.post.id, f"{x.month:%Y-%m}"): x for x in lines}
    for expected in case.get("lines", []):
        key = (expected["post"], str(expected["month"]))
        assert key in by_key, f"no line {key}; lines: {sorted(by_key)}"
        _check_line(by_key[key], expected)
    if "not_additional_total" in case:
        total = not_additional_total(lines)
        assert total is not None
        assert str(total.amount) == str(case["not_additional_total"]), total.message
        assert f"£{Decimal(str(case['not_additional_total'])):,}" in total.message
    if "adjustments" in case:
        _check_adjustments(lines, shipped, case)


def _check_adjustments(
    lines: list[ClaimLine], shipped: Parameters, case: dict[str, Any]
) -> None:
    got = adjustments(lines, shipped, case.get("why", ""))
    assert [f"{a.month:%Y-%m}" for a in got] == [
        str(e["month"]) for e in case["adjustments"]
    ]
    for adjustment, expected in zip(got, case["adjustments"], strict=True):
        assert str(adjustment.claimed) == str(expected["claimed"])
        assert str(adjustment.due) == str(expected["due"])
        assert str(adjustment.difference) == str(expected["difference"])
        for words in expected.get("reason_contains", []):
            assert words in adjustment.reason, adjustment.reason
        assert adjustment.as_dict()["difference"] == str(expected["difference"])


def test_the_cases_were_found() -> None:
    assert len(_cases()) >= 10


def test_a_wrong_expectation_fails() -> None:
    """The runner compares what it is given: a penny out is a failure."""
    line = claim_lines(
        [
            _post(
                {
                    "person": "X",
                    "network": "U1",
                    "role": "clinical_pharmacist",
                    "wte": 1,
                    "salary": 45000,
                    "on_costs": 9000,
                    "start": dt.date(2019, 7, 1),
                }
            )
        ],
        dt.date(2020, 4, 1),
        default_parameters(),
    )[0]
    _check_line(line, {"claimable": "4438.36"})
    with pytest.raises(AssertionError):
        _check_line(line, {"claimable": "4438.37"})
    with pytest.raises(AssertionError):
        _check_line(line, {"findings": {"capped": None}})
