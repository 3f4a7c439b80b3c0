"""Which organisation a map is of, asked the same way by the pages and the API."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.core.codes import normalise
from pcnhub.register import queries
from pcnhub.register.models import Organisation, OrganisationKind

MAPPED = (OrganisationKind.NETWORK, OrganisationKind.COMMISSIONER)


def organisation_for_map(
    user: Any, code: str, kinds: tuple[str, ...] = MAPPED
) -> Organisation:
    """The organisation ``code`` names, once the user may see it (the
    organisation pages' ``register.view_organisation``): 403 first, so that a
    refusal says nothing of what exists, then 404 unless it is one of
    ``kinds``."""
    require(user, Permission.USE_REGISTER)
    code = normalise(code)
    require(user, Permission.VIEW_ORGANISATION, code)
    org = queries.find_organisation(code)
    if org is None or org.kind not in kinds:
        what = " or ".join(str(k.label).lower() for k in MAPPED if k in kinds)
        raise Http404(f"{code} is not a {what} in the register")
    return org
