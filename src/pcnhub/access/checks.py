"""How pages, API routes and commands ask for a permission."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied

import rules
from pcnhub.access.permissions import NOT_FOR_SUPERUSERS, Permission
from pcnhub.access.scope import scope_of
from pcnhub.register.models import Organisation, OrganisationKind

# Permission is re-exported for the packages below access in the layers (register,
# audit), whose entry points already ask through this module.
__all__ = ["Permission", "allowed", "require", "require_network", "visible_rows"]

T = TypeVar("T")


def allowed(user: Any, permission: str, obj: Any = None) -> bool:
    """``user.has_perm``, except that being a superuser does not pass a decision."""
    if permission in NOT_FOR_SUPERUSERS:
        return bool(user.is_active) and rules.has_perm(permission, user, obj)
    return user.has_perm(permission, obj)


def require(user: Any, permission: str, obj: Any = None) -> None:
    """Refuse (403) unless ``user`` holds ``permission`` (on ``obj``)."""
    if not allowed(user, permission, obj):
        raise PermissionDenied(f"you do not have access to this ({permission})")


def require_network(user: Any, code: str, permission: str) -> Organisation:
    """The network ``code`` names, once ``user`` holds ``permission`` on it: 403
    first (so a refusal says nothing of what exists), then 404 for a code that is
    not a network in the register."""
    from django.http import Http404

    from pcnhub.core.codes import normalise
    from pcnhub.register.queries import find_organisation

    code = normalise(code)
    require(user, permission, code)
    org = find_organisation(code)
    if org is None or org.kind != OrganisationKind.NETWORK:
        raise Http404(f"{code} is not a primary care network in the register")
    return org


def visible_rows(user: Any, rows: Iterable[T], *fields: str) -> list[T]:
    """Rows whose organisation (any of ``fields``) the user sees."""
    scope = scope_of(user)
    if scope.country_wide:
        return list(rows)
    return [
        row for row in rows if any(scope.sees(_get(row, field)) for field in fields)
    ]


def _get(row: Any, field: str) -> Any:
    return row.get(field) if isinstance(row, dict) else getattr(row, field, None)
