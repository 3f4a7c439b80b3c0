"""The commissioner assigns a practice in no network to one of its networks:
an application of kind ``assignment``, submitted and approved at once. Part of
:mod:`pcnhub.workflow.services`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pcnhub.access.checks import allowed
from pcnhub.access.permissions import Permission
from pcnhub.core.dates import long_date
from pcnhub.register import queries
from pcnhub.register.queries import NetworkRow
from pcnhub.register.successions import Successions
from pcnhub.workflow import transitions
from pcnhub.workflow.deciding import _approve
from pcnhub.workflow.errors import WorkflowError
from pcnhub.workflow.lifecycle import _new_application, preview
from pcnhub.workflow.models import Application, Change, CheckRun, Decision, Kind, State
from pcnhub.workflow.recording import _audit, _event
from pcnhub.workflow.transitions import Action
from pcnhub.workflow.validation import Proposal, _practices_of, _validate


def assignable_networks(commissioner: str, day: date) -> list[NetworkRow]:
    """The networks open on ``day`` that ``commissioner`` may assign a practice to:
    its own and those of the commissioners merged into it (every merger
    recorded, whatever its date)."""
    if not commissioner:
        return []
    merged = Successions.load().predecessors(commissioner, date.max)
    family = {commissioner} | merged
    return [n for n in queries.networks_on(day) if n.commissioner_code in family]


def assign_practice(
    user: Any,
    *,
    practice: str,
    network: str,
    commissioner: str,
    effective_from: date,
    reason: str,
) -> Application:
    """The commissioner assigns a practice in no network to one: recorded as an
    application of kind ``assignment``, decided by the commissioner at once.
    ``commissioner`` is the practice's on ``effective_from`` (blank: none), and
    ``network`` must be one of :func:`assignable_networks`."""
    _check_assignment(user, practice, network, commissioner, effective_from)
    proposal = Proposal(
        kind=Kind.ASSIGNMENT,
        commissioner=commissioner,
        network=network,
        effective_from=effective_from,
        reason=reason,
        practices=[(practice, Change.JOINS)],
    )
    proposal.practices = _practices_of(proposal)
    _validate(proposal)
    with transaction.atomic():
        return _record_assignment(user, proposal)


def _check_assignment(
    user: Any, practice: str, network: str, commissioner: str, effective_from: date
) -> None:
    """Who may assign, to which network, and that the practice is in none."""
    # A decision, so never an administrator's (access.permissions).
    if not allowed(user, Permission.ASSIGN_PRACTICE, practice):
        raise PermissionDenied(
            "only the commissioner overseeing the practice can assign it"
        )
    day = long_date(effective_from)
    if not commissioner:
        raise WorkflowError(
            f"{practice} has no commissioner in the register on {day}",
            "effective_from",
        )
    open_to_it = assignable_networks(commissioner, effective_from)
    if network not in {n.pcn_code for n in open_to_it}:
        raise WorkflowError(
            f"{network} is not one of {commissioner}'s networks open on {day}",
            "network",
        )
    codes = (commissioner, network)
    if not all(allowed(user, Permission.ASSIGN_PRACTICE, code) for code in codes):
        raise PermissionDenied(
            "only the commissioner overseeing the network can assign a practice to it"
        )
    current = queries.network_of(practice, effective_from)
    if current:
        raise WorkflowError(
            f"{practice} is in {current} on {effective_from}: it is not unassigned",
            "practice",
        )


def _record_assignment(user: Any, proposal: Proposal) -> Application:
    """The assignment's application, submitted (its practice confirmed, its
    checks run) and approved by the commissioner, in the caller's transaction."""
    reason = proposal.reason
    application = _new_application(user, proposal, round=1, state=State.SUBMITTED)
    now = application.created_at
    # The commissioner's assignment needs no practice confirmation.
    application.practices.update(
        confirmed_at=now,
        confirmed_by=user,
        confirmation_note="assigned by the commissioner",
    )
    CheckRun.objects.create(
        application=application,
        round=1,
        version=1,
        ran_at=now,
        as_at=proposal.effective_from,
        findings=preview(application),
    )
    decision = Decision.objects.create(
        application=application,
        round=1,
        outcome=Decision.Outcome.APPROVED,
        reasons=reason,
        decided_by=user,
        decided_at=now,
    )
    # Submitted and approved at once, by the commissioner (see transitions).
    application.state = transitions.next_state(application.state, Action.APPROVE)
    _approve(user, application, decision)
    application.save()
    _event(application, user, "assigned", reason)
    _audit(user, application, "assign practice", reason)
    return application
