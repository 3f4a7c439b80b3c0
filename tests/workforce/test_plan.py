"""The workforce plan service: versions, audit, the projection from the records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.plan import PlannedRow
from pcnhub.workforce import plan, staff
from pcnhub.workforce.models import WorkforcePlanVersion
from pcnhub.workforce.plan_demo import create_demo_plan
from tests.web.conftest import demo_data  # noqa: F401 - fixture
from tests.workforce.test_staff import entry

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="tests")
YEAR = ContractYear(2020)
D = Decimal


def row(role: str = "social_prescribing_link_worker", **change: object) -> PlannedRow:
    base = {
        "role": role,
        "start": date(2020, 10, 1),
        "wte": D(1),
        "salary": D("28000"),
        "on_costs": D("6000"),
    }
    return PlannedRow(**(base | change))  # type: ignore[arg-type]


def test_each_change_adds_a_version_and_is_audited(demo_data: None) -> None:  # noqa: F811
    first = plan.add_row(ACTOR, "U99001", YEAR, row(), reason="new link worker")
    second = plan.add_row(ACTOR, "U99001", YEAR, row("care_coordinator"))
    assert (first.number, second.number) == (1, 2)
    assert len(second.rows) == 2 and second.rows[0] == row().as_dict()
    third = plan.remove_row(ACTOR, "U99001", YEAR, 1, reason="post not funded")
    assert third.number == 3 and third.reason == "post not funded"
    assert [r["role"] for r in third.rows] == ["care_coordinator"]
    # the earlier versions are kept as they were
    kept = WorkforcePlanVersion.objects.get(pk=first.pk)
    assert len(kept.rows) == 1
    current = plan.latest("U99001", YEAR)
    assert current.number == 3 and [r.role for r in current.rows] == [
        "care_coordinator"
    ]
    entries = AuditEntry.objects.filter(entity_type="workforce plan").order_by("id")
    assert [e.action for e in entries] == [
        "workforce.plan_row_added",
        "workforce.plan_row_added",
        "workforce.plan_row_removed",
    ]
    last = entries.last()
    assert last is not None and last.reason == "post not funded"
    assert last.before["version"] == 2 and last.after["version"] == 3
    assert {"U99001", "99Z"} <= set(last.subjects.values_list("code", flat=True))
    # another year's plan is another plan
    assert plan.latest("U99001", ContractYear(2021)).rows == ()


def test_bad_rows_and_removals_are_refused_naming_the_field(demo_data: None) -> None:  # noqa: F811
    with pytest.raises(ValidationError) as bad_role:
        plan.add_row(ACTOR, "U99001", YEAR, row("astronaut"))
    assert "role" in bad_role.value.error_dict
    with pytest.raises(ValidationError) as outside:
        plan.add_row(ACTOR, "U99001", YEAR, row(start=date(2021, 4, 1)))
    assert "start" in outside.value.error_dict
    with pytest.raises(ValidationError) as missing:
        plan.remove_row(ACTOR, "U99001", YEAR, 1, reason="")
    assert {"row", "reason"} <= set(missing.value.error_dict)
    plan.add_row(ACTOR, "U99001", YEAR, row())
    with pytest.raises(ValidationError) as stale:
        plan.add_row(ACTOR, "U99001", YEAR, row(), expected_version=0)
    assert "version" in stale.value.error_dict
    assert WorkforcePlanVersion.objects.count() == 1
    assert AuditEntry.objects.filter(entity_type="workforce plan").count() == 1


def test_the_projection_takes_the_records_and_the_plan(demo_data: None) -> None:  # noqa: F811
    staff.record_post(
        ACTOR,
        "U99001",
        entry(
            role="care_coordinator",
            salary=D("20000"),
            on_costs=D("4000"),
            start=date(2019, 4, 1),
        ),
    )
    plan.add_row(ACTOR, "U99001", YEAR, row())
    result = plan.projection("U99001", YEAR, sum_for_year=D("30000"))
    assert result.planned == D("16953.42")
    assert abs(result.existing - D("24000")) < D("0.05")
    assert result.overspend == result.projected - D("30000") > 0
    # the network's own ARRS sum, from its entitlements, when none is given
    own = plan.projection("U99001", YEAR)
    assert own.arrs_sum is not None and own.arrs_sum > 0
    assert own.projected == result.projected


def test_the_demo_plan(demo_data: None) -> None:  # noqa: F811
    rows = create_demo_plan(ACTOR)
    current = plan.latest("U99001", ContractYear(2024))
    assert rows == len(current.rows) >= 2
    result = plan.projection("U99001", ContractYear(2024))
    assert result.planned > 0
