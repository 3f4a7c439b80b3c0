"""The commissioner's steps of the workflow: decide an application (exactly one
decision per round, whoever is first) and decide an appeal; an approval writes
the register and governance (:mod:`pcnhub.workflow.effects`). Part of
:mod:`pcnhub.workflow.services`.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.access.roles import NETWORK_ROLES, Role
from pcnhub.access.scope import forget_scope, scope_of
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from pcnhub.register import queries
from pcnhub.rules.checks import Outcome
from pcnhub.ui.formatting import fmt_when
from pcnhub.workflow import details as checked
from pcnhub.workflow import effects, targets, transitions
from pcnhub.workflow.errors import Conflict, WorkflowError
from pcnhub.workflow.models import Appeal, Application, Decision, Kind
from pcnhub.workflow.offers import latest_checks, unconfirmed
from pcnhub.workflow.recording import _actor, _audit, _event, _locked
from pcnhub.workflow.validation import DECISION_TEXT_LIMIT, _well_formed

NETWORK_CODE = re.compile(r"^U\d{5}$")


def decide(
    user: Any,
    application: Application,
    *,
    outcome: str,
    reasons: str = "",
    conditions: str = "",
    network_code: str = "",
    expected_version: int,
) -> Decision:
    """Record the commissioner's decision. Exactly one decision per round: a second
    reviewer deciding at the same moment gets :class:`Conflict`, on PostgreSQL
    (row lock, then the unique constraint) and on SQLite (the write lock)."""
    require(user, Permission.DECIDE_APPLICATION, application)
    _well_formed(
        checked.text_errors(
            {
                "outcome": (outcome, 30),
                "reasons": (reasons, DECISION_TEXT_LIMIT),
                "conditions": (conditions, DECISION_TEXT_LIMIT),
                "network_code": (network_code, checked.CODE_LIMIT),
            }
        )
    )
    try:
        with transaction.atomic():
            return _decide(
                user,
                application,
                outcome,
                reasons,
                conditions,
                network_code,
                expected_version,
            )
    except IntegrityError as exc:
        raise Conflict(_already_decided(application)) from exc
    except OperationalError as exc:
        if not _locked_out(exc):
            raise
        _wait_for_writer(application)
        raise Conflict(_already_decided(application)) from exc


def _locked_out(exc: OperationalError) -> bool:
    """SQLite's "database is locked" (or a shared-cache "table is locked")."""
    return connection.vendor == "sqlite" and "locked" in str(exc)


def _wait_for_writer(application: Application) -> None:
    """Wait for the other reviewer's transaction to end (SQLite: taking the write
    lock waits for it), so that what it decided can be read and named."""
    try:
        with transaction.atomic():
            _locked(application)
    except OperationalError:
        pass  # still busy after the timeout: the message says so without a name


def _already_decided(application: Application) -> str:
    latest = (
        application.decisions.order_by("-round").select_related("decided_by").first()
    )
    if latest is None:
        return (
            "Someone else decided this application at the same time. Reload the page."
        )
    return (
        f"This application was already decided by {latest.decided_by.get_username()} "
        f"on {fmt_when(latest.decided_at)} "
        f"({latest.get_outcome_display().lower()}). Your decision was not recorded."
    )


def _decide(
    user: Any,
    application: Application,
    outcome: str,
    reasons: str,
    conditions: str,
    network_code: str,
    expected_version: int,
) -> Decision:
    application = _locked(application)
    # The outcome is checked below (after the state, as it always was): until
    # then, any decision's row will do.
    asked = transitions.DECISIONS.get(outcome)
    try:
        transitions.require_any(
            application.state, [asked] if asked else transitions.DECISIONS.values()
        )
    except transitions.IllegalTransition as exc:
        if application.decisions.filter(round=application.round).exists():
            raise transitions.ActedOnFirst(
                exc.state, exc.action, _already_decided(application)
            ) from None
        raise
    if application.version != expected_version:
        raise Conflict(
            "The application changed since you opened it. Reload the page and "
            "check the changes before you decide."
        )
    if outcome not in Decision.Outcome.values:
        raise WorkflowError(
            "choose approve, approve with conditions or reject", "outcome"
        )
    approving = outcome != Decision.Outcome.REJECTED
    if approving:
        _in_area(application)
    _check_decision(application, outcome, reasons, conditions, approving)
    network_code = _network_code(application, network_code) if approving else ""
    decision = Decision.objects.create(
        application=application,
        round=application.round,
        outcome=outcome,
        reasons=reasons,
        conditions=conditions,
        network_code=network_code,
        decided_by=user,
        decided_at=timezone.now(),
    )
    application.state = transitions.next_state(
        application.state, transitions.DECISIONS[outcome]
    )
    application.updated_at = timezone.now()
    if approving:
        _approve(user, application, decision)
    application.save()
    text = reasons if not conditions else f"{reasons}\nConditions: {conditions}".strip()
    _event(application, user, f"decided: {outcome}", text)
    _audit(user, application, f"decide application: {outcome}", text)
    return decision


