"""``pcnhub demo`` ships applications in every state, made through the services."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from pcnhub.audit.models import AuditEntry
from pcnhub.governance.reading import facts_on
from pcnhub.workflow import services
from pcnhub.workflow.demo import DEMO_DIRECTOR
from pcnhub.workflow.models import Application, State

pytestmark = pytest.mark.django_db


def demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_demo_has_applications_in_every_state() -> None:
    output = demo()
    assert "Created demo applications" in output
    applications = list(Application.objects.order_by("id"))
    states = [a.state for a in applications]
    assert states == [
        State.DRAFT,
        State.SUBMITTED,
        State.SUBMITTED,
        State.APPROVED,
        State.APPEALED,
    ]
    waiting_for_practice, waiting_for_decision = applications[1], applications[2]
    assert services.unconfirmed(waiting_for_practice) == ["Z93030"]
    assert services.unconfirmed(waiting_for_decision) == []
    for application in applications:
        actions = set(
            AuditEntry.objects.filter(
                entity_type="application", entity_key=application.reference
            ).values_list("action", flat=True)
        )
        assert "create application" in actions, application.reference
    # The approved change wrote the governance record, audited too.
    facts = facts_on(["U99001"], date(2021, 6, 1))["U99001"]
    assert facts.clinical_directors == (DEMO_DIRECTOR,)
    assert AuditEntry.objects.filter(action="replace clinical directors").exists()


def test_running_the_demo_again_adds_no_application() -> None:
    demo()
    applications = Application.objects.count()
    entries = AuditEntry.objects.filter(entity_type="application").count()
    assert "Created demo applications" not in demo()
    assert Application.objects.count() == applications
    assert AuditEntry.objects.filter(entity_type="application").count() == entries
