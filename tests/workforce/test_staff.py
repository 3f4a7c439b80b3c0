"""Staff records: recorded, changed and ended as new versions, audited without
names, refused with errors naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.workforce import staff
from pcnhub.workforce.models import StaffPostVersion
from tests.web.conftest import demo_data  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="tests")


def entry(**change: object) -> staff.StaffEntry:
    base = {
        "name": "Asha Patel",
        "role": "social_prescribing_link_worker",
        "wte": Decimal("1"),
        "salary": Decimal("28000"),
        "employer": "member_practice",
        "start": date(2023, 4, 1),
        "funding": "arrs",
    }
    return staff.StaffEntry(**(base | change))  # type: ignore[arg-type]


def test_a_post_is_recorded_with_a_pseudonymous_key(demo_data: None) -> None:  # noqa: F811
    version = staff.record_post(ACTOR, "U99001", entry())
    post = version.post
    assert post.person_key.startswith("S") and len(post.person_key) == 10
    assert "Asha" not in post.person_key
    assert version.number == 1
    audit = AuditEntry.objects.get(action="workforce.post_recorded")
    assert audit.after["person_key"] == post.person_key
    assert "name" not in audit.after and "Asha" not in str(audit.after)
    assert {"U99001", "99Z"} <= set(audit.subjects.values_list("code", flat=True))


def test_a_change_adds_a_version_and_keeps_the_old(demo_data: None) -> None:  # noqa: F811
    first = staff.record_post(ACTOR, "U99001", entry())
    second = staff.change_post(
        ACTOR,
        first.post,
        entry(wte=Decimal("0.6"), salary=Decimal("16800")),
        expected_version=1,
        reason="went part-time",
    )
    assert second.number == 2
    kept = StaffPostVersion.objects.get(pk=first.pk)
    assert kept.wte == Decimal("1") and kept.salary == Decimal("28000")
    assert [v.number for v in staff.current_versions(["U99001"])] == [2]
    audit = AuditEntry.objects.get(action="workforce.post_changed")
    assert Decimal(audit.before["wte"]) == 1
    assert Decimal(audit.after["wte"]) == Decimal("0.6")
    assert audit.reason == "went part-time"


def test_a_change_from_an_old_version_is_refused(demo_data: None) -> None:  # noqa: F811
    first = staff.record_post(ACTOR, "U99001", entry())
    staff.end_post(
        ACTOR, first.post, date(2024, 3, 31), expected_version=1, reason="left"
    )
    with pytest.raises(ValidationError) as caught:
        staff.change_post(
            ACTOR, first.post, entry(wte=Decimal("0.5")), expected_version=1, reason="x"
        )
    assert "version" in caught.value.message_dict


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "astronaut"}, "role"),
        ({"wte": Decimal("1.2")}, "wte"),
        ({"wte": Decimal("0")}, "wte"),
        ({"salary": Decimal("-1")}, "salary"),
        ({"end": date(2023, 3, 1)}, "end"),
        ({"funding": "lottery"}, "funding"),
        ({"name": " "}, "name"),
        ({"baseline_exception": "cpgp"}, "baseline_exception"),
    ],
)
def test_bad_entries_name_the_field(
    demo_data: None,  # noqa: F811
    change: dict[str, object],
    field: str,
) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        staff.record_post(ACTOR, "U99001", entry(**change))
    assert field in caught.value.message_dict
    assert AuditEntry.objects.count() == before


def test_a_post_for_a_code_that_is_no_network_is_refused(demo_data: None) -> None:  # noqa: F811
    with pytest.raises(ValidationError) as caught:
        staff.record_post(ACTOR, "Z91001", entry())
    assert "network" in caught.value.message_dict


def test_role_labels_come_from_the_parameters() -> None:
    labels = staff.role_labels()
    assert labels["social_prescribing_link_worker"] == "social prescribing link worker"
    assert "gp" in labels and len(labels) >= 26
