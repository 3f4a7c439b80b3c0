"""The area a dashboard is about: the nation, a region, system, commissioner,
network or practice, or "all your organisations" for a user whose roles cover
several; and which practices, networks and commissioners lie in it on a date.

An area is always one the user may see: :func:`area_for` refuses (403) a code
outside their scope before anything is worked out, as the pages do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from pcnhub.access.checks import allowed
from pcnhub.access.permissions import Permission
from pcnhub.access.scope import Scope, scope_of
from pcnhub.register import queries
from pcnhub.register.models import OrganisationKind, RelationshipKind, Succession

NATION = "nation"
YOURS = "yours"
#: The levels, widest first (the organisation kinds an area may be).
LEVELS = (
    NATION,
    OrganisationKind.REGION.value,
    OrganisationKind.SYSTEM.value,
    OrganisationKind.COMMISSIONER.value,
    OrganisationKind.NETWORK.value,
    OrganisationKind.PRACTICE.value,
    YOURS,
)
_KINDS = set(LEVELS[1:-1])


@dataclass(frozen=True)
class Area:
    """Where a dashboard's figures come from."""

    level: str
    code: str = ""
    name: str = ""

    @property
    def label(self) -> str:
        if self.level == NATION:
            return "England"
        if self.level == YOURS:
            return "All your organisations"
        return f"{self.name} ({self.code})" if self.name else self.code


def default_area(user: Any, day: date) -> Area:
    """The nation for those who see it all; the one organisation a user's roles
    are for; otherwise everything their roles cover."""
    scope = scope_of(user)
    if scope.country_wide:
        return Area(NATION)
    roots = {org for _, org in scope.held if org}
    if len(roots) == 1:
        return _area_of(roots.pop(), day)
    return Area(YOURS)


def area_for(user: Any, code: str | None, day: date) -> Area:
    """The area ``code`` names (the default when empty).

    Raises ValidationError for a code that is not in the register or not an
    area, and PermissionDenied for one outside the user's scope.
    """
    text = (code or "").strip().upper()
    if not text:
        return default_area(user, day)
    if text == NATION.upper():
        if not scope_of(user).country_wide:
            raise PermissionDenied("Only national roles see the figures for England.")
        return Area(NATION)
    org = queries.find_organisation(text)
    if org is None:
        raise ValidationError({"scope": [f"No organisation {text} in the register."]})
    if org.kind not in _KINDS:
        raise ValidationError(
            {
                "scope": [
                    f"{org.code} is not a region, system, commissioner, "
                    "network or practice."
                ]
            }
        )
    if not allowed(user, Permission.VIEW_ORGANISATION, org.code):
        raise PermissionDenied(
            f"Your roles in pcnhub do not include {org.code}, so its figures are "
            "not shown to you."
        )
    return _area_of(org.code, day)


def _area_of(code: str, day: date) -> Area:
    org = queries.find_organisation(code)
    kind = org.kind if org else OrganisationKind.PRACTICE
    names = queries.names_on([code], day) or queries.latest_names([code])
    return Area(str(kind) if kind in _KINDS else YOURS, code, names.get(code, ""))


@dataclass(frozen=True)
class Members:
    """What lies in an area on a day (None: no limit at that level)."""

    commissioners: frozenset[str] | None = None
    networks: frozenset[str] | None = None
    practices: frozenset[str] | None = None
    #: For "all your organisations": the user's scope decides.
    scope: Scope | None = None

    def has_practice(self, practice: str, network: str, commissioner: str) -> bool:
        if self.scope is not None:
            return self.scope.sees(practice) or self.scope.sees(commissioner)
        if self.practices is not None:
            return practice in self.practices
        if self.networks is not None:
            return network in self.networks
        return self.commissioners is None or commissioner in self.commissioners

    def has_network(self, network: str, commissioner: str) -> bool:
        if self.scope is not None:
            return self.scope.sees(network) or self.scope.sees(commissioner)
        if self.networks is not None:
            return network in self.networks
        if self.practices is not None:
            return False
        return self.commissioners is None or commissioner in self.commissioners

    def has_commissioner(self, commissioner: str) -> bool:
        """Whether a commissioner-level fact (coverage) belongs here."""
        if self.scope is not None:
            return self.scope.sees(commissioner)
        if self.networks is not None or self.practices is not None:
            return False
        return self.commissioners is None or commissioner in self.commissioners


def members(
    area: Area, day: date, scope: Scope, merged_by: date | None = None
) -> Members:
    """What lies in ``area`` on ``day``; a commissioner's area includes the
    commissioners it succeeded by ``merged_by`` (default ``day``)."""
    if area.level == NATION:
        return Members()
    if area.level == YOURS:
        return Members(scope=scope)
    if area.level == OrganisationKind.PRACTICE:
        network = queries.network_of(area.code, day)
        return Members(
            networks=frozenset({network} if network else ()),
            practices=frozenset({area.code}),
        )
    if area.level == OrganisationKind.NETWORK:
        return Members(networks=frozenset({area.code}))
    if area.level == OrganisationKind.COMMISSIONER:
        return Members(
            commissioners=frozenset(_with_predecessors(area.code, merged_by or day))
        )
    return Members(commissioners=frozenset(_commissioners_under(area, day)))


def _with_predecessors(code: str, day: date) -> set[str]:
    """``code`` and the commissioners it succeeded on or before ``day``."""
    found, frontier = {code}, {code}
    while frontier:
        new = (
            set(
                Succession.objects.filter(
                    successor_id__in=frontier, effective__lte=day
                ).values_list("predecessor_id", flat=True)
            )
            - found
        )
        found |= new
        frontier = new
    return found


def _commissioners_under(area: Area, day: date) -> set[str]:
    """A region's or system's commissioners on ``day``."""
    systems = {area.code}
    if area.level == OrganisationKind.REGION:
        systems = set(
            queries.links_on(RelationshipKind.SYSTEM_REGION, day)
            .filter(parent_id=area.code)
            .values_list("child_id", flat=True)
        )
    return set(
        queries.links_on(RelationshipKind.COMMISSIONER_SYSTEM, day)
        .filter(parent_id__in=systems)
        .values_list("child_id", flat=True)
    )


def choices(user: Any, day: date) -> list[tuple[str, str]]:
    """(code, label) of the areas a user may pick, widest first: the nation and
    regions for national roles, the organisations their roles are for."""
    scope = scope_of(user)
    if scope.country_wide:
        codes = set(
            queries.links_on(RelationshipKind.SYSTEM_REGION, day).values_list(
                "parent_id", flat=True
            )
        )
        first = [(NATION, "England")]
    else:
        codes = {org for _, org in scope.held if org}
        first = [("", "All your organisations")] if len(codes) > 1 else []
    names = queries.names_on(codes, day)
    return first + [
        (code, f"{names[code]} ({code})" if names.get(code) else code)
        for code in sorted(codes)
    ]
