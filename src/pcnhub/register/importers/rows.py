"""The register as one import holds it: plain rows, what a source says, and the
counts of the outcomes.

Shared by :mod:`.writer` (deciding), :mod:`.deciding` and :mod:`.flushing`
(writing); importers take them from :mod:`.writer`.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import ParamSpec, TypeVar

from pcnhub.register.timeline import Plan

BATCH = 2000
P = ParamSpec("P")
T = TypeVar("T")
#: The run kind of an approved application (pcnhub.workflow.effects). A decision
#: is not a file with hindsight: it states a change from its effective date up
#: to the next change the register holds, whatever the files held say.
APPLICATION = "application"


@dataclass(frozen=True)
class Details:
    """What a source says about an organisation; None means "not said"."""

    name: str | None = None
    subtype: str | None = None
    address: str | None = None
    postcode: str | None = None
    status: str | None = None
    open_date: date | None = None
    close_date: date | None = None
    prescribing_setting: int | None = None


DETAIL_FIELDS = [f.name for f in fields(Details)]
TEXT_FIELDS = {"name", "subtype", "address", "postcode", "status"}


# The register as the writer holds it: plain rows, not model instances (building
# tens of thousands of those only to write them cost more than the writing).
# ``pk`` is None for a row this import adds; ``closed`` is set when this import
# closes (or supersedes) it. Compared by identity, as unsaved instances were.


@dataclass(slots=True, eq=False)
class VersionRow:
    pk: int | None
    organisation_id: str
    valid_from: date
    valid_to: date | None
    name: str
    subtype: str
    address: str
    postcode: str
    status: str
    open_date: date | None
    close_date: date | None
    prescribing_setting: int | None
    closed: bool = False

    @property
    def details(self) -> tuple:
        return (
            self.name,
            self.subtype,
            self.address,
            self.postcode,
            self.status,
            self.open_date,
            self.close_date,
            self.prescribing_setting,
        )


VERSION_COLUMNS = ["organisation_id", "valid_from", "valid_to", *DETAIL_FIELDS]


@dataclass(slots=True, eq=False)
class LinkRow:
    pk: int | None
    kind: str
    child_id: str
    parent_id: str
    valid_from: date
    valid_to: date | None
    closed: bool = False


@dataclass(slots=True, eq=False)
class ListRow:
    pk: int | None
    practice_id: str
    measure: str
    day: date
    value: Decimal
    closed: bool = False


def without_cycle_collection(func: Callable[P, T]) -> Callable[P, T]:
    """Run ``func`` with Python's cycle collector paused (as it was, after).

    An import builds hundreds of thousands of small rows and tuples and keeps
    them until it writes: the collector would walk them again and again to free
    nothing (a third of the deciding time on the national files). Memory is
    still freed by reference counting as usual.
    """

    @wraps(func)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


def detail_fact(field: str) -> str:
    """The coverage fact of one detail: each is claimed on its own (a file that
    gives only names says nothing about addresses)."""
    return f"details.{field}"


def _same(a: object, b: object) -> bool:
    # Files disagree on capitals and spacing ("THE DENSHAM SURGERY" and
    # "The Densham Surgery"); that is not a change of name.
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


class Counts:
    """Outcome counts per kind of fact, plus skipped rows by reason."""

    OUTCOMES = ("created", "updated", "closed", "unchanged")

    def __init__(self) -> None:
        self.by_fact: dict[str, Counter[str]] = defaultdict(Counter)
        self.skipped: Counter[str] = Counter()
        self.tolerated: dict[str, list[str]] = {}
        #: Claims a newer file already imported covers in part or in whole: they
        #: were written only where it is silent (coverage.py).
        self.bounded: Counter[str] = Counter()

    def add(self, fact: str, outcome: str, n: int = 1) -> None:
        self.by_fact[fact][outcome] += n

    def add_plan(self, fact: str, plan: Plan) -> None:
        if not plan.changed:
            self.add(fact, "unchanged")
        elif plan.close and plan.open:
            self.add(fact, "updated")
        elif plan.open:
            self.add(fact, "created")
        else:
            self.add(fact, "closed")

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] += n

    def totals(self) -> dict[str, int]:
        total = Counter()
        for counter in self.by_fact.values():
            total.update(counter)
        return {o: total[o] for o in self.OUTCOMES} | {
            "skipped": sum(self.skipped.values())
        }

    def as_dict(self) -> dict:
        return {
            "totals": self.totals(),
            "by_fact": {
                fact: {o: c[o] for o in self.OUTCOMES}
                for fact, c in sorted(self.by_fact.items())
            },
            "skipped": dict(sorted(self.skipped.items())),
            "tolerated": dict(sorted(self.tolerated.items())),
            "bounded": dict(sorted(self.bounded.items())),
        }

    @property
    def changed(self) -> bool:
        t = self.totals()
        return any(t[o] for o in ("created", "updated", "closed"))
