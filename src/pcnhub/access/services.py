"""Granting and ending roles: every change audited, nothing deleted."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from pcnhub.access.models import RoleAssignment
from pcnhub.access.roles import Role
from pcnhub.access.scope import forget_scope, today
from pcnhub.audit.services import Actor, record
from pcnhub.register.models import Organisation


def _describe(assignment: RoleAssignment) -> dict:
    return {
        "user": assignment.user.get_username(),
        "role": assignment.role,
        "organisation": assignment.organisation_id,
        "valid_from": assignment.valid_from,
        "valid_to": assignment.valid_to,
    }


def grant(
    actor: Actor,
    user,  # type: ignore[no-untyped-def]
    role: Role,
    organisation: str | None = None,
    *,
    valid_from: date | None = None,
    reason: str = "",
) -> RoleAssignment:
    """Give ``user`` ``role`` for ``organisation`` (validated, audited)."""
    with transaction.atomic():
        assignment = RoleAssignment(
            user=user,
            role=role.value,
            organisation=Organisation.objects.get(code=organisation)
            if organisation
            else None,
            valid_from=valid_from or today(),
            granted_by=actor.user,
            granted_by_system=actor.system if actor.user is None else "",
            reason=reason,
        )
        assignment.full_clean()
        assignment.save()
        record(
            actor,
            "grant role",
            "role assignment",
            str(assignment.pk),
            after=_describe(assignment),
            reason=reason,
            subjects=[organisation] if organisation else [],
        )
    forget_scope(user)
    return assignment


def end(
    actor: Actor, assignment: RoleAssignment, on: date | None = None, reason: str = ""
) -> RoleAssignment:
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
            subjects=[assignment.organisation_id] if assignment.organisation_id else [],
        )
    forget_scope(assignment.user)
    return assignment
