"""Granting and ending roles: every change audited, nothing deleted.

Nobody grants a role to themselves. A role that decides applications or gives
out roles (:data:`~pcnhub.access.roles.SECOND_PERSON_ROLES`) needs two people:
one administrator :func:`propose`\\ s it and a different one, who is not the
person it is for, :func:`approve`\\ s it (or :func:`refuse`\\ s it). A named system
run (the demo, an operator's script) may :func:`grant` any role directly, and
the audit trail says so. Ending a role needs no second person.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pcnhub.access.models import RoleAssignment, RoleProposal
from pcnhub.access.permissions import Permission
from pcnhub.access.roles import SECOND_PERSON_ROLES, Role
from pcnhub.access.scope import forget_scope, today
from pcnhub.audit.services import Actor, record
from pcnhub.register.models import Organisation


class GrantRefused(ValidationError):
    """A grant, proposal or approval the two-person rule does not allow.

    ``field`` names the form field at fault ("user" or "role"), if one is.
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _describe(assignment: RoleAssignment) -> dict:
    return {
        "user": assignment.user.get_username(),
        "role": assignment.role,
        "organisation": assignment.organisation_id,
        "valid_from": assignment.valid_from,
        "valid_to": assignment.valid_to,
    }


def _describe_proposal(proposal: RoleProposal) -> dict:
    return {
        "user": proposal.user.get_username(),
        "role": proposal.role,
        "organisation": proposal.organisation_id,
        "valid_from": proposal.valid_from,
        "status": proposal.status,
        "proposed_by": proposal.proposed_by.get_username(),
        "decided_by": proposal.decided_by.get_username()
        if proposal.decided_by_id
        else None,
        "assignment": proposal.assignment_id,
    }


def _subjects(held: RoleAssignment | RoleProposal) -> list[str]:
    return [held.organisation_id] if held.organisation_id else []


def _organisation(code: str | None) -> Organisation | None:
    return Organisation.objects.get(code=code) if code else None


def needs_second_person(role: Role | str) -> bool:
    return Role(role) in SECOND_PERSON_ROLES


def check_direct_grant(actor_user: Any, user: Any, role: Role | str) -> None:
    """Refuse (:class:`GrantRefused`) a grant ``actor_user`` may not make at once."""
    if actor_user is None:
        return  # a named system run
    if actor_user.pk == user.pk:
        raise GrantRefused(
            "You cannot grant a role to yourself: ask another administrator.", "user"
        )
    if needs_second_person(role):
        raise GrantRefused(
            f"A {Role(role)} role gives decision powers, so a second administrator "
            "must approve it: propose it under Role proposals instead.",
            "role",
        )


def grant(
    actor: Actor,
    user,  # type: ignore[no-untyped-def]
    role: Role,
    organisation: str | None = None,
    *,
    valid_from: date | None = None,
    reason: str = "",
) -> RoleAssignment:
    """Give ``user`` ``role`` for ``organisation`` at once (validated, audited).

    For a person acting, only a role outside :data:`SECOND_PERSON_ROLES`, and
    never to themselves; a system run may grant any role.
    """
    check_direct_grant(actor.user, user, role)
    with transaction.atomic():
        assignment = _make(
            actor, user, role.value, organisation, valid_from or today(), reason
        )
    forget_scope(user)
    return assignment


def _make(
    actor: Actor,
    user: Any,
    role: str,
    organisation: str | None,
    valid_from: date,
    reason: str,
    proposal: RoleProposal | None = None,
) -> RoleAssignment:
    """The assignment, audited as ``actor``'s act (the approver's, for a proposal)."""
    assignment = RoleAssignment(
        user=user,
        role=role,
        organisation=_organisation(organisation),
        valid_from=valid_from,
        granted_by=proposal.proposed_by if proposal else actor.user,
        granted_by_system=actor.system if actor.user is None else "",
        approved_by=actor.user if proposal else None,
        reason=reason,
    )
    assignment.full_clean()
    assignment.save()
    after = _describe(assignment)
    if proposal is not None:
        after["proposal"] = proposal.pk
        after["proposed_by"] = proposal.proposed_by.get_username()
        after["approved_by"] = actor.label
    elif actor.user is None and needs_second_person(role):
        after["approved_by"] = f"none: a direct grant by the system run {actor.system}"
    record(
        actor,
        "grant role",
        "role assignment",
        str(assignment.pk),
        after=after,
        reason=reason,
        subjects=_subjects(assignment),
    )
    return assignment


def _require_administrator(user: Any) -> None:
    if user is None or not user.has_perm(Permission.MANAGE_USERS):
        raise PermissionDenied("only an administrator can propose or approve roles")


