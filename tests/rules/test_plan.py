"""The workforce plan's projection (pcnhub.rules.plan): figures worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pcnhub.rules.claims import Post
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.plan import PlannedRow, project
from pcnhub.rules.registry import default_parameters

PARAMETERS = default_parameters()
D = Decimal


def splw(
    start: date, salary: str = "28000", on_costs: str | None = "6000"
) -> PlannedRow:
    return PlannedRow(
        role="social_prescribing_link_worker",
        start=start,
        wte=D(1),
        salary=D(salary),
        on_costs=None if on_costs is None else D(on_costs),
    )


def test_a_full_time_link_worker_from_october_182_of_365_days() -> None:
    # 2020/21 (no 29 February): October to March is 182 of 365 days. £28,000 +
    # £6,000 on-costs = £34,000 a year, within the £35,389 maximum (from
    # 1 April 2020), at 100%: each month £34,000 × days / 365, to the penny.
    year = ContractYear(2020)
    result = project("U1", year, [], [splw(date(2020, 10, 1))], D("20000"), PARAMETERS)
    by_month = {m.month: m.planned for m in result.months}
    assert by_month[date(2020, 9, 1)] == D("0.00")
    assert by_month[date(2020, 10, 1)] == D("2887.67")  # 34000 × 31 / 365
    assert by_month[date(2020, 11, 1)] == D("2794.52")  # 34000 × 30 / 365
    assert by_month[date(2021, 2, 1)] == D("2608.22")  # 34000 × 28 / 365
    # 2887.67 × 4 + 2794.52 + 2608.22, equal here to 34000 × 182 / 365 to the penny
    assert result.planned == D("16953.42") == result.projected
    assert result.months[-1].cumulative == D("16953.42")
    assert result.existing == D("0.00")
    assert result.headroom == D("3046.58") == result.underspend
    assert result.overspend == D("0") and result.over_from() is None
    assert result.row_spend == (D("16953.42"),)
    assert any(
        p.startswith("arrs_roles.social_prescribing_link_worker.maximum = £35,389")
        for p in result.parameters
    )
    assert result.notes == ()


def test_a_leap_year_counts_183_of_366_days() -> None:
    # 2023/24 holds 29 February 2024: October to March is 183 of 366 days, so
    # £36,000 a year (within the £40,159 maximum) gives exactly £18,000.
    year = ContractYear(2023)
    row = splw(date(2023, 10, 1), salary="30000", on_costs="6000")
    result = project("U1", year, [], [row], D("18000"), PARAMETERS)
    assert result.planned == D("18000.00")
    assert result.headroom == D("0.00")
    assert result.underspend == 0 and result.overspend == 0


def test_an_existing_post_and_a_plan_overspend_and_it_is_shown() -> None:
    year = ContractYear(2020)
    existing = Post(
        person="S1",
        network="U1",
        role="care_coordinator",
        wte=D(1),
        salary=D("20000"),
        on_costs=D("4000"),
        start=date(2019, 4, 1),
    )
    result = project(
        "U1", year, [existing], [splw(date(2020, 10, 1))], D("30000"), PARAMETERS
    )
    # a whole year in post at £24,000 (within the £29,135 maximum): the months
    # rounded to the penny add up to within a few pence of £24,000
    assert abs(result.existing - D("24000")) < D("0.05")
    assert result.planned == D("16953.42")
    assert result.projected == result.existing + result.planned
    assert result.overspend == result.projected - D("30000") > D("10000")
    assert result.headroom == -result.overspend and result.underspend == 0
    # December: 9 months of £24,000 (≈ £17,951) + £8,569.86 planned < £30,000;
    # January: ≈ £19,989 + £11,457.53 > £30,000
    assert result.over_from() == date(2021, 1, 1)
    cumulative = [m.cumulative for m in result.months]
    assert cumulative == sorted(cumulative) and cumulative[-1] == result.projected


def test_an_ineligible_role_and_an_unpublished_maximum_are_noted() -> None:
    year = ContractYear(2024)
    nurse = PlannedRow("general_practice_nurse_new", date(2024, 4, 1), D(1), D("30000"))
    late = splw(date(2024, 10, 1))
    result = project("U1", year, [], [nurse, late], D("100000"), PARAMETERS)
    assert result.row_spend == (D("0.00"), D("0.00"))
    notes = " ".join(result.notes)
    assert "Planned row 1 (general_practice_nurse_new)" in notes
    assert "not an eligible ARRS role then" in notes
    assert "Planned row 2 (social_prescribing_link_worker)" in notes
    assert "arrs_roles.social_prescribing_link_worker.maximum" in notes
    assert "not published" in notes
    assert result.underspend == D("100000")


def test_the_duplicate_check_applies_to_existing_posts() -> None:
    # the same person claimed first by another network: this network's post
    # claims nothing, and the projection says why
    year = ContractYear(2020)
    theirs = Post("S1", "U2", "care_coordinator", D(1), D("20000"), date(2019, 4, 1))
    ours = Post("S1", "U1", "care_coordinator", D(1), D("20000"), date(2020, 4, 1))
    result = project("U1", year, [theirs, ours], [], D("10000"), PARAMETERS)
    assert result.existing == D("0.00")
    assert "claimed by another post" in " ".join(result.notes)


def test_no_sum_known_gives_no_headroom() -> None:
    result = project(
        "U1", ContractYear(2020), [], [splw(date(2020, 10, 1))], None, PARAMETERS
    )
    assert result.headroom is None and result.underspend == 0
    assert "ARRS sum for 2020/21 is not known" in result.notes[-1]


def test_a_planned_row_round_trips_and_checks_itself() -> None:
    row = PlannedRow("gp", date(2024, 6, 1), D("0.5"), D("40000"), end=date(2025, 1, 1))
    assert PlannedRow.from_dict(row.as_dict()) == row
    assert row.as_post("U1", 3).end == date(2025, 1, 31)
    with pytest.raises(ValueError):
        PlannedRow("gp", date(2024, 6, 1), D("1.2"), D("1"))
    with pytest.raises(ValueError):
        PlannedRow("gp", date(2024, 6, 1), D("1"), D("1"), end=date(2024, 5, 1))
