"""A workforce plan projected against the ARRS sum: what the year will claim.

A network plans recruitment as :class:`PlannedRow` rows (an ARRS role, the month
the post starts, its WTE, annual salary, optional on-costs and end month).
:func:`project` works out, month by month for the contract year:

* **existing spend**: what the network's posts on record would claim, by the
  claim rules (:func:`pcnhub.rules.claim_checks.claim_lines`, so the
  **duplicate check** applies: a person claimed by two posts is claimed once);
* **planned spend**: what each planned row would claim as a synthetic ARRS-funded
  post starting on the first day of its month (ending on the last day of its
  end month), by the same rules: the day-count rule, the role maximum × WTE, the
  reimbursement rate, a role not eligible or whose maximum is not published
  claiming nothing;
* the **cumulative** total, and at year end the **projected spend**, the
  **headroom** (ARRS sum − projected) or **overspend**, and the **underspend**
  that would be lost (the ARRS sum is a year's: what is not claimed by 31 March
  is gone).

Every line is rounded half up to the penny by the claim rules; totals add the
rounded lines, as a claim does. Spend is *not* held within the sum here (the
monthly claim does that): a plan that overspends shows the overspend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pcnhub.rules.claim_checks import claim_lines
from pcnhub.rules.claims import ClaimLine, Post, pounds
from pcnhub.rules.money import ZERO
from pcnhub.rules.params import Parameters, Value
from pcnhub.rules.periods import ContractYear

#: the person key of a planned row's synthetic post (never a real person's)
PLANNED_PERSON = "planned-{network}-{index}"


def last_day(month: dt.date) -> dt.date:
    """The last day of ``month``."""
    after = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return after - dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """One planned post: from the first day of ``start`` to the last of ``end``."""

    role: str
    start: dt.date
    wte: Decimal
    salary: Decimal
    on_costs: Decimal | None = None
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.start.day != 1 or (self.end is not None and self.end.day != 1):
            raise ValueError("a planned row's months are given by their first day")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"ends ({self.end:%Y-%m}) before it starts")
        if not Decimal(0) < self.wte <= Decimal(1):
            raise ValueError(f"WTE is above 0 and at most 1, not {self.wte}")
        if self.salary < 0 or (self.on_costs is not None and self.on_costs < 0):
            raise ValueError("salary and on-costs cannot be negative")

    def as_post(self, network: str, index: int) -> Post:
        """The row as the claim rules take it: ARRS-funded, starting on the
        month's first day. ``index`` (1-based) names it."""
        person = PLANNED_PERSON.format(network=network, index=index)
        return Post(
            person=person,
            network=network,
            role=self.role,
            wte=self.wte,
            salary=self.salary,
            start=self.start,
            end=last_day(self.end) if self.end else None,
            funding="arrs",
            on_costs=self.on_costs,
            key=person,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (months as ``2024-10``, decimals as strings)."""
        return {
            "role": self.role,
            "start": f"{self.start:%Y-%m}",
            "wte": str(self.wte),
            "salary": str(self.salary),
            "on_costs": None if self.on_costs is None else str(self.on_costs),
            "end": None if self.end is None else f"{self.end:%Y-%m}",
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlannedRow:
        def month(text: str | None) -> dt.date | None:
            return dt.date.fromisoformat(f"{text}-01") if text else None

        costs = data.get("on_costs")
        start = month(data["start"])
        assert start is not None
        return cls(
            role=data["role"],
            start=start,
            wte=Decimal(data["wte"]),
            salary=Decimal(data["salary"]),
            on_costs=None if costs in (None, "") else Decimal(costs),
            end=month(data.get("end")),
        )


@dataclass(frozen=True, slots=True)
class MonthSpend:
    month: dt.date
    existing: Decimal
    planned: Decimal
    #: existing + planned, the year to this month
    cumulative: Decimal

    @property
    def total(self) -> Decimal:
        return self.existing + self.planned


@dataclass(frozen=True)
class Projection:
    year: ContractYear
    #: None when the network's ARRS sum is not known for the year
    arrs_sum: Decimal | None
    months: tuple[MonthSpend, ...]
    #: what a reader must know: rows claiming nothing, capped, claimed twice
    notes: tuple[str, ...]
    #: ``name = value from date``: every parameter the lines used
    parameters: tuple[str, ...]
    #: what each planned row claims in the year, in the rows' order
    row_spend: tuple[Decimal, ...] = ()

    @property
    def existing(self) -> Decimal:
        return sum((m.existing for m in self.months), ZERO)

    @property
    def planned(self) -> Decimal:
        return sum((m.planned for m in self.months), ZERO)

    @property
    def projected(self) -> Decimal:
        return self.existing + self.planned

    @property
    def headroom(self) -> Decimal | None:
        """ARRS sum − projected spend (negative: an overspend)."""
        return None if self.arrs_sum is None else self.arrs_sum - self.projected

    @property
    def overspend(self) -> Decimal:
        room = self.headroom
        return -room if room is not None and room < 0 else ZERO

    @property
    def underspend(self) -> Decimal:
        """What would be lost at year end: the sum not claimed by 31 March."""
        room = self.headroom
        return room if room is not None and room > 0 else ZERO

    def over_from(self) -> dt.date | None:
        """The first month whose cumulative spend passes the ARRS sum."""
        if self.arrs_sum is None:
            return None
        return next(
            (m.month for m in self.months if m.cumulative > self.arrs_sum), None
        )


def project(
    network: str,
    year: ContractYear,
    existing: Iterable[Post],
    planned: Sequence[PlannedRow],
    arrs_sum: Decimal | None,
    parameters: Parameters,
    labels: Mapping[str, str] | None = None,
) -> Projection:
    """The year month by month: ``existing`` posts (the network's and those of
    the same people elsewhere, for the duplicate check) and ``planned`` rows.
    ``labels`` (role key → name) name the roles in the notes."""
    synthetic = [row.as_post(network, i) for i, row in enumerate(planned, 1)]
    names = {post.id: f"Planned row {i}" for i, post in enumerate(synthetic, 1)}
    posts = [*existing, *synthetic]
    months: list[MonthSpend] = []
    lines: list[ClaimLine] = []
    running = ZERO
    for month in year.months:
        mine = [
            line
            for line in claim_lines(posts, month, parameters)
            if line.post.network == network and line.days_in_post
        ]
        lines += mine
        planned_spend = sum((x.claimable for x in mine if x.post.id in names), ZERO)
        existing_spend = sum(
            (x.claimable for x in mine if x.post.id not in names), ZERO
        )
        running += planned_spend + existing_spend
        months.append(MonthSpend(month, existing_spend, planned_spend, running))
    notes = _notes(lines, names, labels or {})
    if arrs_sum is None:
        notes.append(
            f"The network's ARRS sum for {year} is not known: no headroom is shown."
        )
    row_spend = tuple(
        sum((x.claimable for x in lines if x.post.id == post.id), ZERO)
        for post in synthetic
    )
    return Projection(
        year, arrs_sum, tuple(months), tuple(notes), _parameters(lines), row_spend
    )


def _label(post: Post, names: dict[str, str], labels: Mapping[str, str]) -> str:
    role = labels.get(post.role, post.role)
    return names.get(post.id, f"Post {post.id}") + f" ({role})"


def _notes(
    lines: list[ClaimLine], names: dict[str, str], labels: Mapping[str, str]
) -> list[str]:
    """One note per post and reason: days claimed nothing, capped, twice."""
    blocked: dict[tuple[str, str], list[Any]] = {}
    other: dict[tuple[str, str], list[Any]] = {}
    for line in lines:
        label = _label(line.post, names, labels)
        for s in line.segments:
            if s.blocked:
                blocked.setdefault((label, s.why), []).append(s)
        for f in line.findings:
            if f.code in ("capped", "claimed_twice", "on_costs_not_computed"):
                other.setdefault((label, f.code), []).append((line, f))
    out = []
    for (label, why), runs in blocked.items():
        days = sum(s.days for s in runs)
        stake = sum((s.reimbursable for s in runs), ZERO)
        out.append(
            f"{label}: nothing claimed for {days} day(s) from {runs[0].first}: "
            f"{why} (cost {pounds(stake)} not claimable)."
        )
    for (label, code), found in other.items():
        amount = sum((f.amount for _, f in found), ZERO)
        first = min(line.month for line, _ in found)
        text = {
            "capped": f"capped at the role maximum × WTE from {first:%Y-%m}: "
            f"{pounds(amount)} above the cap is not claimed",
            "claimed_twice": f"the person is claimed by another post from "
            f"{first:%Y-%m}: {pounds(amount)} withdrawn",
            "on_costs_not_computed": "on-costs not given and no employer pension "
            "rate is published: the salary alone is counted",
        }[code]
        out.append(f"{label}: {text}.")
    return out


def _parameters(lines: list[ClaimLine]) -> tuple[str, ...]:
    values: dict[tuple[str, dt.date], Value] = {}
    for line in lines:
        for v in line.parameters:
            values.setdefault((v.parameter, v.start), v)
    out = []
    for (name, start), v in sorted(values.items()):
        # describe() says "(provisional)" itself
        out.append(f"{name} = {v.describe()} from {start}")
    return tuple(out)
