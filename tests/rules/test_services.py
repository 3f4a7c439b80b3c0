"""The service requirements and access-hours rules, from the parameter files,
against figures worked out by hand from the reference (§7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pcnhub.rules import services
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Practice


@pytest.fixture(scope="module")
def parameters():  # type: ignore[no-untyped-def]
    return default_parameters()


def due(parameters, year: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        r.code for r in services.requirements_due(parameters, ContractYear.parse(year))
    }


def test_every_covered_year_has_requirements(parameters) -> None:
    for year in parameters.years:
        assert services.requirements_due(parameters, year), year


def test_2019_20_is_extended_hours_only_from_1_july(parameters) -> None:
    (only,) = services.requirements_due(parameters, ContractYear(2019))
    assert only.code == "extended_hours_access"
    assert only.due_from == date(2019, 7, 1) and only.due_to == date(2020, 3, 31)


def test_care_homes_due_from_2020_21(parameters) -> None:
    assert "enhanced_health_in_care_homes" not in due(parameters, "2019/20")
    assert "enhanced_health_in_care_homes" in due(parameters, "2020/21")
    ehch = next(
        r
        for r in services.requirements_due(parameters, ContractYear(2020))
        if r.code == "enhanced_health_in_care_homes"
    )
    assert ehch.due_from == date(2020, 10, 1)
    assert "N13" in ehch.value.source.refs


def test_extended_hours_ends_september_2022_and_enhanced_access_begins(
    parameters,
) -> None:
    year = {
        r.code: r for r in services.requirements_due(parameters, ContractYear(2022))
    }
    assert year["extended_hours_access"].due_to == date(2022, 9, 30)
    assert year["enhanced_access"].due_from == date(2022, 10, 1)
    assert "extended_hours_access" not in due(parameters, "2023/24")
    assert "enhanced_access" not in due(parameters, "2021/22")
    assert "enhanced_access" in due(parameters, "2025/26")


def test_2024_25_single_specification_replaces_the_eight(parameters) -> None:
    assert due(parameters, "2024/25") == {"enhanced_access", "single_specification"}


def test_2026_27_adds_continuity_and_care_home_vaccination_provisionally(
    parameters,
) -> None:
    year = {
        r.code: r for r in services.requirements_due(parameters, ContractYear(2026))
    }
    for code in ("continuity_of_care", "care_home_vaccination"):
        assert year[code].provisional, code
        assert year[code].due_from == date(2026, 4, 1)
    assert "continuity_of_care" not in due(parameters, "2025/26")
    assert not year["cqrs_service_data"].provisional


def test_required_minutes_extended_hours_by_hand(parameters) -> None:
    # The reference's worked network: 42,000 registered × 30 / 1,000 = 1,260.
    members = [
        Practice("A", registered=Decimal(20_000), weighted=Decimal(21_000)),
        Practice("B", registered=Decimal(22_000), weighted=Decimal(23_500)),
    ]
    found = services.required_minutes(parameters, date(2020, 6, 1), members)
    assert found is not None
    assert found.minutes == 1260 and found.basis == "registered"
    assert found.value.parameter == "service_requirements.extended_hours_minutes"
    assert "L5" in found.value.source.refs
    assert found.population.parts == (("A", Decimal(20_000)), ("B", Decimal(22_000)))
    assert "1,260 minutes a week" in found.lines()[0]


def test_extended_hours_rounds_to_the_nearest_quarter_hour(parameters) -> None:
    # 41,301 × 30 / 1,000 = 1,239.03 → 1,245 (83 quarter hours); 50,000 → 25 hours.
    day = date(2021, 6, 1)
    assert services.weekly_minutes(parameters, day, Decimal(41_301)).minutes == 1245
    assert services.weekly_minutes(parameters, day, Decimal(50_000)).minutes == 1500


def test_enhanced_access_counts_the_adjusted_population(parameters) -> None:
    members = [
        Practice("A", registered=Decimal(20_000), adjusted=Decimal(21_111)),
        Practice("B", registered=Decimal(22_000), adjusted=Decimal(23_389)),
    ]
    found = services.required_minutes(parameters, date(2023, 1, 9), members)
    # 44,500 adjusted × 60 / 1,000 = 2,670
    assert found is not None and found.basis == "adjusted" and found.minutes == 2670
    # 44,501 × 60 / 1,000 = 2,670.06 → 2,671 (rounded up)
    assert (
        services.weekly_minutes(parameters, date(2023, 1, 9), Decimal(44_501)).minutes
        == 2671
    )


def test_weighted_list_stands_in_for_adjusted_and_says_so(parameters) -> None:
    members = [Practice("A", registered=Decimal(10_000), weighted=Decimal(12_000))]
    found = services.required_minutes(parameters, date(2024, 6, 3), members)
    assert found is not None and found.minutes == 720
    assert "weighted list used" in found.population.note


def test_no_minimum_before_july_2019_and_2026_27_is_provisional(parameters) -> None:
    assert services.weekly_minutes(parameters, date(2019, 6, 3), Decimal(1000)) is None
    later = services.weekly_minutes(parameters, date(2026, 6, 1), Decimal(10_000))
    assert later is not None and later.minutes == 600 and later.provisional
    assert any("provisional" in line for line in later.lines())


def test_access_finding_below_and_met(parameters) -> None:
    required = services.weekly_minutes(parameters, date(2020, 6, 1), Decimal(42_000))
    assert required is not None
    below = services.access_finding("U1", "99Z", date(2020, 6, 1), 1200, required)
    assert below.outcome == "breach" and "60 short" in below.message
    assert below.evidence["required_minutes"] == "1260"
    assert below.citations and below.citations[0].code == "L5"
    met = services.access_finding("U1", "99Z", date(2020, 6, 1), 1260, required)
    assert met.outcome == "met"
