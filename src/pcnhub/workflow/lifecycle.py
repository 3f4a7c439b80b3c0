"""The applicant's steps of the workflow: create, change, submit, confirm,
withdraw and appeal (:mod:`pcnhub.workflow.services` names them all). Each
checks the user's permission, writes an event and an audit entry, and runs in
one transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from pcnhub.access.checks import allowed, require
from pcnhub.access.permissions import Permission
from pcnhub.access.roles import Role
from pcnhub.access.scope import scope_of
from pcnhub.audit.services import jsonable
from pcnhub.workflow import details as checked
from pcnhub.workflow import proposals, transitions
from pcnhub.workflow.errors import WorkflowError
from pcnhub.workflow.models import (
    Appeal,
    Application,
    ApplicationPractice,
    CheckRun,
    State,
)
from pcnhub.workflow.recording import _audit, _event, _locked, summary
from pcnhub.workflow.transitions import Action
from pcnhub.workflow.validation import (
    DECISION_TEXT_LIMIT,
    Proposal,
    _check_target,
    _practices_of,
    _recheck,
    _target,
    _validate,
    _well_formed,
)


@transaction.atomic
def create(user: Any, proposal: Proposal) -> Application:
    """Start an application (a draft) for a network or a new one."""
    require(user, Permission.START_APPLICATION)
    proposal.practices = _practices_of(proposal)
    _validate(proposal)
    _check_target(user, _target(proposal))
    application = _new_application(user, proposal)
    _event(application, user, "created")
    _audit(user, application, "create application", proposal.reason)
    return application


def _new_application(user: Any, proposal: Proposal, **state: Any) -> Application:
    """The application's row, its reference (APP- and its id) and its practices."""
    now = timezone.now()
    application = Application.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:12]}",
        kind=proposal.kind,
        commissioner_id=proposal.commissioner,
        network_id=proposal.network or None,
        effective_from=proposal.effective_from,
        notice_given_on=proposal.notice_given_on,
        details=jsonable(proposal.details),
        reason=proposal.reason,
        submitted_by=user,
        created_at=now,
        updated_at=now,
        **state,
    )
    application.reference = f"APP-{application.pk:05d}"
    application.save(update_fields=["reference"])
    _set_practices(application, proposal.practices)
    return application


def _set_practices(application: Application, practices: list[tuple[str, str]]) -> None:
    ApplicationPractice.objects.bulk_create(
        ApplicationPractice(application=application, practice_id=code, change=change)
        for code, change in practices
    )
    application._practice_codes = None


@transaction.atomic
def change(
    user: Any, application: Application, proposal: Proposal, expected_version: int
) -> Application:
    """Change a draft, a submitted (back to draft) or a rejected application."""
    require(user, Permission.CHANGE_APPLICATION, application)
    application = _locked(application, expected_version)
    new_state = transitions.next_state(application.state, Action.CHANGE)
    if proposal.kind != application.kind:
        raise WorkflowError(
            "the kind of an application cannot change; start a new one", "kind"
        )
    proposal.practices = _practices_of(proposal)
    _validate(proposal)
    # The application as it will be after the change: the applicant must speak
    # for that, not only for what it was.
    _check_target(user, _target(proposal))
    before = summary(application)
    confirmed = {
        p.practice_id: p for p in application.practices.all() if p.confirmed_at
    }
    application.commissioner_id = proposal.commissioner
    application.network_id = proposal.network or None
    application.effective_from = proposal.effective_from
    application.notice_given_on = proposal.notice_given_on
    application.details = jsonable(proposal.details)
    application.reason = proposal.reason
    application.version += 1
    application.updated_at = timezone.now()
    was = application.state
    application.state = new_state
    application.save()
    # Confirmations stand for practices still named with the same change.
    application.practices.all().delete()
    _set_practices(application, proposal.practices)
    for row in application.practices.all():
        old = confirmed.get(row.practice_id)
        if old and old.change == row.change:
            row.confirmed_at, row.confirmed_by = old.confirmed_at, old.confirmed_by
            row.confirmation_note = old.confirmation_note
            row.save()
    text = (
        "changed" if was == State.DRAFT else f"changed after it was {was}: submit again"
    )
    _event(application, user, "changed", text)
    _audit(user, application, "change application", proposal.reason, before=before)
    return application


def preview(application: Application) -> list[dict[str, str]]:
    """The checks on the application as it stands (nothing stored)."""
    return [f.row() for f in proposals.check(application)]


