"""Amounts in a financial schedule are finite numbers in digits (issue 15, item 4).

YAML gives floats (``.nan``, ``.inf``) and strings (``NaN``, ``1e400``); each is
refused naming the file and the field, never a decimal.InvalidOperation.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pcnhub.rules.distribution import ScheduleError, parse_schedule

BAD = [
    float("nan"),
    float("inf"),
    float("-inf"),
    "NaN",
    "sNaN",
    "-sNaN",
    "Infinity",
    "1e400",
    "1E2",
    "9" * 400,
    "0x10",
    True,
    None,
    [],
]


@pytest.mark.parametrize("value", BAD, ids=[repr(v)[:10] for v in BAD])
def test_fixed_amounts_are_finite_numbers(value: object) -> None:
    data = {"items": {"arrs_sum": {"fixed": {"Z91001": value}}}}
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(data, "schedule.yaml")
    message = str(caught.value)
    assert message.startswith("schedule.yaml: items.arrs_sum.fixed.Z91001: ")
    assert "number" in message


@pytest.mark.parametrize("value", BAD, ids=[repr(v)[:10] for v in BAD])
def test_percentages_are_finite_numbers(value: object) -> None:
    data = {"default": {"percent": {"Z91001": value, "Z91002": 50}}}
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(data, "schedule.yaml")
    assert str(caught.value).startswith("schedule.yaml: default.percent.Z91001: ")


@pytest.mark.parametrize(
    ("value", "amount"),
    [(1200, "1200"), (1200.5, "1200.5"), ("1200.50", "1200.50"), ("0", "0")],
)
def test_plain_amounts_are_read_exactly(value: object, amount: str) -> None:
    data = {"items": {"arrs_sum": {"fixed": {"Z91001": value}}}}
    method = parse_schedule(data, "schedule.yaml").method("arrs_sum")
    assert method.amounts == {"Z91001": Decimal(amount)}
