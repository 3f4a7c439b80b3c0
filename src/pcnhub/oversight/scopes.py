"""The area a variability report covers, and who may ask for which.

A scope is the nation (no code), a region, a system (STP / ICB) or a
commissioner (CCG / sub-ICB location), as in the register on the day.

Who sees which (docs/variability.md, "Who sees what"): the figures are counts
and sums of published list sizes, with no personal data, so

* country-wide roles (national, evaluator, administrator) ask for any scope, the
  nation by default;
* a regional team or a commissioner asks for any area in its scope (its region,
  the region's systems and commissioners; its commissioner, with merged
  predecessors and successors), its own by default;
* a network's clinical director or manager, or a practice manager, asks for the
  area of the commissioner overseeing their network or practice on the day (the
  benchmark they are measured against), by default the first. They see that
  area's figures, but network-by-network rows only for the networks they see.

Refusals come before "not found" (403, then 404), as for every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied

from pcnhub.access.permissions import Permission
from pcnhub.access.roles import NETWORK_ROLES, Role
from pcnhub.access.scope import scope_of
from pcnhub.core.codes import normalise
from pcnhub.register import queries
from pcnhub.register.models import OrganisationKind, RelationshipKind

#: The kinds of organisation a report may cover.
SCOPE_KINDS = (
    OrganisationKind.REGION,
    OrganisationKind.SYSTEM,
    OrganisationKind.COMMISSIONER,
)
NATION = "nation"


class UnknownScope(LookupError):
    """The code names no region, system or commissioner in the register."""


@dataclass(frozen=True)
class Scope:
    code: str  # "" for the nation
    kind: str  # "nation", "region", "system" or "commissioner"
    name: str

    @property
    def label(self) -> str:
        if not self.code:
            return "England"
        return f"{self.name} ({self.code})" if self.name else self.code


def resolve(code: str | None, day: date) -> Scope:
    """The scope ``code`` names (the nation for none); :class:`UnknownScope`
    for a code that is no region, system or commissioner."""
    code = normalise(code or "")
    if not code or code in {"ENG", "ENGLAND", "NATION"}:
        return Scope("", NATION, "England")
    org = queries.find_organisation(code)
    if org is None:
        raise UnknownScope(f"{code} is not in the register")
    if org.kind not in SCOPE_KINDS:
        raise UnknownScope(
            f"{code} is a {org.kind}: a scope is a region, a system or a "
            "commissioner (or none, for England)"
        )
    names = queries.names_on([code], day) or queries.latest_names([code])
    return Scope(code, str(org.kind), names.get(code, ""))


def benchmark_areas(user: Any, day: date) -> list[str]:
    """The commissioners overseeing the networks and practices ``user`` acts
    for on ``day`` (successions followed), by code."""
    scope = scope_of(user)
    networks = scope.held_for(*NETWORK_ROLES) | scope.read_only
    practices = scope.held_for(Role.PRACTICE_MANAGER)
    found = queries.parents_on(RelationshipKind.NETWORK_COMMISSIONER, day, networks)
    found |= queries.parents_on(RelationshipKind.PRACTICE_COMMISSIONER, day, practices)
    return sorted({parent.code for parent in found.values()})


def may_ask(user: Any, code: str, day: date) -> bool:
    """Whether ``user`` may see the report for ``code`` ("" for the nation)."""
    if not user.has_perm(Permission.USE_REGISTER):
        return False
    scope = scope_of(user)
    if scope.country_wide:
        return True
    if not code:
        return False
    return scope.sees(code) or code in benchmark_areas(user, day)


def default_scope(user: Any, day: date) -> str | None:
    """The scope shown when none is asked for ("" for the nation); None when the
    user's roles reach no area on ``day`` (a practice no commissioner holds)."""
    scope = scope_of(user)
    if scope.country_wide:
        return ""
    own = sorted(scope.held_for(Role.REGIONAL, Role.COMMISSIONER))
    if own:
        return own[0]
    areas = benchmark_areas(user, day)
    return areas[0] if areas else None


def require_scope(user: Any, code: str | None, day: date) -> Scope:
    """The scope ``code`` names, once ``user`` may see it: 403 first, then
    :class:`UnknownScope`."""
    wanted = normalise(code or "")
    if wanted in {"ENG", "ENGLAND", "NATION"}:
        wanted = ""
    if not may_ask(user, wanted, day):
        if not wanted:
            raise PermissionDenied(
                "England as a whole is for country-wide roles: choose an area "
                "in your scope"
            )
        raise PermissionDenied(f"your roles in pcnhub do not include {wanted}")
    return resolve(wanted, day)


def sees_network(user: Any, network: str, commissioner: str) -> bool:
    """A network's own row is shown to those who see it or its commissioner."""
    scope = scope_of(user)
    return scope.country_wide or scope.sees(network) or scope.sees(commissioner)
