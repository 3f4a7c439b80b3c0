"""Unit tests of ARRS claim lines: the parameter lookups and the edge cases the
hand-computed cases (``claims_cases/``) do not reach."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from pcnhub.rules.claim_checks import (
    claim_lines,
    not_additional_total,
    within_arrs_sum,
)
from pcnhub.rules.claims import MAXIMUM_OF, Post, claim_line, maximum_name, rate
from pcnhub.rules.money import penny
from pcnhub.rules.registry import default_parameters

PARAMETERS = default_parameters()
D = Decimal


def cp(**kw: object) -> Post:
    fields: dict[str, object] = {
        "person": "A",
        "network": "U1",
        "role": "clinical_pharmacist",
        "wte": D(1),
        "salary": D(45000),
        "start": dt.date(2019, 7, 1),
        "on_costs": D(9000),
    }
    return Post(**(fields | kw))  # type: ignore[arg-type]


def test_a_mid_month_uplift_splits_the_cap() -> None:
    """A maximum changing on the 16th: 15 days at the old, 15 at the new."""
    name = "arrs_roles.clinical_pharmacist.maximum"
    values = list(PARAMETERS[name].values)
    i = next(i for i, v in enumerate(values) if v.start == dt.date(2022, 10, 1))
    values[i] = dataclasses.replace(values[i], start=dt.date(2022, 10, 16))
    values[i - 1] = dataclasses.replace(values[i - 1], end=dt.date(2022, 10, 16))
    what_if = PARAMETERS.with_values(name, values)
    line = claim_line(cp(salary=D(70000), on_costs=D(0)), dt.date(2022, 10, 1), what_if)
    assert [s.days for s in line.segments] == [15, 16]
    # 57,318 × 15 / 365 + 59,312 × 16 / 365 = 2,355.5342… + 2,599.9780… = 4,955.51
    assert penny(line.cap) == D("4955.51")
    assert line.claimable == D("4955.51")
    assert {f.code for f in line.findings} == {"capped"}


def test_london_maxima_apply_from_2021_22_only() -> None:
    london = cp(london="outer")
    assert maximum_name(london, dt.date(2020, 5, 1), PARAMETERS) == (
        "arrs_roles.clinical_pharmacist.maximum"
    )
    assert maximum_name(london, dt.date(2024, 11, 1), PARAMETERS) == (
        "arrs_roles.clinical_pharmacist.maximum_outer_london"
    )
    line = claim_line(
        cp(london="outer", salary=D(80000)), dt.date(2024, 11, 1), PARAMETERS
    )
    # 73,189 × 30 / 365 = 6,015.53
    assert line.claimable == D("6015.53")
    # A London post of a role without London figures claims nothing, and says so.
    splw = cp(role="social_prescribing_link_worker", london="inner")
    line = claim_line(splw, dt.date(2023, 6, 1), PARAMETERS)
    assert line.claimable == 0
    assert [f.code for f in line.findings] == ["maximum_not_published"]


def test_reimbursement_rates_by_year_and_role() -> None:
    def percent(post: Post, day: dt.date) -> Decimal | None:
        value = rate(post, day, PARAMETERS)
        return None if value is None else D(value.value)

    assert percent(cp(), dt.date(2019, 7, 1)) == 70
    assert (
        percent(cp(role="social_prescribing_link_worker"), dt.date(2019, 7, 1)) == 100
    )
    assert percent(cp(), dt.date(2020, 4, 1)) == 100
    mhp = cp(role="mental_health_practitioner")
    assert percent(mhp, dt.date(2025, 4, 1)) == 100
    assert percent(mhp, dt.date(2026, 4, 1)) == 50
    assert (
        percent(dataclasses.replace(mhp, written_agreement=True), dt.date(2026, 4, 1))
        == 100
    )


def test_2026_27_roles_rest_on_provisional_values() -> None:
    line = claim_line(cp(), dt.date(2026, 4, 1), PARAMETERS)
    assert line.provisional
    assert [f.code for f in line.findings] == ["maximum_not_published"]


def test_on_costs_worked_out_say_what_is_missing() -> None:
    post = cp(on_costs=None, salary=D(40000))
    line = claim_line(post, dt.date(2019, 7, 1), PARAMETERS)
    assert line.on_costs == D("5752.0000")  # 14.38% in 2019/20
    assert [f.code for f in line.findings] == ["on_costs_without_ni"]
    line = claim_line(post, dt.date(2020, 7, 1), PARAMETERS)
    assert line.on_costs == D("8276.0000")  # 20.69% from 2020/21


def test_a_gp_whose_cct_is_not_recorded_is_a_warning() -> None:
    gp = cp(role="gp", start=dt.date(2024, 10, 1), salary=D(70000), on_costs=D(0))
    line = claim_line(gp, dt.date(2024, 10, 1), PARAMETERS)
    assert [f.code for f in line.findings] == ["gp_cct_not_recorded"]
    assert line.claimable == penny(D(70000) * 31 / 365)
    # From 2026/27 any GP: nothing to record.
    line = claim_line(gp, dt.date(2026, 4, 1), PARAMETERS)
    assert "gp_cct_not_recorded" not in {f.code for f in line.findings}


def test_baseline_posts_and_their_exceptions() -> None:
    base = cp(start=dt.date(2018, 1, 1), funding="baseline")
    line = claim_line(base, dt.date(2020, 4, 1), PARAMETERS)
    assert line.claimable == 0 and line.at_stake == D("4438.36")
    assert [f.code for f in line.findings] == ["not_additional"]
    assert "£4,438.36" in line.findings[0].message
    moved = dataclasses.replace(base, baseline_exception="cpgp")
    line = claim_line(moved, dt.date(2020, 4, 1), PARAMETERS)
    assert line.claimable == D("4438.36")
    assert not_additional_total([line]) is None


def test_an_end_date_is_the_last_day_in_post() -> None:
    post = cp(end=dt.date(2020, 4, 10))
    line = claim_line(post, dt.date(2020, 4, 1), PARAMETERS)
    assert line.days_in_post == 10
    assert line.claimable == penny(D(54000) * 10 / 365)


def test_a_person_over_one_wte_across_funding_sources_is_not_claimed_twice() -> None:
    arrs = cp(key="arrs", wte=D("0.8"))
    local = cp(key="local", network="U2", wte=D("0.5"), funding="local_scheme")
    lines = {
        x.post.id: x
        for x in claim_lines([arrs, local], dt.date(2020, 5, 1), PARAMETERS)
    }
    assert lines["arrs"].claimable == 0
    codes = [f.code for f in lines["arrs"].findings]
    assert codes == ["two_funding_sources"]
    assert lines["arrs"].findings[0].severity == "error"
    split = dataclasses.replace(local, wte=D("0.2"))
    lines = {
        x.post.id: x
        for x in claim_lines([arrs, split], dt.date(2020, 5, 1), PARAMETERS)
    }
    assert lines["arrs"].claimable > 0
    assert lines["arrs"].findings[0].severity == "warning"


def test_the_arrs_sum_is_one_networks_for_one_year() -> None:
    lines = claim_lines(
        [cp(), cp(person="B", network="U2")], dt.date(2020, 4, 1), PARAMETERS
    )
    with pytest.raises(ValueError, match="one network"):
        within_arrs_sum(lines, D(1000))


@pytest.mark.parametrize(
    "bad",
    [
        {"funding": "grant"},
        {"london": "zone 3"},
        {"wte": D(0)},
        {"wte": D("1.2")},
        {"salary": D(-1)},
        {"end": dt.date(2019, 1, 1)},
        {"baseline_exception": "other"},
    ],
)
def test_a_post_refuses_what_it_cannot_be(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        cp(**bad)


def test_every_role_has_its_eligibility_and_maximum_in_the_right_units() -> None:
    roles = {
        name.split(".")[1]
        for name in PARAMETERS.by_name
        if name.startswith("arrs_roles.") and name.count(".") == 2
    }
    assert len(roles) == 26
    for role in roles:
        assert PARAMETERS[f"arrs_roles.{role}.eligible"].unit == "flag", role
        top = MAXIMUM_OF.get(role, f"arrs_roles.{role}.maximum")
        assert PARAMETERS[top].unit == "GBP", role
        for zone in ("outer", "inner"):
            name = f"arrs_roles.{role}.maximum_{zone}_london"
            if name in PARAMETERS.by_name:
                assert PARAMETERS[name].unit == "GBP"
        for name in (f"arrs_roles.{role}.rate", "arrs_roles.rate"):
            if name in PARAMETERS.by_name:
                assert PARAMETERS[name].unit == "percent"
    for name in ("employer_pension", "employer_ni", "london_weighting"):
        assert f"arrs_roles.{name}" in PARAMETERS.by_name


def test_eligible_roles_by_year_follow_the_reference() -> None:
    def eligible(day: dt.date) -> set[str]:
        return {
            n.split(".")[1]
            for n, p in PARAMETERS.by_name.items()
            if n.endswith(".eligible")
            and (v := p.at(day)) is not None
            and v.value is True
        }

    assert eligible(dt.date(2019, 7, 1)) == {
        "clinical_pharmacist",
        "social_prescribing_link_worker",
    }
    assert len(eligible(dt.date(2020, 4, 1))) == 10  # "10 roles" (reference §5.2)
    assert len(eligible(dt.date(2020, 10, 1))) == 12
    assert {"gp_assistant", "digital_transformation_lead"} <= eligible(
        dt.date(2022, 10, 1)
    ) - eligible(dt.date(2022, 9, 30))
    assert "gp" in eligible(dt.date(2024, 10, 1)) - eligible(dt.date(2024, 9, 30))
    assert eligible(dt.date(2026, 4, 1)) - eligible(dt.date(2026, 3, 31)) == {
        "commissioner_agreed_role"
    }


def test_a_line_explains_itself_and_exports_as_json() -> None:
    import json

    line = claim_line(cp(), dt.date(2020, 3, 1), PARAMETERS)
    text = "\n".join(line.explain())
    assert "claimable £3,201.64" in text
    assert "arrs_roles.clinical_pharmacist.rate = 70 percent from 2019-07-01" in text
    assert "A15" not in text  # documents, not the reference's codes
    data = json.loads(json.dumps(line.as_dict()))
    assert data["claimable"] == "3201.64" and data["rates"] == ["70"]
    assert data["month"] == "2020-03" and data["findings"] == []
