"""The application workflow: the one way to create, submit, confirm, decide,
withdraw and appeal. Every step checks the user's permission, writes an
:class:`ApplicationEvent` and an audit entry, and runs in one transaction.
Every state change is taken from the declared table in
:mod:`pcnhub.workflow.transitions`; :func:`allowed_actions` says what a user may
do now (the pages and the API offer that and nothing else).

States (the table, drawn)::

    draft ──submit──► submitted ──decide──► approved | approved with conditions
      ▲                  │  │                  └─► (register and governance written)
      └────── change ────┘  └──decide──► rejected ──change+submit──► submitted
                                             └──appeal──► appealed ──uphold──► approved
                                                                  └─dismiss──► rejected
    draft | submitted ──withdraw──► withdrawn
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from pcnhub.access.checks import allowed, require
from pcnhub.access.permissions import Permission
from pcnhub.access.roles import NETWORK_ROLES, Role
from pcnhub.access.scope import forget_scope, scope_of
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor, jsonable, record
from pcnhub.core.dates import long_date
from pcnhub.register import queries
from pcnhub.register.models import Organisation, OrganisationKind
from pcnhub.register.queries import NetworkRow
from pcnhub.register.successions import Successions
from pcnhub.rules.checks import Outcome
from pcnhub.ui.formatting import fmt_when
from pcnhub.workflow import details as checked
from pcnhub.workflow import effects, proposals, targets, transitions
from pcnhub.workflow.errors import Conflict, InvalidInput, WorkflowError
from pcnhub.workflow.models import (
    Appeal,
    Application,
    ApplicationEvent,
    ApplicationPractice,
    ApplicationVersion,
    Change,
    CheckRun,
    Decision,
    Kind,
    State,
)
from pcnhub.workflow.transitions import Action

NETWORK_CODE = re.compile(r"^U\d{5}$")
#: Reasons, conditions and grounds (as the forms allow).
DECISION_TEXT_LIMIT = 10000


def _well_formed(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(errors)


def _check_target(user: Any, target: targets.Target) -> None:
    """Scope on the target (403), then the commissioner's area (400)."""
    try:
        targets.check(user, target)
    except targets.OutsideArea as exc:
        raise WorkflowError(str(exc), exc.field) from exc


def _recheck(user: Any, application: Application) -> None:
    """The stored target, for steps that do not change it (submit, withdraw, ...)."""
    _check_target(user, targets.Target.of(application))


def _target(proposal: Proposal) -> targets.Target:
    return targets.Target(
        kind=proposal.kind,
        commissioner=proposal.commissioner,
        network=proposal.network if proposal.kind != Kind.REGISTRATION else "",
        absorbed=proposal.details.get("absorbed_network", "")
        if proposal.kind == Kind.MERGER
        else "",
        practices=[code for code, _ in proposal.practices],
        day=proposal.effective_from,
    )


@dataclass
class Proposal:
    """What an application asks for (the form's or API body's content)."""

    kind: str
    commissioner: str
    effective_from: date
    network: str = ""
    notice_given_on: date | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    practices: list[tuple[str, str]] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------


def _actor(user: Any) -> Actor:
    return Actor(user=user)


def _event(application: Application, user: Any, action: str, text: str = "") -> None:
    ApplicationVersion.objects.get_or_create(
        application=application,
        version=application.version,
        defaults={
            "content": jsonable(summary(application)),
            "at": timezone.now(),
            "by": user,
        },
    )
    ApplicationEvent.objects.create(
        application=application,
        at=timezone.now(),
        by=user,
        action=action,
        state=application.state,
        round=application.round,
        text=text,
    )


def _subjects(application: Application) -> list[str]:
    codes = [application.commissioner_id, application.network_id or ""]
    codes += application.practice_codes()
    absorbed = (application.details or {}).get("absorbed_network")
    return [c for c in codes + [absorbed or ""] if c]


def _audit(
    user: Any,
    application: Application,
    action: str,
    reason: str = "",
    before: Any = None,
) -> None:
    record(
        _actor(user),
        action,
        "application",
        application.reference,
        before=before,
        after=summary(application),
        reason=reason,
        subjects=_subjects(application),
    )


