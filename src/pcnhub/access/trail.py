"""Who may see which entries of the audit trail.

The page (``/audit/``, ``/org/<code>/audit/``), the API (``/api/audit/``) and the
``pcnhub audit export`` command all read the trail through :func:`entries`, so
they show the same entries to the same person:

- with an organisation, the entries concerning it (its ``AuditSubject`` rows),
  for anyone with ``audit.view_trail`` on that organisation;
- without one, every entry for those with ``audit.view_whole_trail`` (national
  analysts, administrators); anyone else with ``audit.view_trail`` sees the
  entries concerning an organisation their roles reach, and never an entry that
  concerns no organisation (users, imports, system runs);
- evaluators see none of it: the trail names people.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from pcnhub.access.checks import Permission, require
from pcnhub.access.scope import scope_of
from pcnhub.audit.models import AuditEntry, AuditSubject
from pcnhub.audit.trail import Filters, filtered


def visible_to(user: Any, organisation: str = "") -> QuerySet[AuditEntry]:
    """The entries ``user`` may see (concerning ``organisation``, if given).

    Raises ``PermissionDenied`` when the user may not see this trail at all.
    """
    if organisation:
        require(user, Permission.VIEW_TRAIL, organisation)
        return AuditEntry.objects.filter(
            id__in=AuditSubject.objects.filter(code=organisation).values("entry_id")
        )
    if user.has_perm(Permission.VIEW_WHOLE_TRAIL):
        return AuditEntry.objects.all()
    scope = scope_of(user)
    # A practice's network is read for its page and payments, not its trail.
    reach = sorted(scope.reach - scope.read_only)
    if not reach:
        raise PermissionDenied(
            "you do not have access to this (audit.view_trail): "
            "you hold no role for an organisation"
        )
    require(user, Permission.VIEW_TRAIL, reach[0])
    return AuditEntry.objects.filter(
        id__in=AuditSubject.objects.filter(code__in=reach).values("entry_id")
    )


def entries(user: Any, filters: Filters) -> QuerySet[AuditEntry]:
    """What ``user`` sees of the trail with ``filters``, newest first.

    Raises ``PermissionDenied`` when the user may not see this trail.
    """
    return filtered(visible_to(user, filters.organisation), filters)
