"""What a user may see: the organisations their roles reach.

A role held for an organisation reaches that organisation and everything ever
linked beneath it in the register (a commissioner's networks and practices, a
network's member practices, at any time), so history stays visible to those who
oversaw it. A commissioner also reaches its predecessors and successors (mergers).
A practice manager also reaches the networks its practice belongs or belonged to,
read-only (:attr:`Scope.read_only`): their page and payments, not their governance
or audit trail, nor their other members.
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
from pcnhub.register.models import Relationship, RelationshipKind, Succession

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
    #: The part of ``reach`` seen only as a member practice's network: its page
    #: and payments, nothing of its governance or audit trail.
    read_only: frozenset[str] = frozenset()
    #: The part of ``overseen`` under the user's commissioner roles (not their
    #: region's): what a commissioner sees names in (staff records).
    commissioned: frozenset[str] = frozenset()

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

    def sees_fully(self, code: str | None) -> bool:
        """Sees ``code`` other than as a member practice's network."""
        return self.sees(code) and (self.country_wide or code not in self.read_only)

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
    practices = {org for role, org in held if role == Role.PRACTICE_MANAGER and org}
    read_only = _networks_of(practices) - reach
    commissioner_roots = {o for r, o in held if r == Role.COMMISSIONER and o}
    commissioned = (
        overseen
        if commissioner_roots == overseen_roots
        else _beneath(_with_successions(commissioner_roots))
    )
    return Scope(
        held,
        country_wide,
        frozenset(reach | read_only),
        frozenset(overseen),
        frozenset(read_only),
        frozenset(commissioned),
    )


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


def _networks_of(practices: set[str]) -> set[str]:
    """The networks the practices belong or ever belonged to."""
    if not practices:
        return set()
    return set(
        Relationship.objects.filter(
            kind=RelationshipKind.PRACTICE_NETWORK, child_id__in=practices
        ).values_list("parent_id", flat=True)
    )


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
