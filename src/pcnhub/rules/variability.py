"""How much networks vary: size against the population band, practices per
network, commissioner-level measures and deprivation (docs/variability.md).

Pure: the caller gathers each network's registered population, practices and
commissioner as at a day (:mod:`pcnhub.oversight.variability`) and the band
from the contract parameters (:func:`band_on`).

Quantiles are by **one** method, linear interpolation between closest ranks
(Hyndman and Fan's type 7, the default of R's ``quantile``, numpy's
``"linear"`` and Python's ``statistics.quantiles(method="inclusive")``): for
sorted values ``x[0..n-1]`` and a probability ``p``, ``h = (n - 1) p`` and the
quantile is ``x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)])``.
Arithmetic is in :class:`~decimal.Decimal`, so the figures are exact for whole
list sizes (a quarter, a tenth or a hundredth of a patient at most).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pcnhub.rules.params import Parameters

#: The width of the histogram's bins (patients), as the published analyses draw it.
BIN_WIDTH = Decimal(5000)
#: Bins run to here; larger networks share one open bin (a few reach 150,000+,
#: and forty empty bins would hide the band).
BIN_CAP = Decimal(100_000)
#: More practices than this is a "large federation" (issue 12).
MANY_PRACTICES = 10
#: Shares (0 to 1) and ratios are given to four places, deciles to two.
SHARE_PLACES = Decimal("0.0001")
DECILE_PLACES = Decimal("0.01")
#: The probabilities of the summary, by name.
PROBABILITIES: tuple[tuple[str, Decimal], ...] = (
    ("p10", Decimal("0.1")),
    ("q1", Decimal("0.25")),
    ("median", Decimal("0.5")),
    ("q3", Decimal("0.75")),
    ("p90", Decimal("0.9")),
)


class Relation(StrEnum):
    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"


@dataclass(frozen=True)
class Band:
    """The normal population band: within is ``low <= population <= high``."""

    low: Decimal
    high: Decimal

    def relation(self, population: Decimal) -> Relation:
        if population < self.low:
            return Relation.BELOW
        if population > self.high:
            return Relation.ABOVE
        return Relation.WITHIN


def band_on(parameters: Parameters, day: date) -> Band:
    """The band in force on ``day``: ``population.minimum`` to
    ``population.typical_maximum`` (NHS England, PCN FAQs, May 2019)."""
    low = parameters.at("population.minimum", day)
    high = parameters.at("population.typical_maximum", day)
    if low is None or high is None:
        # Before the contract's first year: the band it was published with.
        first = parameters["population.minimum"].values[0].start
        return band_on(parameters, first)
    return Band(Decimal(low.value), Decimal(high.value))


@dataclass(frozen=True)
class NetworkSize:
    """One network as at the day: what the measures read."""

    code: str
    commissioner: str
    #: The members' registered lists added up (members with no list count 0).
    population: Decimal
    practices: int
    members_without_list: int = 0


@dataclass(frozen=True)
class Summary:
    """Count, minimum, P10, Q1, median, Q3, P90 and maximum (None when empty)."""

    count: int
    minimum: Decimal | None
    p10: Decimal | None
    q1: Decimal | None
    median: Decimal | None
    q3: Decimal | None
    p90: Decimal | None
    maximum: Decimal | None


def quantile(ordered: Sequence[Decimal], p: Decimal) -> Decimal:
    """The ``p`` quantile of ``ordered`` (sorted, not empty), type 7."""
    if not ordered:
        raise ValueError("no values")
    if not Decimal(0) <= p <= Decimal(1):
        raise ValueError(f"probability {p} is not between 0 and 1")
    h = (len(ordered) - 1) * p
    below = int(h)  # h >= 0, so int() is floor
    fraction = h - below
    if below + 1 >= len(ordered) or fraction == 0:
        return ordered[below]
    return ordered[below] + fraction * (ordered[below + 1] - ordered[below])


def summarise(values: Iterable[Decimal]) -> Summary:
    ordered = sorted(values)
    if not ordered:
        return Summary(0, None, None, None, None, None, None, None)
    found = {name: quantile(ordered, p) for name, p in PROBABILITIES}
    return Summary(count=len(ordered), minimum=ordered[0], maximum=ordered[-1], **found)


@dataclass(frozen=True)
class Bin:
    """Networks with ``low <= population < high`` (``high`` None: no top)."""

    low: Decimal
    high: Decimal | None
    networks: int
    #: Where the bin's lower edge lies against the band (``[band.low,
    #: band.high)`` is within; a network of exactly ``band.high`` is within the
    #: band but counted in the bin above it).
    relation: Relation


def histogram(populations: Iterable[Decimal], band: Band) -> tuple[Bin, ...]:
    """Bins of :data:`BIN_WIDTH` from 0 to :data:`BIN_CAP`, then one open bin;
    every bin up to the cap is given, empty or not, so charts share an axis."""
    counts: Counter[int] = Counter()
    top = int(BIN_CAP / BIN_WIDTH)
    for population in populations:
        counts[min(int(population // BIN_WIDTH), top)] += 1
    bins = []
    for index in range(top + 1):
        low = index * BIN_WIDTH
        high = None if index == top else low + BIN_WIDTH
        relation = Relation.ABOVE if low >= band.high else band.relation(low)
        bins.append(Bin(low, high, counts[index], relation))
    return tuple(bins)


@dataclass(frozen=True)
class Variability:
    """Every figure of ``pcnhub variability`` for one scope and day."""

    band: Band
    networks: int
    #: Networks with no member practices on the day: left out of every figure
    #: below (they have no population to place in the band).
    empty_networks: int
    population: Summary
    below: int
    within: int
    above: int
    histogram: tuple[Bin, ...]
    practices: Summary
    #: (number of practices, networks with that many), fewest first.
    practices_distribution: tuple[tuple[int, int], ...]
    single_practice: int
    more_than_ten: int
    #: Networks with a member with no registered list on the day (counted as 0).
    networks_missing_lists: int


def variability(networks: Iterable[NetworkSize], band: Band) -> Variability:
    everyone = list(networks)
    sized = [n for n in everyone if n.practices > 0]
    populations = [n.population for n in sized]
    relations = Counter(band.relation(p) for p in populations)
    per_network = Counter(n.practices for n in sized)
    return Variability(
        band=band,
        networks=len(sized),
        empty_networks=len(everyone) - len(sized),
        population=summarise(populations),
        below=relations[Relation.BELOW],
        within=relations[Relation.WITHIN],
        above=relations[Relation.ABOVE],
        histogram=histogram(populations, band),
        practices=summarise(Decimal(n.practices) for n in sized),
        practices_distribution=tuple(sorted(per_network.items())),
        single_practice=per_network[1],
        more_than_ten=sum(1 for n in sized if n.practices > MANY_PRACTICES),
        networks_missing_lists=sum(1 for n in sized if n.members_without_list),
    )


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator`` to :data:`SHARE_PLACES`, half up; None for 0."""
    if denominator == 0:
        return None
    return (numerator / denominator).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CommissionerMeasures:
    """One commissioner's networks (those with members) on the day."""

    code: str
    networks: int
    #: Its networks' populations added up (practices in no network not counted).
    population: Decimal
    within_band: int
    #: ``within_band / networks``.
    share_within: Decimal | None
    largest: Decimal
    smallest: Decimal
    #: ``largest / population``: how much of the area one network holds.
    largest_share: Decimal | None
    #: ``largest / smallest``; None when the smallest has no listed patients.
    largest_to_smallest: Decimal | None


