"""What the rules take in: plain, frozen snapshots of networks and practices.

A snapshot is built from the register by a service (``pcnhub.contract``), from a
case file by the tests, or edited by a what-if. The rules never read anything else.
``None`` always means "not known to pcnhub", never "no".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Practice:
    """A member practice with its lists at the population date."""

    code: str
    name: str = ""
    registered: Decimal | None = None
    weighted: Decimal | None = None
    #: The dates of those lists (the latest on or before the list date, else
    #: the earliest after it). ``None`` with a list: its date was not given
    #: (a case file), so it is taken to be the network's ``lists_on``.
    registered_on: date | None = None
    weighted_on: date | None = None
    #: The PCN adjusted population. Its formula is not published, so when it is
    #: not supplied the weighted list stands in for it (see docs/rules.md).
    adjusted: Decimal | None = None
    #: True when the practice holds a live core contract on the day checked.
    core_contract: bool | None = None
    #: Postcode district centroid (latitude, longitude), where known.
    location: tuple[float, float] | None = None
    outcode: str = ""

    @property
    def adjusted_or_weighted(self) -> Decimal | None:
        return self.adjusted if self.adjusted is not None else self.weighted


@dataclass(frozen=True, slots=True)
class Membership:
    """A practice's membership of a network within the period looked at.

    ``start`` and ``end`` (exclusive) bound it; ``None`` means it began before,
    or goes on after, the period.
    """

    practice: Practice
    start: date | None = None
    end: date | None = None

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (
            self.end is None or day < self.end
        )


@dataclass(frozen=True, slots=True)
class NetworkFacts:
    """What the commissioner knows about a network beyond its members.

    The register does not hold these yet (governance arrives with the workflow);
    they come from a network facts file or a case file.
    """

    clinical_directors: tuple[str, ...] | None = None
    nominated_payee: str | None = None
    agreement_signed: bool | None = None
    schedules_complete: bool | None = None
    data_sharing: bool | None = None
    care_home_beds: int | None = None
    iif_points: Decimal | None = None
    iif_prevalence_factor: Decimal | None = None
    covid_vaccination_es: bool | None = None
    caip_share: Decimal | None = None
    small_population_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Network:
    """A network, its memberships over the period, and its facts."""

    code: str
    name: str = ""
    commissioner: str = ""
    memberships: tuple[Membership, ...] = ()
    facts: NetworkFacts = field(default_factory=NetworkFacts)
    #: The basis date of the lists (1 January before the contract year); each
    #: practice's list may be older or newer (``Practice.registered_on``).
    lists_on: date | None = None

    def members_on(self, day: date) -> tuple[Practice, ...]:
        return tuple(m.practice for m in self.memberships if m.holds_on(day))

    @property
    def practices(self) -> tuple[Practice, ...]:
        """Every practice that is a member at some point in the period."""
        seen: dict[str, Practice] = {}
        for m in self.memberships:
            seen.setdefault(m.practice.code, m.practice)
        return tuple(seen.values())


def whole_period(
    practices: list[Practice] | tuple[Practice, ...],
) -> tuple[Membership, ...]:
    """Memberships that hold throughout, for snapshots on one day."""
    return tuple(Membership(p) for p in practices)
