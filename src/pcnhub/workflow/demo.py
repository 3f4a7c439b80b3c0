"""Demo applications, one in each state, made through the workflow services.

So that a person trying the demo finds something at every step: a draft to
finish, an application waiting for a practice's confirmation, one waiting for
the commissioner's decision, one decided (approved, so the register and the
governance record show its effect) and one rejected and appealed. Every step
goes through :mod:`pcnhub.workflow.services` as the demo user who would take
it, so each is checked and audited as a real one would be.

Made once: when the demo users already have applications, nothing is added.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from pcnhub.register.demo import UNCOVERED_PRACTICE_CODE, WENDMOOR
from pcnhub.workflow import services
from pcnhub.workflow.models import Application, Decision

NETWORK = "U99001"
LEAVING = "Z91002"
#: The synthetic clinical director the approved change appoints (no real person).
DEMO_DIRECTOR = "Dr Demo Director"


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _fresh(application: Application) -> Application:
    application.refresh_from_db()
    return application


def _directors(name: str, wte: str) -> dict[str, Any]:
    return {"clinical_directors": [{"name": name, "profession": "gp", "wte": wte}]}


def _draft(manager: Any) -> Application:
    """A change of clinical director, not yet submitted."""
    return services.create(
        manager,
        services.Proposal(
            kind="clinical_director",
            commissioner=WENDMOOR,
            network=NETWORK,
            effective_from=date(2022, 10, 1),
            details=_directors("Dr Demo Successor", "0.5"),
            reason="the clinical director steps down in September",
        ),
    )


def _waiting_for_confirmation(manager: Any) -> Application:
    """A new network of the practice in no network, waiting for it to confirm."""
    application = services.create(
        manager,
        services.Proposal(
            kind="registration",
            commissioner=WENDMOOR,
            effective_from=date(2022, 7, 1),
            details={
                "network_name": "Fernham Vale PCN",
                "small_population_reason": "a remote moorland valley",
            },
            practices=[(UNCOVERED_PRACTICE_CODE, "joins")],
            reason=f"{UNCOVERED_PRACTICE_CODE} is in no network",
        ),
    )
    services.submit(manager, application, application.version)
    return _fresh(application)


def _waiting_for_decision(director: Any) -> Application:
    """A change of nominated payee: no practice to confirm, so the commissioner's."""
    application = services.create(
        director,
        services.Proposal(
            kind="nominated_payee",
            commissioner=WENDMOOR,
            network=NETWORK,
            effective_from=date(2022, 7, 1),
            details={
                "payee": {"code": "Z91001", "name": "", "kind": "member_practice"}
            },
            reason="the lead practice will hold the network's funds",
        ),
    )
    services.submit(director, application, application.version)
    return _fresh(application)


def _decided(director: Any, commissioner: Any) -> Application:
    """A change of clinical director, approved: the governance record shows it."""
    application = services.create(
        director,
        services.Proposal(
            kind="clinical_director",
            commissioner=WENDMOOR,
            network=NETWORK,
            effective_from=date(2021, 4, 1),
            details=_directors(DEMO_DIRECTOR, "1"),
            reason="elected by the member practices",
        ),
    )
    services.submit(director, application, application.version)
    application = _fresh(application)
    services.decide(
        commissioner,
        application,
        outcome=Decision.Outcome.APPROVED,
        reasons="a GP of a member practice, elected by all members",
        expected_version=application.version,
    )
    return _fresh(application)


def _appealed(manager: Any, commissioner: Any) -> Application:
    """A practice leaving, rejected, and the network's appeal lodged."""
    application = services.create(
        manager,
        services.Proposal(
            kind="practice_leave",
            commissioner=WENDMOOR,
            network=NETWORK,
            effective_from=date(2022, 10, 1),
            notice_given_on=date(2022, 6, 1),
            practices=[(LEAVING, "leaves")],
            reason=f"{LEAVING} wishes to join a neighbouring network",
        ),
    )
    services.submit(manager, application, application.version)
    application = _fresh(application)
    services.decide(
        commissioner,
        application,
        outcome=Decision.Outcome.REJECTED,
        reasons="it would leave its patients without a network for a month",
        expected_version=application.version,
    )
    services.lodge_appeal(
        manager,
        _fresh(application),
        "the neighbouring network has agreed to take it on the same day",
    )
    return _fresh(application)


def create_demo_applications() -> list[Application]:
    """Make the demo applications (once); return those made."""
    manager, director = _user("manager"), _user("director")
    commissioner = _user("commissioner")
    if Application.objects.filter(submitted_by__in=[manager, director]).exists():
        return []
    steps: list[Callable[[], Application]] = [
        lambda: _draft(manager),
        lambda: _waiting_for_confirmation(manager),
        lambda: _waiting_for_decision(director),
        lambda: _decided(director, commissioner),
        lambda: _appealed(manager, commissioner),
    ]
    with transaction.atomic():
        return [step() for step in steps]
