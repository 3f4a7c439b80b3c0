"""Schemes are recorded, changed and ended as new versions, each audited;
what they cover is checked against the register, errors naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pcnhub.audit.models import AuditEntry
from pcnhub.schemes.models import FrozenVersion, LocalSchemeVersion
from pcnhub.schemes.records import (
    change_scheme,
    current_versions,
    end_scheme,
    record_scheme,
    roles_from,
)
from tests.schemes.conftest import ACTOR, roles_scheme, service_scheme

pytestmark = pytest.mark.django_db


def _errors(entry: object, reference: str = "R-1", commissioner: str = "99Z") -> dict:
    with pytest.raises(ValidationError) as caught:
        record_scheme(ACTOR, commissioner, reference, entry)  # type: ignore[arg-type]
    return caught.value.message_dict


def test_a_scheme_is_recorded_and_audited(demo_data: None) -> None:
    version = record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme(), reason="new")
    assert version.number == 1 and version.scheme.commissioner_code == "99Z"
    assert version.roles == {"social_prescribing_link_worker": "15"}
    audit = AuditEntry.objects.get(action="schemes.scheme_recorded")
    assert audit.entity_key == "99Z/LFR-1" and audit.reason == "new"
    assert audit.after["annual_funding"] == "450000.00"
    assert {"99Z", "U99001"} <= set(audit.subjects.values_list("code", flat=True))


def test_a_change_adds_a_version_and_keeps_the_old(demo_data: None) -> None:
    first = record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme())
    second = change_scheme(
        ACTOR,
        first.scheme,
        roles_scheme(annual_funding=Decimal("300000")),
        expected_version=1,
        reason="budget cut",
    )
    assert second.number == 2
    kept = LocalSchemeVersion.objects.get(pk=first.pk)
    assert kept.annual_funding == Decimal("450000")
    assert [v.number for v in current_versions("99Z")] == [2]
    audit = AuditEntry.objects.get(action="schemes.scheme_changed")
    assert audit.before["annual_funding"] == "450000.00"
    assert audit.after["annual_funding"] == "300000.00"
    ended = end_scheme(
        ACTOR, first.scheme, date(2021, 3, 31), expected_version=2, reason="ended"
    )
    assert ended.number == 3 and ended.end == date(2021, 3, 31)
    assert ended.annual_funding == Decimal("300000")
    assert AuditEntry.objects.filter(action="schemes.scheme_changed").count() == 2


def test_a_change_from_an_old_version_or_without_reason_is_refused(
    demo_data: None,
) -> None:
    first = record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme())
    change_scheme(
        ACTOR,
        first.scheme,
        roles_scheme(name="Renamed"),
        expected_version=1,
        reason="x",
    )
    with pytest.raises(ValidationError) as stale:
        change_scheme(
            ACTOR, first.scheme, roles_scheme(), expected_version=1, reason="again"
        )
    assert "version" in stale.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        change_scheme(
            ACTOR, first.scheme, roles_scheme(), expected_version=2, reason=" "
        )
    assert "reason" in no_reason.value.message_dict


def test_a_version_is_never_edited(demo_data: None) -> None:
    version = record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme())
    version.annual_funding = Decimal(1)
    with pytest.raises(FrozenVersion):
        version.save()


def test_errors_name_the_field(other_area: None) -> None:
    errors = _errors(
        roles_scheme(
            name=" ",
            annual_funding=Decimal("-1"),
            end=date(2019, 1, 1),
            networks=("U88001", "X12345"),
            practices=("Z91001Q",),
            roles={"wizard": Decimal(2)},
        ),
        reference="",
    )
    assert set(errors) == {
        "name",
        "annual_funding",
        "end",
        "networks",
        "practices",
        "roles",
        "reference",
    }
    assert "U88001 is not one of 99Z's" in " ".join(errors["networks"])
    assert "X12345 is not a primary care network" in " ".join(errors["networks"])
    service = _errors(service_scheme(requirements=("no_such",), networks=()))
    assert set(service) == {"requirements", "networks"}


def test_a_reference_is_used_once_per_commissioner(demo_data: None) -> None:
    record_scheme(ACTOR, "99Z", "LFR-1", roles_scheme())
    assert "reference" in _errors(roles_scheme(), reference="lfr-1")


def test_roles_are_read_by_name_or_key() -> None:
    roles, problems = roles_from(
        "Social prescribing link worker 15\nclinical_pharmacist = 2.5; wizard 3; gp"
    )
    assert roles == {
        "social_prescribing_link_worker": Decimal(15),
        "clinical_pharmacist": Decimal("2.5"),
    }
    assert len(problems) == 2 and "wizard" in problems[0]
