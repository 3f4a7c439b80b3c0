"""Recording delivery and access hours: versions kept, audited, errors named by
field, and the year's view against the register's populations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pcnhub.audit.models import AuditEntry, AuditSubject
from pcnhub.audit.services import Actor
from pcnhub.contract import snapshots
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.populations import population
from pcnhub.services import records
from pcnhub.services.models import AccessHoursWeek, FrozenRecord, ServiceDelivery

pytestmark = pytest.mark.django_db

NETWORK = "U99001"
ACTOR = Actor(system="services-tests")
Y2024 = ContractYear(2024)


def test_a_change_adds_a_version_and_keeps_the_old_one(demo_data) -> None:
    first = records.record_delivery(
        ACTOR, NETWORK, Y2024, "enhanced_access", "in_progress", reason="plan agreed"
    )
    second = records.record_delivery(
        ACTOR,
        NETWORK,
        Y2024,
        "enhanced_access",
        "delivered",
        evidence="Rota audit",
        link="https://example.org/rota",
        reason="year end",
    )
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.status == "in_progress" and first.reason == "plan agreed"
    view = records.year_view(NETWORK, Y2024)
    item = next(i for i in view.requirements if i.requirement.code == "enhanced_access")
    assert item.latest == second
    assert [r.version for r in item.history] == [2, 1]
    other = next(
        i for i in view.requirements if i.requirement.code != "enhanced_access"
    )
    assert other.latest is None


def test_rows_refuse_edits_and_deletes(demo_data) -> None:
    row = records.record_delivery(
        ACTOR, NETWORK, Y2024, "enhanced_access", "delivered", reason="done"
    )
    row.status = "not_delivered"
    with pytest.raises(FrozenRecord):
        row.save()
    with pytest.raises(FrozenRecord):
        row.delete()
    assert ServiceDelivery.objects.get().status == "delivered"


def test_every_record_is_audited_with_network_and_commissioner(demo_data) -> None:
    records.record_delivery(
        ACTOR, NETWORK, Y2024, "enhanced_access", "in_progress", reason="a"
    )
    records.record_delivery(
        ACTOR, NETWORK, Y2024, "enhanced_access", "delivered", reason="b"
    )
    records.record_access_hours(ACTOR, NETWORK, date(2024, 6, 3), 2000, reason="return")
    entries = list(
        AuditEntry.objects.filter(action__startswith="services.").order_by("id")
    )
    assert [e.action for e in entries] == [
        "services.record_delivery",
        "services.record_delivery",
        "services.record_access_hours",
    ]
    second = entries[1]
    assert second.entity_key == f"{NETWORK}/2024/25/enhanced_access"
    assert second.before["status"] == "in_progress" and second.before["version"] == 1
    assert second.after["status"] == "delivered" and second.reason == "b"
    assert entries[2].after["minutes_offered"] == 2000
    codes = set(
        AuditSubject.objects.filter(entry=second).values_list("code", flat=True)
    )
    assert codes == {NETWORK, "99Z"}


def test_delivery_errors_name_the_field(demo_data) -> None:
    with pytest.raises(ValidationError) as caught:
        records.record_delivery(
            ACTOR,
            NETWORK,
            Y2024,
            "extended_hours_access",
            "finished",
            link="not a link",
            reason=" ",
        )
    errors = caught.value.message_dict
    assert set(errors) == {"requirement", "status", "link", "reason"}
    assert "not due in 2024/25" in errors["requirement"][0]
    assert not ServiceDelivery.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="services.").exists()


def test_access_hours_errors_name_the_field(demo_data) -> None:
    with pytest.raises(ValidationError) as caught:
        records.record_access_hours(ACTOR, NETWORK, date(2024, 6, 4), -5, reason="x")
    assert set(caught.value.message_dict) == {"week_starting", "minutes_offered"}
    assert "Tuesday" in caught.value.message_dict["week_starting"][0]
    with pytest.raises(ValidationError) as early:
        records.record_access_hours(ACTOR, NETWORK, date(2019, 6, 3), 10, reason="x")
    assert "1 July 2019" in early.value.message_dict["week_starting"][0]
    assert not AccessHoursWeek.objects.exists()


def test_year_view_compares_weeks_with_the_register_population(demo_data) -> None:
    week = date(2024, 6, 3)
    # The contract's population: members on the day, on the lists of 1 Jan 2024.
    register = snapshots.networks_on(week, lists_on=date(2024, 1, 1), only=NETWORK)
    adjusted = population(register.networks[0].members_on(week), "adjusted").total
    expected = int((adjusted * 60 / 1000).to_integral_value(rounding="ROUND_CEILING"))
    records.record_access_hours(ACTOR, NETWORK, week, expected - 1, reason="short")
    records.record_access_hours(
        ACTOR, NETWORK, date(2024, 6, 10), expected, reason="enough"
    )
    view = records.year_view(NETWORK, Y2024)
    assert view.required is not None and view.required.minutes == expected
    assert view.required.population.total == adjusted > Decimal(0)
    by_week = {w.row.week_starting: w for w in view.weeks}
    assert by_week[week].finding.outcome == "breach"
    assert by_week[date(2024, 6, 10)].finding.outcome == "met"
    assert [w.row.week_starting for w in view.below] == [week]


def test_a_corrected_week_counts_once_at_its_latest_version(demo_data) -> None:
    week = date(2021, 6, 7)
    records.record_access_hours(ACTOR, NETWORK, week, 100, reason="typo")
    records.record_access_hours(ACTOR, NETWORK, week, 1500, reason="corrected")
    view = records.year_view(NETWORK, ContractYear(2021))
    (only,) = view.weeks
    assert only.row.minutes_offered == 1500 and only.versions == 2
    assert only.required is not None and only.required.basis == "registered"
    assert AccessHoursWeek.objects.filter(week_starting=week).count() == 2