def _in_area(application: Application) -> None:
    """An approval writes only inside the deciding commissioner's area."""
    try:
        targets.check_area(targets.Target.of(application))
    except targets.OutsideArea as exc:
        raise WorkflowError(str(exc), "outcome") from exc


def _check_decision(
    application: Application,
    outcome: str,
    reasons: str,
    conditions: str,
    approving: bool,
) -> None:
    if outcome == Decision.Outcome.REJECTED and not reasons.strip():
        raise WorkflowError("give the reasons for rejecting the application", "reasons")
    if outcome == Decision.Outcome.APPROVED_WITH_CONDITIONS and not conditions.strip():
        raise WorkflowError("say what the conditions are", "conditions")
    if not approving:
        return
    waiting = unconfirmed(application)
    if waiting:
        raise WorkflowError(
            "every named practice must confirm before approval; waiting for "
            + ", ".join(waiting),
            "outcome",
        )
    run = latest_checks(application)
    breaches = [
        f for f in (run.findings if run else []) if f["outcome"] == Outcome.BREACH
    ]
    if breaches:
        raise WorkflowError(
            "the checks found a breach, so the application cannot be approved as it "
            "stands: " + breaches[0]["message"] + " — reject it with reasons, or ask "
            "the applicants to change it",
            "outcome",
        )


def _network_code(application: Application, code: str) -> str:
    if application.kind not in (Kind.REGISTRATION, Kind.SPLIT):
        return ""
    code = code.strip().upper()
    if not NETWORK_CODE.match(code):
        raise WorkflowError(
            "give the ODS code issued for the new network (U and five digits)",
            "network_code",
        )
    if queries.find_organisation(code) is not None:
        raise WorkflowError(f"{code} is already in the register", "network_code")
    return code


def _approve(user: Any, application: Application, decision: Decision) -> None:
    actor = _actor(user)
    run = effects.apply(application, actor, decision.network_code)
    decision.register_run = run
    decision.save(update_fields=["register_run"])
    if application.kind == Kind.REGISTRATION:
        application.network_id = decision.network_code
        _welcome(actor, application, decision.network_code)


def _welcome(actor: Actor, application: Application, network: str) -> None:
    """The applicant acts for the network they formed (if they act for networks)."""
    applicant = application.submitted_by
    roles = scope_of(applicant).roles & NETWORK_ROLES
    for role in sorted(roles):
        grant(
            actor,
            applicant,
            Role(role),
            network,
            valid_from=timezone.localdate(),
            reason=f"formed {network} (application {application.reference})",
        )
    forget_scope(applicant)


@transaction.atomic
def decide_appeal(
    user: Any,
    application: Application,
    *,
    upheld: bool,
    reasons: str,
    network_code: str = "",
) -> Appeal:
    """Record the appeal's outcome; an upheld appeal approves the application."""
    require(user, Permission.DECIDE_APPLICATION, application)
    _well_formed(
        checked.text_errors(
            {
                "reasons": (reasons, DECISION_TEXT_LIMIT),
                "network_code": (network_code, checked.CODE_LIMIT),
            }
        )
    )
    application = _locked(application)
    appeal = (
        application.appeals.select_for_update().filter(round=application.round).first()
    )
    action = transitions.APPEAL_DECISIONS[upheld]
    new_state = transitions.next_state(application.state, action)
    if appeal is None or appeal.outcome:
        raise transitions.refused(application.state, action)
    if not reasons.strip():
        raise WorkflowError("give the reasons for the appeal's outcome", "reasons")
    appeal.outcome = Appeal.Outcome.UPHELD if upheld else Appeal.Outcome.DISMISSED
    appeal.outcome_reasons, appeal.decided_by, appeal.decided_at = (
        reasons,
        user,
        timezone.now(),
    )
    appeal.save()
    if upheld:
        # Upholding approves: the same conditions as any approval.
        _in_area(application)
        _check_decision(application, Decision.Outcome.APPROVED, reasons, "", True)
        code = _network_code(application, network_code)
        decision = application.decisions.get(round=application.round)
        decision.network_code = code
        decision.save(update_fields=["network_code"])
        application.state = new_state
        _approve(user, application, decision)
    else:
        application.state = new_state
    application.save()
    _event(application, user, f"appeal {appeal.outcome}", reasons)
    _audit(user, application, f"decide appeal: {appeal.outcome}", reasons)
    return appeal
