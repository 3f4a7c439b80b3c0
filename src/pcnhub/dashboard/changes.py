"""What changed in an area between an earlier date and the as-at date.

The register is compared on the two days (``since`` and ``day``), so what is
listed is the difference between them, not every step in between (a practice
that moved twice is listed once, from where it was to where it is):

* **formations**: networks open on ``day`` that were not open on ``since``;
* **closures**: networks open on ``since`` that are not on ``day``; a closed
  network whose practices are all, on ``day``, in one network that was already
  open is listed as a **merger** into it instead (how an approved merger
  application leaves the register);
* **commissioner mergers**: the register's successions (a commissioner succeeded
  by another) effective after ``since`` and on or before ``day``;
* **practice moves**: practices in one network on ``since`` and another on
  ``day``; **joins** (in no network, then in one) and **leaves** (the reverse).

Only what the user may see is listed, and only what touches the area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from pcnhub.access.scope import scope_of
from pcnhub.dashboard.areas import Area, members
from pcnhub.register import queries
from pcnhub.register.models import RelationshipKind, Succession


@dataclass(frozen=True)
class NetworkChange:
    kind: str  # "formed" | "closed" | "merged"
    network: str
    name: str
    commissioner: str
    #: The network it merged into (mergers only).
    into: str = ""
    into_name: str = ""


@dataclass(frozen=True)
class CommissionerMerger:
    predecessor: str
    predecessor_name: str
    successor: str
    successor_name: str
    effective: date


@dataclass(frozen=True)
class PracticeMove:
    kind: str  # "moved" | "joined" | "left"
    practice: str
    name: str
    from_network: str
    to_network: str


@dataclass
class Changes:
    since: date
    day: date
    networks: list[NetworkChange]
    commissioners: list[CommissionerMerger]
    practices: list[PracticeMove]

    @property
    def empty(self) -> bool:
        return not (self.networks or self.commissioners or self.practices)


def parse_since(text: str | None, day: date) -> date | None:
    """``?since=`` as a date before ``day`` (None when not given)."""
    if text is None or not text.strip():
        return None
    try:
        since = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            {"since": ["Enter the date as year, month and day, e.g. 2021-01-01."]}
        ) from None
    if since >= day:
        raise ValidationError(
            {"since": ["The earlier date must be before the as-at date."]}
        )
    return since


def _memberships(day: date) -> dict[str, str]:
    return dict(
        queries.links_on(RelationshipKind.PRACTICE_NETWORK, day).values_list(
            "child_id", "parent_id"
        )
    )


def _overseers(codes: set[str], day: date) -> dict[str, str]:
    parents = queries.parents_on(RelationshipKind.NETWORK_COMMISSIONER, day, codes)
    return {c: p.code for c, p in parents.items()}


def changes(user: Any, area: Area, since: date, day: date) -> Changes:
    """The changes in ``area`` from ``since`` to ``day`` that ``user`` may see."""
    scope = scope_of(user)
    then, now = queries.open_networks(since), queries.open_networks(day)
    was, are = _memberships(since), _memberships(day)
    overseen = _overseers(then | now, day) | {
        c: p for c, p in _overseers(then - now, since).items()
    }
    inside_now = members(area, day, scope)
    inside_then = members(area, since, scope, merged_by=day)

    def network_here(code: str) -> bool:
        commissioner = overseen.get(code, "")
        return scope.sees(code) and (
            inside_now.has_network(code, commissioner)
            or inside_then.has_network(code, commissioner)
        )

    names = queries.names_on(then | now, day) | queries.names_on(then - now, since)
    found: list[NetworkChange] = []
    for code in sorted(now - then):
        if network_here(code):
            found.append(
                NetworkChange(
                    "formed", code, names.get(code, ""), overseen.get(code, "")
                )
            )
    for code in sorted(then - now):
        if not network_here(code):
            continue
        into = {are.get(p, "") for p, n in was.items() if n == code}
        merged = len(into) == 1 and (target := next(iter(into))) in (then & now)
        found.append(
            NetworkChange(
                "merged" if merged else "closed",
                code,
                names.get(code, ""),
                overseen.get(code, ""),
                target if merged else "",
                names.get(target, "") if merged else "",
            )
        )
    return Changes(
        since,
        day,
        found,
        _commissioner_mergers(scope, inside_now, inside_then, since, day),
        _moves(user, area, was, are, since, day),
    )


def _commissioner_mergers(
    scope: Any, inside_now: Any, inside_then: Any, since: date, day: date
) -> list[CommissionerMerger]:
    rows = Succession.objects.filter(effective__gt=since, effective__lte=day)
    found = []
    for s in rows.order_by("effective", "predecessor_id"):
        if not (scope.sees(s.predecessor_id) or scope.sees(s.successor_id)):
            continue
        if not (
            inside_now.has_commissioner(s.successor_id)
            or inside_then.has_commissioner(s.predecessor_id)
        ):
            continue
        before = queries.names_on([s.predecessor_id], since)
        after = queries.names_on([s.successor_id], day)
        found.append(
            CommissionerMerger(
                s.predecessor_id,
                before.get(s.predecessor_id, ""),
                s.successor_id,
                after.get(s.successor_id, ""),
                s.effective,
            )
        )
    return found


def _moves(
    user: Any,
    area: Area,
    was: dict[str, str],
    are: dict[str, str],
    since: date,
    day: date,
) -> list[PracticeMove]:
    scope = scope_of(user)
    inside_now = members(area, day, scope)
    inside_then = members(area, since, scope, merged_by=day)
    owners_now = queries.parents_on(RelationshipKind.PRACTICE_COMMISSIONER, day)
    owners_then = queries.parents_on(RelationshipKind.PRACTICE_COMMISSIONER, since)
    changed = sorted(p for p in set(was) | set(are) if was.get(p, "") != are.get(p, ""))
    names = queries.names_on(changed, day) | {
        k: v for k, v in queries.names_on(changed, since).items()
    }
    moves = []
    for practice in changed:
        old, new = was.get(practice, ""), are.get(practice, "")
        now_owner = owners_now.get(practice)
        then_owner = owners_then.get(practice)
        here = inside_now.has_practice(
            practice, new, now_owner.code if now_owner else ""
        ) or inside_then.has_practice(
            practice, old, then_owner.code if then_owner else ""
        )
        if not (here and (scope.sees(practice) or scope.sees(old) or scope.sees(new))):
            continue
        kind = "moved" if old and new else "joined" if new else "left"
        moves.append(PracticeMove(kind, practice, names.get(practice, ""), old, new))
    return moves
