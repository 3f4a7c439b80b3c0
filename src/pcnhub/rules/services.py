"""Service requirements and access hours (M6), as pure rules.

The service requirements a network must deliver are flag parameters under
``parameters/service_requirements/`` (one file a requirement: its name, what it
asks, from when and until when, and the source). The access-hours minima are
count parameters there too: Extended Hours Access, 30 minutes per 1,000
*registered* patients a week (1 July 2019 to 30 September 2022), and Enhanced
Access, 60 minutes per 1,000 of the *PCN adjusted population* a week (from
1 October 2022). Which population each minimum is counted on, and how it is
rounded, is said here, beside the parameter's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from pcnhub.rules.findings import Finding, Outcome, cited
from pcnhub.rules.params import Parameters, Value
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.populations import population
from pcnhub.rules.snapshot import Practice
from pcnhub.rules.sources import source_text
from pcnhub.rules.trace import Population, number

PREFIX = "service_requirements."
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Minimum:
    """How an access-hours minimum is counted: on which population, rounded how,
    and the service requirement it belongs to."""

    basis: str
    rounding: str
    requirement: str


#: access-hours parameter → how it is counted
MINIMA: dict[str, Minimum] = {
    f"{PREFIX}extended_hours_minutes": Minimum(
        "registered", "nearest quarter hour", f"{PREFIX}extended_hours_access"
    ),
    f"{PREFIX}enhanced_access_minutes": Minimum(
        "adjusted", "up to the next whole minute", f"{PREFIX}enhanced_access"
    ),
}
ACCESS_RULE = "services.access_hours"


@dataclass(frozen=True, slots=True)
class Requirement:
    """A service requirement due in a contract year, and the parameter behind it."""

    code: str
    name: str
    required: str
    #: first and last day it is due within the year (a part year is shown)
    due_from: date
    due_to: date
    #: when the requirement starts and ends overall (None: still in force)
    starts: date
    ends: date | None
    value: Value

    @property
    def provisional(self) -> bool:
        return self.value.provisional

    @property
    def source(self) -> str:
        return source_text(self.value.source)

    @property
    def parameter(self) -> str:
        return PREFIX + self.code

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "required": self.required,
            "due_from": self.due_from.isoformat(),
            "due_to": self.due_to.isoformat(),
            "starts": self.starts.isoformat(),
            "ends": self.ends.isoformat() if self.ends else None,
            "provisional": self.provisional,
            "note": self.value.note,
            "conflict": self.value.conflict,
            "source": self.source,
        }


def _requirement_names(parameters: Parameters) -> list[str]:
    return sorted(
        name
        for name, p in parameters.by_name.items()
        if name.startswith(PREFIX) and p.unit == "flag"
    )


def requirements_due(parameters: Parameters, year: ContractYear) -> list[Requirement]:
    """The service requirements in force at some point in ``year``, earliest first.

    A requirement with several values in the year (a provisional restatement)
    is one requirement; the latest value gives its source.
    """
    due: list[Requirement] = []
    for name in _requirement_names(parameters):
        parameter = parameters[name]
        spans = [
            v
            for v in parameter.values
            if v.value is True
            and v.start < year.end
            and (v.end is None or v.end > year.start)
        ]
        if not spans:
            continue
        true = [v for v in parameter.values if v.value is True]
        last_end = spans[-1].end
        due.append(
            Requirement(
                code=name.removeprefix(PREFIX),
                name=parameter.label,
                required=parameter.description,
                due_from=max(spans[0].start, year.start),
                due_to=min(last_end or year.end, year.end) - ONE_DAY,
                starts=true[0].start,
                ends=last_end,
                value=spans[-1],
            )
        )
    return sorted(due, key=lambda r: (r.starts, r.code))


def requirement_codes(parameters: Parameters) -> list[str]:
    """Every service requirement pcnhub knows, in any year."""
    return [n.removeprefix(PREFIX) for n in _requirement_names(parameters)]


@dataclass(frozen=True, slots=True)
class RequiredMinutes:
    """The weekly access minutes a network must offer on a day, explained."""

    day: date
    minutes: int
    exact: Decimal
    basis: str
    rounding: str
    population: Population
    value: Value
    requirement: str

    @property
    def provisional(self) -> bool:
        return self.value.provisional

    @property
    def formula(self) -> str:
        return (
            f"{number(self.population.total)} {self.basis} ÷ 1,000 × "
            f"{self.value.value} = {number(self.exact.quantize(Decimal('0.01')))} "
            f"minutes, rounded "
            f"{self.rounding}: {self.minutes:,} minutes a week"
        )

    def lines(self) -> list[str]:
        """The working, for pages and ``--explain``."""
        out = [
            self.formula,
            f"population: {self.population.describe()}",
            f"parameter {self.value.parameter} = {self.value.value} minutes per "
            f"1,000 {self.basis} a week from {self.value.start} — "
            f"{source_text(self.value.source)}",
        ]
        if self.provisional:
            out.append(
                f"provisional: {self.value.parameter} rests on an unverified source"
            )
        out += [f"note: {n}" for n in (self.value.note, self.value.conflict) if n]
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "required_minutes": self.minutes,
            "exact_minutes": str(self.exact),
            "basis": self.basis,
            "population": str(self.population.total),
            "population_parts": {c: str(v) for c, v in self.population.parts},
            "population_note": self.population.note,
            "rounding": self.rounding,
            "parameter": self.value.parameter,
            "minutes_per_1000": self.value.value,
            "provisional": self.provisional,
            "source": source_text(self.value.source),
            "formula": self.formula,
            "explanation": self.lines(),
        }


def _rounded(exact: Decimal, rounding: str) -> int:
    if rounding == "nearest quarter hour":
        return int((exact / 15).quantize(Decimal(1), ROUND_HALF_UP) * 15)
    return int(exact.quantize(Decimal(1), ROUND_CEILING))


def minimum_on(parameters: Parameters, day: date) -> tuple[Value, Minimum] | None:
    """The access-hours minimum in force on ``day`` and how it is counted."""
    for name, minimum in MINIMA.items():
        value = parameters.at(name, day)
        if value is not None and not value.not_published:
            return value, minimum
    return None


def weekly_minutes(
    parameters: Parameters, day: date, total: Decimal, basis_note: str = ""
) -> RequiredMinutes | None:
    """The minutes a week required on ``day`` for a population of ``total``
    (on the basis the minimum in force counts), or None when none is in force."""
    found = minimum_on(parameters, day)
    if found is None:
        return None
    value, minimum = found
    counted = Population(minimum.basis, total, note=basis_note)
    return _required(day, value, minimum, counted)


def _required(
    day: date, value: Value, minimum: Minimum, counted: Population
) -> RequiredMinutes:
    exact = counted.total * Decimal(value.value) / 1000
    return RequiredMinutes(
        day=day,
        minutes=_rounded(exact, minimum.rounding),
        exact=exact,
        basis=minimum.basis,
        rounding=minimum.rounding,
        population=counted,
        value=value,
        requirement=minimum.requirement.removeprefix(PREFIX),
    )


def required_minutes(
    parameters: Parameters, day: date, members: Sequence[Practice]
) -> RequiredMinutes | None:
    """The minutes a week a network of ``members`` must offer on ``day``: its
    registered or adjusted population (as the minimum in force says) ÷ 1,000 ×
    the minimum, rounded as the minimum says. None when no minimum is in force
    (before 1 July 2019)."""
    found = minimum_on(parameters, day)
    if found is None:
        return None
    value, minimum = found
    return _required(day, value, minimum, population(members, minimum.basis))


def access_finding(
    pcn: str,
    commissioner: str,
    week_starting: date,
    offered: int,
    required: RequiredMinutes,
) -> Finding:
    """Whether the minutes offered in a week reach the minutes required."""
    short = required.minutes - offered
    evidence = {
        "week_starting": week_starting.isoformat(),
        "offered_minutes": str(offered),
        "required_minutes": str(required.minutes),
        "basis": f"{required.basis} {number(required.population.total)}",
    }
    if short > 0:
        outcome = Outcome.BREACH
        message = (
            f"Week starting {week_starting}: {offered:,} minutes offered, "
            f"{short:,} short of the {required.minutes:,} required"
        )
    else:
        outcome = Outcome.MET
        message = (
            f"Week starting {week_starting}: {offered:,} minutes offered, at "
            f"least the {required.minutes:,} required"
        )
    if required.provisional:
        message += " (the minimum is provisional)"
    return Finding(
        ACCESS_RULE,
        str(outcome),
        message,
        pcn_code=pcn,
        commissioner_code=commissioner,
        evidence=evidence,
        **cited(required.value.source),
    )
