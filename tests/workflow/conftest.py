"""Fixtures for the workflow tests: the demo area and people in their roles."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from pcnhub.workflow import services
from pcnhub.workflow.models import Application
from tests.web.conftest import demo_data  # noqa: F401 - the demo area fixture

APRIL_2022 = date(2022, 4, 1)


@pytest.fixture
def people(demo_data: None, make_user) -> SimpleNamespace:  # type: ignore[no-untyped-def]  # noqa: F811
    return SimpleNamespace(
        manager=make_user("network_manager", "U99001", "manager"),
        director=make_user("clinical_director", "U99002", "director2"),
        practice=make_user("practice_manager", "Z93030", "practice"),
        commissioner=make_user("commissioner", "99Z", "commissioner"),
        regional=make_user("regional", "Y98", "region"),
        evaluator=make_user("evaluator", None, "evaluator"),
    )


def registration(reason: str = "") -> services.Proposal:
    """Z93030 (in no network) forms a network on its own: below 30,000."""
    return services.Proposal(
        kind="registration",
        commissioner="99Z",
        effective_from=APRIL_2022,
        details={
            "network_name": "Fernham Vale PCN",
            "clinical_directors": [
                {"name": "Dr Ada Lovelace", "profession": "gp", "wte": "0.25"}
            ],
            "payee": {"code": "Z93030", "name": "", "kind": "member_practice"},
            "agreement": {
                "status": "signed",
                "signed_on": "2022-03-15",
                "schedules_complete": True,
            },
            "data_sharing": {"status": "signed", "signed_on": "2022-03-15"},
            "operating_model": {
                "model": "flat_practice_network",
                "contract_holder": "each member practice",
            },
            "small_population_reason": reason,
        },
        practices=[("Z93030", "joins")],
    )


@pytest.fixture
def submitted(people: SimpleNamespace) -> Application:
    """A registration with a reason, confirmed, waiting for a decision."""
    application = services.create(
        people.manager, registration("a remote moorland valley")
    )
    services.confirm(people.practice, application, "Z93030")
    application.refresh_from_db()
    services.submit(people.manager, application, application.version)
    application.refresh_from_db()
    return application
