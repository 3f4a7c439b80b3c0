"""Contract years (1 April – 31 March), their months and how they are written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcnhub.rules.periods import ContractYear, month_label, parse_month

YEARS = st.integers(min_value=1000, max_value=9998).map(ContractYear)


@pytest.mark.parametrize(
    ("text", "start_year"),
    [("2020/21", 2020), ("2019/20", 2019), ("1999/00", 1999), (" 2025/26\n", 2025)],
)
def test_parse_good(text: str, start_year: int) -> None:
    year = ContractYear.parse(text)
    assert year == ContractYear(start_year)
    assert year.start == date(start_year, 4, 1)
    assert year.end == date(start_year + 1, 4, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020/22", "the second part must be the year after the first (2020/21)"),
        ("2020/20", "the second part must be the year after the first (2020/21)"),
        ("2021/20", "the second part must be the year after the first (2021/22)"),
        ("20/21", "a contract year looks like 2020/21, not '20/21'"),
        ("2020-21", "a contract year looks like 2020/21, not '2020-21'"),
        ("2020/2021", "a contract year looks like 2020/21"),
        ("2020", "a contract year looks like 2020/21"),
        ("", "a contract year looks like 2020/21"),
        ("2020/21/22", "a contract year looks like 2020/21"),
        ("year 2020/21", "a contract year looks like 2020/21"),
    ],
)
def test_parse_bad(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        ContractYear.parse(text)
    assert message in str(caught.value)


def test_containing_at_the_boundaries() -> None:
    assert ContractYear.containing(date(2021, 3, 31)) == ContractYear(2020)
    assert ContractYear.containing(date(2021, 4, 1)) == ContractYear(2021)
    assert ContractYear.containing(date(2021, 1, 1)) == ContractYear(2020)
    assert ContractYear.containing(date(2020, 12, 31)) == ContractYear(2020)
    assert ContractYear.containing(date(2020, 4, 1)) == ContractYear(2020)


@given(st.dates(min_value=date(1001, 1, 1), max_value=date(9998, 12, 31)))
@settings(max_examples=60)
def test_containing_puts_a_day_inside_its_year(day: date) -> None:
    year = ContractYear.containing(day)
    assert year.start <= day < year.end
    assert ContractYear.containing(year.start) == year
    assert ContractYear.containing(year.end - timedelta(days=1)) == year
    assert ContractYear.containing(year.end) == ContractYear(year.start_year + 1)


def test_months_of_2020_21() -> None:
    months = ContractYear(2020).months
    assert len(months) == 12
    assert months[0] == date(2020, 4, 1)
    assert months[-1] == date(2021, 3, 1)
    assert months[8:10] == (date(2020, 12, 1), date(2021, 1, 1))


@given(YEARS)
@settings(max_examples=60)
def test_months_are_the_twelve_firsts_in_order(year: ContractYear) -> None:
    months = year.months
    assert len(months) == len(set(months)) == 12
    assert list(months) == sorted(months)
    assert months[0] == year.start
    assert months[-1].month == 3 and months[-1].year == year.start_year + 1
    assert all(m.day == 1 and ContractYear.containing(m) == year for m in months)


def test_population_date_is_1_january_before_the_year() -> None:
    assert ContractYear(2020).population_date == date(2020, 1, 1)
    year = ContractYear.parse("2024/25")
    assert year.population_date < year.start
    assert ContractYear.containing(year.population_date) == ContractYear(2023)


def test_str() -> None:
    assert str(ContractYear(2020)) == "2020/21"
    assert str(ContractYear(1999)) == "1999/00"
    assert str(ContractYear(2009)) == "2009/10"


@given(YEARS)
@settings(max_examples=60)
def test_str_round_trips(year: ContractYear) -> None:
    assert ContractYear.parse(str(year)) == year


def test_years_order_by_start() -> None:
    years = [ContractYear(2022), ContractYear(2019), ContractYear(2020)]
    assert sorted(years) == [ContractYear(2019), ContractYear(2020), ContractYear(2022)]
    assert ContractYear(2019) < ContractYear(2020)


def test_month_label_and_parse_month() -> None:
    assert month_label(date(2020, 4, 1)) == "2020-04"
    assert parse_month(" 2021-03 ") == date(2021, 3, 1)
    for bad in ("2021-13", "2021/03", "2021-03-01", "March 2021", ""):
        with pytest.raises(ValueError, match="a month looks like 2020-04"):
            parse_month(bad)


@given(YEARS)
@settings(max_examples=30)
def test_month_labels_round_trip(year: ContractYear) -> None:
    for month in year.months:
        assert parse_month(month_label(month)) == month
