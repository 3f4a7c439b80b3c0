"""What a user may see: the organisations their roles reach.

A role held for an organisation reaches that organisation and everything ever
linked beneath it in the register (a commissioner's networks and practices, a
network's member practices, at any time), so history stays visible to those who
oversaw it. A commissioner also reaches its predecessors and successors (mergers).
National analysts, evaluators and administrators reach everything.

The scope is worked out once per request and kept on the user object.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from pcnhub.access.models import RoleAssignment
from pcnhub.access.roles import COUNTRY_WIDE, NETWORK_ROLES, Role
from pcnhub.register.models import Relationship, Succession

CACHE_ATTRIBUTE = "_pcnhub_scope"


@dataclass(frozen=True)
class Scope:
    """The roles a user holds today, for which organisations, and what they reach."""

    held: frozenset[tuple[Role, str | None]]
    country_wide: bool
    #: Every organisation the user's roles reach.
    reach: frozenset[str]
    #: The part of ``reach`` seen as an overseer (commissioner or region).
    overseen: frozenset[str]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, _ in self.held)

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    def held_for(self, *roles: Role) -> frozenset[str]:
        """Organisations the user holds any of ``roles`` for (directly)."""
        return frozenset(org for role, org in self.held if role in roles and org)

    def sees(self, code: str | None) -> bool:
        return bool(code) and (self.country_wide or code in self.reach)

    def sees_any(self, codes: Iterable[str]) -> bool:
        return any(self.sees(code) for code in codes)

    def oversees(self, code: str | None) -> bool:
        """National, or a commissioner or regional team whose area holds ``code``."""
        if not code:
            return False
        return self.has(Role.NATIONAL) or code in self.overseen

    @property
    def acts_for_networks(self) -> frozenset[str]:
        return self.held_for(*NETWORK_ROLES)


NOBODY = Scope(frozenset(), False, frozenset(), frozenset())


def today() -> date:
    return timezone.localdate()


def current_assignments(user, day: date | None = None):  # type: ignore[no-untyped-def]
    day = day or today()
    return RoleAssignment.objects.filter(user=user, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def scope_of(user) -> Scope:  # type: ignore[no-untyped-def]
    """The user's scope today (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    scope = build_scope(
        (Role(role), org)
        for role, org in current_assignments(user).values_list(
            "role", "organisation_id"
        )
    )
    setattr(user, CACHE_ATTRIBUTE, scope)
    return scope


def forget_scope(user) -> None:  # type: ignore[no-untyped-def]
    if hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)


def build_scope(assignments: Iterable[tuple[Role, str | None]]) -> Scope:
    held = frozenset(assignments)
    country_wide = any(role in COUNTRY_WIDE for role, _ in held)
    overseen_roots = {org for role, org in held if role in _OVERSIGHT and org}
    other_roots = {org for role, org in held if role not in _OVERSIGHT and org}
    overseen = _beneath(_with_successions(overseen_roots))
    reach = overseen | _beneath(other_roots)
    return Scope(held, country_wide, frozenset(reach), frozenset(overseen))


_OVERSIGHT = frozenset({Role.REGIONAL, Role.COMMISSIONER})


def _with_successions(codes: set[str]) -> set[str]:
    found = set(codes)
    frontier = set(codes)
    while frontier:
        links = Succession.objects.filter(
            Q(predecessor_id__in=frontier) | Q(successor_id__in=frontier)
        ).values_list("predecessor_id", "successor_id")
        new = {code for pair in links for code in pair} - found
        found |= new
        frontier = new
    return found


def _beneath(codes: set[str]) -> set[str]:
    """``codes`` and every organisation ever linked beneath them."""
    found = set(codes)
    frontier = set(codes)
    while frontier:
        children = set(
            Relationship.objects.filter(parent_id__in=frontier)
            .exclude(child_id__in=found)
            .values_list("child_id", flat=True)
        )
        found |= children
        frontier = children
    return found
