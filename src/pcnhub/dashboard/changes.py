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
from pcnhub.contract.snapshots import per_version
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
    #: The practice's commissioner on the later and the earlier date (what
    #: places it in an area; not part of the API's answer).
    commissioner_now: str = ""
    commissioner_then: str = ""


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
    """The changes in ``area`` from ``since`` to ``day`` that ``user`` may see:
    the whole register's (worked out once per register version), filtered."""
    every = per_version(
        "dashboard-changes",
        (since.isoformat(), day.isoformat()),
        lambda: _everywhere(since, day),
    )
    scope = scope_of(user)
    now = members(area, day, scope)
    then = members(area, since, scope, merged_by=day)

    def network_here(n: NetworkChange) -> bool:
        return scope.sees(n.network) and (
            now.has_network(n.network, n.commissioner)
            or then.has_network(n.network, n.commissioner)
        )

    def merger_here(m: CommissionerMerger) -> bool:
        return (scope.sees(m.predecessor) or scope.sees(m.successor)) and (
            now.has_commissioner(m.successor) or then.has_commissioner(m.predecessor)
        )

    def move_here(p: PracticeMove) -> bool:
        here = now.has_practice(
            p.practice, p.to_network, p.commissioner_now
        ) or then.has_practice(p.practice, p.from_network, p.commissioner_then)
        seen = scope.sees(p.practice) or scope.sees(p.from_network)
        return here and (seen or scope.sees(p.to_network))

    return Changes(
        since,
        day,
        [n for n in every.networks if network_here(n)],
        [m for m in every.commissioners if merger_here(m)],
        [p for p in every.practices if move_here(p)],
    )


def _everywhere(since: date, day: date) -> Changes:
    """Every change in the register from ``since`` to ``day``."""
    then, now = queries.open_networks(since), queries.open_networks(day)
    was, are = _memberships(since), _memberships(day)
    overseen = _overseers(then | now, day) | _overseers(then - now, since)
    names = queries.names_on(then | now, day) | queries.names_on(then - now, since)
    found: list[NetworkChange] = [
        NetworkChange("formed", code, names.get(code, ""), overseen.get(code, ""))
        for code in sorted(now - then)
    ]
    for code in sorted(then - now):
        into = {are.get(p, "") for p, n in was.items() if n == code}
        target = next(iter(into)) if len(into) == 1 else ""
        merged = bool(target) and target in (then & now)
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
        _commissioner_mergers(since, day),
        _moves(was, are, since, day),
    )


def _commissioner_mergers(since: date, day: date) -> list[CommissionerMerger]:
    rows = Succession.objects.filter(effective__gt=since, effective__lte=day)
    rows = list(rows.order_by("effective", "predecessor_id"))
    before = queries.names_on({s.predecessor_id for s in rows}, since)
    after = queries.names_on({s.successor_id for s in rows}, day)
    return [
        CommissionerMerger(
            s.predecessor_id,
            before.get(s.predecessor_id, ""),
            s.successor_id,
            after.get(s.successor_id, ""),
            s.effective,
        )
        for s in rows
    ]


def _moves(
    was: dict[str, str], are: dict[str, str], since: date, day: date
) -> list[PracticeMove]:
    changed = sorted(p for p in set(was) | set(are) if was.get(p, "") != are.get(p, ""))
    owners_now = queries.parents_on(
        RelationshipKind.PRACTICE_COMMISSIONER, day, changed
    )
    owners_then = queries.parents_on(
        RelationshipKind.PRACTICE_COMMISSIONER, since, changed
    )
    names = queries.names_on(changed, since) | queries.names_on(changed, day)
    moves = []
    for practice in changed:
        old, new = was.get(practice, ""), are.get(practice, "")
        kind = "moved" if old and new else "joined" if new else "left"
        now_owner, then_owner = owners_now.get(practice), owners_then.get(practice)
        moves.append(
            PracticeMove(
                kind,
                practice,
                names.get(practice, ""),
                old,
                new,
                now_owner.code if now_owner else "",
                then_owner.code if then_owner else "",
            )
        )
    return moves