def summary(application: Application) -> dict[str, Any]:
    return {
        "kind": application.kind,
        "state": application.state,
        "round": application.round,
        "version": application.version,
        "commissioner": application.commissioner_id,
        "network": application.network_id,
        "effective_from": application.effective_from,
        "notice_given_on": application.notice_given_on,
        "practices": [
            [p.practice_id, p.change, bool(p.confirmed_at)]
            for p in application.practices.all()
        ],
        "details": application.details,
        "reason": application.reason,
    }


def _locked(
    application: Application, expected_version: int | None = None
) -> Application:
    """The application's row, locked for this transaction.

    PostgreSQL locks the row. SQLite has no row locks: a write as the
    transaction's first statement takes the database's write lock, so a second
    writer waits here (up to the connection's timeout) and then reads what the
    first one wrote, instead of failing later with "database is locked".
    """
    if connection.vendor == "sqlite":
        Application.objects.filter(pk=application.pk).update(version=F("version"))
    fresh = Application.objects.select_for_update().get(pk=application.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(
            "This application was changed by someone else since you opened it "
            f"(it is now at version {fresh.version}). Reload the page and check "
            "the changes before you try again."
        )
    return fresh


# --- validation ------------------------------------------------------------------


def _organisation(code: str, kind: str, field: str) -> Organisation:
    org = queries.find_organisation(code) if code else None
    if org is None or org.kind != kind:
        raise WorkflowError(
            f"{code or '(blank)'} is not a {kind} in the register", field
        )
    return org


def _well_formed_proposal(proposal: Proposal) -> None:
    """Types, lengths, NUL characters and the details' shape, before any look-up;
    the details are replaced by their cleaned form."""
    _well_formed(
        checked.text_errors(
            {
                "kind": (proposal.kind, 30),
                "reason": (proposal.reason, checked.TEXT_LIMIT),
                "network": (proposal.network, checked.CODE_LIMIT),
                "commissioner": (proposal.commissioner, checked.CODE_LIMIT),
            }
        )
    )
    _well_formed(
        checked.date_errors(
            {
                "effective_from": proposal.effective_from,
                "notice_given_on": proposal.notice_given_on,
            }
        )
    )
    codes = {"network": proposal.network, "commissioner": proposal.commissioner}
    for n, (code, _) in enumerate(proposal.practices):
        codes[f"practices[{n}].code"] = code
    _well_formed(checked.code_errors(codes))
    details, errors = checked.clean_details(proposal.kind, proposal.details)
    _well_formed(errors)
    proposal.details = details


def _validate(proposal: Proposal) -> None:
    kind = proposal.kind
    if kind not in Kind.values:
        raise WorkflowError(f"unknown kind of application {kind!r}", "kind")
    _well_formed_proposal(proposal)
    _organisation(proposal.commissioner, OrganisationKind.COMMISSIONER, "commissioner")
    if kind != Kind.REGISTRATION:
        _organisation(proposal.network, OrganisationKind.NETWORK, "network")
    seen: set[str] = set()
    for code, change in proposal.practices:
        _organisation(code, OrganisationKind.PRACTICE, "practices")
        if change not in Change.values:
            raise WorkflowError(f"unknown change {change!r} for {code}", "practices")
        if code in seen:
            raise WorkflowError(f"{code} is named twice", "practices")
        seen.add(code)
    needs_practices = {
        Kind.REGISTRATION,
        Kind.PRACTICE_JOIN,
        Kind.PRACTICE_LEAVE,
        Kind.SPLIT,
        Kind.OPT_OUT,
        Kind.OPT_IN,
        Kind.ASSIGNMENT,
    }
    if kind in needs_practices and not proposal.practices:
        raise WorkflowError("name at least one practice", "practices")
    if kind == Kind.REGISTRATION and not proposal.details.get("network_name"):
        raise WorkflowError("give the network's name", "network_name")
    if kind == Kind.MERGER:
        absorbed = proposal.details.get("absorbed_network", "")
        _organisation(absorbed, OrganisationKind.NETWORK, "absorbed_network")
        if absorbed == proposal.network:
            raise WorkflowError(
                "a network cannot merge with itself", "absorbed_network"
            )
    if kind == Kind.SPLIT and not proposal.details.get("new_network_name"):
        raise WorkflowError("give the new network's name", "new_network_name")
    payee = proposal.details.get("payee") or {}
    if payee.get("kind") == "member_practice" and not payee.get("code"):
        raise WorkflowError("give the member practice's ODS code as payee", "payee")
    if kind == Kind.ASSIGNMENT and not proposal.reason.strip():
        raise WorkflowError("say why the practice is assigned", "reason")
    notice = proposal.notice_given_on
    leaving = kind in (Kind.PRACTICE_LEAVE, Kind.OPT_OUT)
    if leaving and notice and notice > proposal.effective_from:
        raise WorkflowError(
            "notice must be given before the practice leaves", "notice_given_on"
        )


def _practices_of(proposal: Proposal) -> list[tuple[str, str]]:
    return [
        (code.strip().upper() if isinstance(code, str) else code, change)
        for code, change in proposal.practices
    ]


# --- steps -------------------------------------------------------------------------


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


def unconfirmed(application: Application) -> list[str]:
    return [p.practice_id for p in application.practices.all() if not p.confirmed_at]


# --- what a user may do and see ----------------------------------------------------


def confirmable(user: Any, application: Application) -> set[str]:
    """The named practices still to confirm that ``user`` manages, when the
    application's state lets them confirm (the page's *Confirm for* buttons)."""
    if not transitions.allows(application.state, Action.CONFIRM):
        return set()
    own = scope_of(user).held_for(Role.PRACTICE_MANAGER)
    return set(unconfirmed(application)) & own


def allowed_actions(user: Any, application: Application) -> frozenset[Action]:
    """What ``user`` may do to ``application`` now: the actions the table allows
    from its state, that the user's permission allows, less the confirmations
    with nothing to confirm (:attr:`Action.CONFIRM` needs a practice of the
    user's own still to confirm). The pages and the API offer exactly these.

    A decision is offered whatever the checks found: the step itself refuses an
    approval with the reason (a practice still to confirm, a breach), which the
    decision's page shows.
    """
    granted: dict[str, bool] = {}
    found: set[Action] = set()
    for action in transitions.actions_available(application.state):
        name = transitions.permission(action)
        if name not in granted:
            granted[name] = allowed(user, name, application)
        if not granted[name]:
            continue
        if action == Action.CONFIRM and not confirmable(user, application):
            continue
        if action == Action.RECORD_CONFIRMATION and not unconfirmed(application):
            continue
        found.add(action)
    return frozenset(found)


def visible_applications(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may view, as one query: the query form of
    ``workflow.view_application`` (the applicant, the submitter, the overseer
    and a named practice's manager; never an evaluator alone)."""
    scope = scope_of(user)
    if scope.roles == {Role.EVALUATOR} or not scope.held:
        return Application.objects.none()
    if scope.has(Role.NATIONAL):
        query = Q()
    else:
        query = (
            Q(submitted_by=user)
            | Q(commissioner_id__in=scope.overseen)
            | Q(network_id__in=scope.acts_for_networks)
            | Q(practices__practice_id__in=scope.held_for(Role.PRACTICE_MANAGER))
        )
    ids = Application.objects.filter(query).values("pk")
    return (
        Application.objects.filter(pk__in=ids)
        .annotate(
            submitted_at=Max("events__at", filter=Q(events__action="submitted")),
            decided_at=Max("decisions__decided_at"),
        )
        .select_related("submitted_by")
        .prefetch_related("practices", "check_runs")
    )


def latest_checks(application: Application) -> CheckRun | None:
    """The checks of the latest round (reads prefetched runs when there are any)."""
    runs = list(application.check_runs.all())
    return max(runs, key=lambda r: (r.round, r.ran_at, r.pk)) if runs else None


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
            as_at=effective_from,
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
