"""Who may make an application say what: the scope check on its target.

Every write (create, change, submit, withdraw, appeal) checks the application as
it will stand after the write, not as it stood before: the network it changes,
the network a merger absorbs, the commissioner who will decide it, and each
practice it names. The rules (docs/applications.md, "Who may name what"):

* The commissioner's area must hold every organisation the application names,
  so the commissioner who decides it oversees all of it (else 400).
* The network changed, and a merger's absorbed network: the applicant acts for
  it or oversees it; a practice joining, leaving, opting out or in may also
  speak for itself (its own practice manager).
* Each named practice: the applicant sees it (their network's practices, their
  own practice, their area), or it is in no network on the effective date. A
  practice in another network is refused, saying only that.

These use the predicates of :mod:`pcnhub.access.scope` unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied

from pcnhub.access.roles import Role
from pcnhub.access.scope import Scope, build_scope, scope_of
from pcnhub.core.dates import long_date
from pcnhub.register import queries
from pcnhub.workflow.models import Application, Kind

#: Kinds where a named practice's own manager speaks for it.
PRACTICE_KINDS = (Kind.PRACTICE_JOIN, Kind.PRACTICE_LEAVE, Kind.OPT_OUT, Kind.OPT_IN)


class NotTheirs(PermissionDenied):
    """The applicant does not speak for an organisation the application names."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class OutsideArea(ValueError):
    """The application names an organisation outside its commissioner's area."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.field = "commissioner"


@dataclass(frozen=True)
class Target:
    kind: str
    commissioner: str
    network: str
    absorbed: str
    practices: Sequence[str]
    day: date

    @classmethod
    def of(cls, application: Application) -> Target:
        return cls(
            kind=application.kind,
            commissioner=application.commissioner_id or "",
            network=application.network_id or "",
            absorbed=(application.details or {}).get("absorbed_network") or "",
            practices=application.practice_codes(),
            day=application.effective_from,
        )

    def networks(self) -> list[str]:
        return [code for code in (self.network, self.absorbed) if code]


def area_of(commissioner: str) -> Scope:
    """What the commissioner oversees (its area, with mergers), as a scope."""
    return build_scope([(Role.COMMISSIONER, commissioner)])


def check(user: Any, target: Target) -> None:
    """Refuse (:class:`PermissionDenied`) unless ``user`` may speak for ``target``;
    then (:class:`OutsideArea`) unless its commissioner oversees all of it."""
    scope = scope_of(user)
    for network in target.networks():
        if not _speaks_for_network(scope, target, network):
            raise NotTheirs(
                f"you do not act for {network}: ask its clinical director or PCN "
                "manager, or its commissioner",
                "network" if network == target.network else "absorbed_network",
            )
    in_networks = queries.networks_of(target.practices, target.day)
    for practice in target.practices:
        if not (scope.sees(practice) or practice not in in_networks):
            raise NotTheirs(
                f"{practice} is in another network on {long_date(target.day)}: only "
                "its own practice manager, its network or its commissioner can "
                "name it in an application",
                "practices",
            )
    check_area(target)


def check_area(target: Target) -> None:
    area = area_of(target.commissioner)
    for code in [*target.networks(), *target.practices]:
        if not area.oversees(code):
            raise OutsideArea(
                f"{code} is not in {target.commissioner}'s area: send the "
                "application to the commissioner responsible for it"
            )


def _speaks_for_network(scope: Scope, target: Target, network: str) -> bool:
    if network in scope.acts_for_networks or scope.oversees(network):
        return True
    own = scope.held_for(Role.PRACTICE_MANAGER)
    return (
        network == target.network
        and target.kind in PRACTICE_KINDS
        and bool(own & set(target.practices))
    )