def propose(
    proposer: Any,
    user: Any,
    role: Role,
    organisation: str | None = None,
    *,
    valid_from: date | None = None,
    reason: str = "",
) -> RoleProposal:
    """Record ``proposer``'s proposal to give ``user`` a role that needs two people."""
    _require_administrator(proposer)
    if proposer.pk == user.pk:
        raise GrantRefused(
            "You cannot propose a role for yourself: ask another administrator.",
            "user",
        )
    if not needs_second_person(role):
        raise GrantRefused(
            f"A {Role(role)} role needs no second person: grant it directly under "
            "Role assignments.",
            "role",
        )
    with transaction.atomic():
        proposal = RoleProposal(
            user=user,
            role=Role(role).value,
            organisation=_organisation(organisation),
            valid_from=valid_from or today(),
            reason=reason,
            proposed_by=proposer,
            proposed_at=timezone.now(),
        )
        proposal.full_clean()
        proposal.save()
        _audit(proposer, "propose role", proposal, reason=reason)
    return proposal


def check_approver(approver: Any, proposal: RoleProposal) -> None:
    """Refuse (:class:`GrantRefused`) an approval by the wrong person."""
    if proposal.status != RoleProposal.Status.PENDING:
        raise GrantRefused(f"This proposal is already {proposal.status}.")
    if approver.pk == proposal.proposed_by_id:
        raise GrantRefused(
            "You proposed this role: a different administrator must approve it."
        )
    if approver.pk == proposal.user_id:
        raise GrantRefused(
            "This role is for you: a different administrator must approve it."
        )
    proposer = proposal.proposed_by
    if proposer is None or not proposer.has_perm(Permission.MANAGE_USERS):
        # Two administrators must agree; one who has since lost the role is not one.
        name = proposer.get_username() if proposer else "its proposer"
        raise GrantRefused(
            f"{name} proposed this role but is no longer an administrator: refuse "
            "it, and propose it again yourself if it is still needed."
        )


def approve(approver: Any, proposal: RoleProposal, note: str = "") -> RoleAssignment:
    """A second administrator approves: the role is granted from its start date."""
    _require_administrator(approver)
    with transaction.atomic():
        proposal = _locked(proposal)
        check_approver(approver, proposal)
        assignment = _make(
            Actor(user=approver),
            proposal.user,
            proposal.role,
            proposal.organisation_id,
            proposal.valid_from,
            proposal.reason,
            proposal,
        )
        before = _describe_proposal(proposal)
        _decide(proposal, approver, RoleProposal.Status.APPROVED, note, assignment)
        _audit(approver, "approve role", proposal, before=before, reason=note)
    forget_scope(proposal.user)
    return assignment


def refuse(refuser: Any, proposal: RoleProposal, note: str = "") -> RoleProposal:
    """Any administrator may refuse a pending proposal (the proposer withdraws so)."""
    _require_administrator(refuser)
    with transaction.atomic():
        proposal = _locked(proposal)
        if proposal.status != RoleProposal.Status.PENDING:
            raise GrantRefused(f"This proposal is already {proposal.status}.")
        before = _describe_proposal(proposal)
        _decide(proposal, refuser, RoleProposal.Status.REFUSED, note, None)
        _audit(refuser, "refuse role", proposal, before=before, reason=note)
    return proposal


def _locked(proposal: RoleProposal) -> RoleProposal:
    # Two administrators approving at once must not grant the role twice.
    return RoleProposal.objects.select_for_update().get(pk=proposal.pk)


def _decide(
    proposal: RoleProposal,
    who: Any,
    status: str,
    note: str,
    assignment: RoleAssignment | None,
) -> None:
    proposal.status = status
    proposal.decided_by = who
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.assignment = assignment
    proposal.save()


def _audit(
    who: Any,
    action: str,
    proposal: RoleProposal,
    *,
    before: dict | None = None,
    reason: str = "",
) -> None:
    record(
        Actor(user=who),
        action,
        "role proposal",
        str(proposal.pk),
        before=before,
        after=_describe_proposal(proposal),
        reason=reason,
        subjects=_subjects(proposal),
    )


def end(
    actor: Actor, assignment: RoleAssignment, on: date | None = None, reason: str = ""
) -> RoleAssignment:
    """End a role (no second person needed: ending only takes powers away)."""
    with transaction.atomic():
        before = _describe(assignment)
        assignment.valid_to = on or today()
        assignment.full_clean()
        assignment.save(update_fields=["valid_to"])
        record(
            actor,
            "end role",
            "role assignment",
            str(assignment.pk),
            before=before,
            after=_describe(assignment),
            reason=reason,
            subjects=_subjects(assignment),
        )
    forget_scope(assignment.user)
    return assignment
