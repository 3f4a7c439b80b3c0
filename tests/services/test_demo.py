"""The demo services exercise every part of the pages, and are made once."""

from __future__ import annotations

import pytest

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.rules.periods import ContractYear
from pcnhub.services import records
from pcnhub.services.demo import create_demo_services
from pcnhub.services.models import AccessHoursWeek, ServiceDelivery

pytestmark = pytest.mark.django_db


def test_demo_services_cover_every_part(demo_data) -> None:
    actor = Actor(system="pcnhub demo")
    made = create_demo_services(actor)
    assert made == ServiceDelivery.objects.count() + AccessHoursWeek.objects.count()
    assert AuditEntry.objects.filter(action__startswith="services.").count() == made
    statuses = set(ServiceDelivery.objects.values_list("status", flat=True))
    assert statuses == {"not_started", "in_progress", "delivered", "not_delivered"}
    networks = set(ServiceDelivery.objects.values_list("network_id", flat=True))
    assert len(networks) == 12
    showcase = records.year_view("U99001", ContractYear(2024))
    spec = next(
        i for i in showcase.requirements if i.requirement.code == "single_specification"
    )
    assert len(spec.history) == 3 and spec.latest.status == "delivered"
    assert len(showcase.below) == 1
    extended = records.year_view("U99001", ContractYear(2021))
    assert extended.weeks and extended.weeks[0].required.basis == "registered"
    current = records.year_view("U99002", ContractYear(2026))
    codes = {i.requirement.code for i in current.requirements if i.latest}
    assert {"continuity_of_care", "care_home_vaccination"} <= codes
    assert create_demo_services(actor) == 0  # made once