@transaction.atomic
def submit(user: Any, application: Application, expected_version: int) -> CheckRun:
    """Send it to the commissioner; the contract checks run and are kept."""
    require(user, Permission.CHANGE_APPLICATION, application)
    application = _locked(application, expected_version)
    _recheck(user, application)
    new_state = transitions.next_state(application.state, Action.SUBMIT)
    application.round += 1
    application.state = new_state
    application.updated_at = timezone.now()
    application.save()
    run = CheckRun.objects.create(
        application=application,
        round=application.round,
        version=application.version,
        ran_at=timezone.now(),
        as_at=application.effective_from,
        findings=preview(application),
    )
    counts = _counts(run.findings)
    _event(application, user, "submitted", f"checks: {counts}")
    _audit(
        user,
        application,
        "submit application",
        f"round {application.round}; checks: {counts}",
    )
    return run


def _counts(findings: list[dict[str, str]]) -> str:
    tally: dict[str, int] = {}
    for finding in findings:
        tally[finding["outcome"]] = tally.get(finding["outcome"], 0) + 1
    return ", ".join(f"{n} {outcome}" for outcome, n in tally.items()) or "none"


@transaction.atomic
def confirm(
    user: Any, application: Application, practice: str, note: str = ""
) -> ApplicationPractice:
    """A named practice confirms it agrees (its manager, or the overseeing commissioner
    recording a confirmation received another way, with a note)."""
    require(user, Permission.CONFIRM_MEMBERSHIP, application)
    _well_formed(
        checked.text_errors(
            {
                "practice": (practice, checked.CODE_LIMIT),
                "note": (note, checked.TEXT_LIMIT),
            }
        )
    )
    scope = scope_of(user)
    row = application.practices.filter(practice_id=practice).first()
    if row is None:
        raise WorkflowError(f"{practice} is not named in {application.reference}")
    own = practice in scope.held_for(Role.PRACTICE_MANAGER)
    on_behalf = not own and allowed(
        user, transitions.permission(Action.RECORD_CONFIRMATION), application
    )
    if not own and not on_behalf:
        raise WorkflowError(f"only {practice}'s practice manager can confirm for it")
    if on_behalf and not note.strip():
        raise WorkflowError(
            "say how the practice confirmed (e.g. a signed letter of 3 May)", "note"
        )
    application = _locked(application)
    # Confirming leaves the state as it is; the table says when it may be done.
    transitions.next_state(
        application.state, Action.RECORD_CONFIRMATION if on_behalf else Action.CONFIRM
    )
    row = application.practices.select_for_update().get(practice_id=practice)
    if row.confirmed_at:
        raise WorkflowError(f"{practice} has already confirmed")
    row.confirmed_at, row.confirmed_by, row.confirmation_note = (
        timezone.now(),
        user,
        note,
    )
    row.save()
    text = f"{practice} confirmed" + (
        f" (recorded by the commissioner: {note})" if on_behalf else ""
    )
    _event(application, user, "confirmed", text)
    _audit(user, application, "confirm practice", text)
    return row


@transaction.atomic
def withdraw(user: Any, application: Application, reason: str) -> Application:
    require(user, Permission.CHANGE_APPLICATION, application)
    _well_formed(checked.text_errors({"reason": (reason, checked.TEXT_LIMIT)}))
    application = _locked(application)
    _recheck(user, application)
    application.state = transitions.next_state(application.state, Action.WITHDRAW)
    application.updated_at = timezone.now()
    application.save()
    _event(application, user, "withdrawn", reason)
    _audit(user, application, "withdraw application", reason)
    return application


@transaction.atomic
def lodge_appeal(user: Any, application: Application, grounds: str) -> Appeal:
    require(user, Permission.CHANGE_APPLICATION, application)
    _well_formed(checked.text_errors({"grounds": (grounds, DECISION_TEXT_LIMIT)}))
    application = _locked(application)
    _recheck(user, application)
    new_state = transitions.next_state(application.state, Action.APPEAL)
    if not grounds.strip():
        raise WorkflowError("give the grounds of the appeal", "grounds")
    appeal = Appeal.objects.create(
        application=application,
        round=application.round,
        grounds=grounds,
        lodged_by=user,
        lodged_at=timezone.now(),
    )
    application.state = new_state
    application.save()
    _event(application, user, "appeal lodged", grounds)
    _audit(user, application, "lodge appeal", grounds)
    return appeal
