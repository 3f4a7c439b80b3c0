"""The overlap report: the seed's scenario (locally funded link workers not
additional, an ARRS link worker paid twice) and service overlaps, with the
amounts at stake worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pcnhub.rules.periods import ContractYear
from pcnhub.schemes import demo
from pcnhub.schemes.overlaps import DOUBLE, NOT_ADDITIONAL, SERVICE, overlap_report
from pcnhub.schemes.records import record_scheme
from pcnhub.workforce import staff
from tests.schemes.conftest import ACTOR, link_worker, roles_scheme, service_scheme

pytestmark = pytest.mark.django_db
Y2019 = ContractYear.parse("2019/20")
Y2020 = ContractYear.parse("2020/21")


def test_fifteen_local_link_workers_are_not_additional(demo_data: None) -> None:
    """The seed's scenario in 2019/20: the ARRS starts on 1 July 2019, so
    1 April-30 June claims nothing. From July each post's £35,000 a year is above
    the £34,113 cap, so each month would claim the cap: 2019/20 holds 29 Feb, so
    a day is 1/366: £34,113 × 31 ÷ 366 = £2,889.35 (6 such months), × 30 ÷ 366 =
    £2,796.15 (Sep, Nov), × 29 ÷ 366 = £2,702.94 (Feb): £25,631.34 a post."""
    record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme())
    for n in range(15):
        staff.record_post(ACTOR, "U99001", link_worker(name=f"Worker {n}"))
    report = overlap_report(Y2019, commissioner="99Z")
    assert {r.kind for r in report.rows} == {NOT_ADDITIONAL}
    assert len(report.rows) == 15
    per_post = 6 * Decimal("2889.35") + 2 * Decimal("2796.15") + Decimal("2702.94")
    assert per_post == Decimal("25631.34")
    assert all(r.amount == per_post for r in report.rows)
    assert report.total == 15 * per_post == Decimal("384470.10")
    row = report.rows[0]
    assert row.scheme == "LFR-1" and row.network == "U99001" and row.days == 366
    assert "not additional" in row.explanation and "£25,631.34" in row.explanation
    assert "91 day(s)" in row.explanation  # April to June, before the ARRS
    assert row.person_key.startswith("S") and row.name == ""


def test_an_arrs_post_under_a_roles_scheme_is_double_funded(demo_data: None) -> None:
    """An ARRS link worker from 1 July 2020 under a scheme ending 30 September
    2020: three months in both. 2020/21 has 365 days; £35,000 a year is below
    the £35,389 cap: £35,000 × 31 ÷ 365 = £2,972.60 (Jul, Aug), × 30 ÷ 365 =
    £2,876.71 (Sep): £8,821.91."""
    record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme(end=date(2020, 9, 30)))
    post = staff.record_post(
        ACTOR, "U99001", link_worker(funding="arrs", start=date(2020, 7, 1))
    )
    report = overlap_report(Y2020, commissioner="99Z")
    [row] = report.rows
    assert row.kind == DOUBLE
    assert (row.start, row.end, row.days) == (date(2020, 7, 1), date(2020, 9, 30), 92)
    assert (
        row.amount == 2 * Decimal("2972.60") + Decimal("2876.71") == Decimal("8821.91")
    )
    assert row.post == post.post.reference
    assert "paid twice" in row.explanation


def test_an_arrs_post_of_another_role_or_network_is_not_flagged(
    demo_data: None,
) -> None:
    record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme())
    staff.record_post(
        ACTOR, "U99001", link_worker(funding="arrs", role="clinical_pharmacist")
    )
    staff.record_post(ACTOR, "U99002", link_worker(funding="arrs"))
    assert overlap_report(Y2020, commissioner="99Z").rows == []


def test_a_local_post_under_no_scheme_is_still_not_additional(demo_data: None) -> None:
    staff.record_post(ACTOR, "U99002", link_worker(start=date(2020, 4, 1)))
    [row] = overlap_report(Y2020, commissioner="99Z").rows
    assert row.kind == NOT_ADDITIONAL and row.scheme == ""
    assert "none in the register covers it" in row.explanation
    # a full year below the cap: the twelve months' pennies
    assert row.amount == 4 * Decimal("2876.71") + 7 * Decimal("2972.60") + Decimal(
        "2684.93"
    )


def test_a_post_under_two_schemes_is_counted_once(demo_data: None) -> None:
    record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme())
    record_scheme(ACTOR, "99Z", "LFR-2", roles_scheme(name="Second scheme"))
    staff.record_post(ACTOR, "U99001", link_worker(start=date(2020, 4, 1)))
    report = overlap_report(Y2020, commissioner="99Z")
    assert len(report.rows) == 2
    assert report.total == Decimal("34999.97")
    assert "already counted" in report.rows[1].explanation


def test_a_service_overlap_is_the_funding_pro_rata_shared_by_network(
    demo_data: None,
) -> None:
    """Enhanced Health in Care Homes is due from 1 October 2020: 182 days of the
    365 in 2020/21. £120,000 × 182 ÷ 365 = £59,835.62, shared by the two
    networks: £29,917.81 each."""
    record_scheme(ACTOR, "99Z", "LCS-1", service_scheme())
    report = overlap_report(Y2020, commissioner="99Z")
    assert [(r.kind, r.network) for r in report.rows] == [
        (SERVICE, "U99001"),
        (SERVICE, "U99002"),
    ]
    assert all(r.amount == Decimal("29917.81") for r in report.rows)
    assert all(r.days == 182 and r.start == date(2020, 10, 1) for r in report.rows)
    assert report.total == Decimal("59835.62")
    assert "£120,000.00 a year × 182 ÷ 365 days" in report.rows[0].explanation


def test_a_service_ending_mid_year_counts_its_days(demo_data: None) -> None:
    """1 October-31 December 2020 is 92 days: £50,000 × 92 ÷ 365 = £12,602.74."""
    record_scheme(
        ACTOR,
        "99Z",
        "LCS-2",
        service_scheme(
            networks=("U99001",),
            annual_funding=Decimal("50000"),
            end=date(2020, 12, 31),
        ),
    )
    [row] = overlap_report(Y2020, commissioner="99Z").rows
    assert (row.days, row.amount) == (92, Decimal("12602.74"))


def test_a_day_counts_once_though_two_requirements_are_due(demo_data: None) -> None:
    record_scheme(
        ACTOR,
        "99Z",
        "LCS-3",
        service_scheme(
            networks=("U99001",),
            requirements=("social_prescribing", "extended_hours_access"),
        ),
    )
    report = overlap_report(Y2020, commissioner="99Z")
    assert len(report.rows) == 2
    assert report.total == Decimal("120000.00")
    assert sorted(r.days for r in report.rows) == [0, 365]


def test_a_service_not_like_a_requirement_due_is_not_flagged(demo_data: None) -> None:
    record_scheme(ACTOR, "99Z", "LCS-4", service_scheme())
    # Enhanced Health in Care Homes is not due in 2019/20.
    assert overlap_report(Y2019, commissioner="99Z").rows == []


def test_a_network_sees_its_own_rows(demo_data: None) -> None:
    record_scheme(ACTOR, "99Z", "LCS-1", service_scheme())
    report = overlap_report(Y2020, network="U99002")
    assert [r.network for r in report.rows] == ["U99002"]


def test_the_demo_records_the_seed_scenario_once(demo_data: None) -> None:
    assert demo.create_demo_schemes(ACTOR) == 2
    assert demo.create_demo_schemes(ACTOR) == 0
    report = overlap_report(Y2020, commissioner="99Z")
    kinds = [r.kind for r in report.rows]
    assert kinds.count(NOT_ADDITIONAL) == 15
    assert kinds.count(DOUBLE) == 1
    assert kinds.count(SERVICE) == 2
    assert all(r.amount > 0 for r in report.rows)
    posts = staff.current_versions(["U99001"])
    assert sum(1 for v in posts if v.funding == "local_scheme") == 15
    assert all(v.start < date(2019, 7, 1) for v in posts if v.funding == "local_scheme")