def by_commissioner(
    networks: Iterable[NetworkSize], band: Band
) -> tuple[CommissionerMeasures, ...]:
    """The measures per commissioner, by code; networks with no members left out."""
    groups: dict[str, list[Decimal]] = defaultdict(list)
    for network in networks:
        if network.practices > 0:
            groups[network.commissioner].append(network.population)
    rows = []
    for code, sizes in sorted(groups.items()):
        total = sum(sizes, Decimal(0))
        within = sum(1 for p in sizes if band.relation(p) is Relation.WITHIN)
        largest, smallest = max(sizes), min(sizes)
        rows.append(
            CommissionerMeasures(
                code=code,
                networks=len(sizes),
                population=total,
                within_band=within,
                share_within=ratio(Decimal(within), Decimal(len(sizes))),
                largest=largest,
                smallest=smallest,
                largest_share=ratio(largest, total),
                largest_to_smallest=ratio(largest, smallest),
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class NetworkDeprivation:
    """A network's members' IMD deciles (1 most deprived, 10 least), weighted by
    their registered lists."""

    code: str
    #: ``sum(list * decile) / sum(list)`` over members with both, to 0.01; None
    #: when no member has both.
    weighted_decile: Decimal | None
    #: The patients the mean rests on (members with a decile and a list).
    population_with_decile: Decimal
    practices: int
    #: Members with no decile in the deprivation data, by code.
    without_decile: tuple[str, ...]
    #: Members with a decile but no registered list (left out of the mean).
    without_list: tuple[str, ...]


def network_deprivation(
    code: str,
    members: Iterable[str],
    lists: Mapping[str, Decimal],
    deciles: Mapping[str, int],
) -> NetworkDeprivation:
    ordered = sorted(set(members))
    weight = Decimal(0)
    total = Decimal(0)
    for practice in ordered:
        decile, size = deciles.get(practice), lists.get(practice)
        if decile is not None and size is not None:
            weight += size
            total += size * decile
    mean = (
        (total / weight).quantize(DECILE_PLACES, rounding=ROUND_HALF_UP)
        if weight > 0
        else None
    )
    return NetworkDeprivation(
        code=code,
        weighted_decile=mean,
        population_with_decile=weight,
        practices=len(ordered),
        without_decile=tuple(p for p in ordered if p not in deciles),
        without_list=tuple(p for p in ordered if p in deciles and p not in lists),
    )
