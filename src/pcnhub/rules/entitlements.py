"""Entitlements: what each network (and, for one payment, each practice) is due,
month by month, for a contract year.

How every item is worked out (docs/rules.md has the formulas and sources):

* An item reads one or more parameters. In each month of the year the values in
  force decide whether the item is payable and at what rate. Consecutive months
  with the same values make a **payable period** of *n* months.
* The amount for a period is ``rate × population`` rounded to the penny, where a
  rate given "per year" is scaled by *n*/12 and a rate given "per period" is not.
  A national sum is shared between networks by population (largest remainder).
* Month *k* of a period pays instalment *k* of *n* of the amount for the period,
  computed on the members **on the first day of that month** (the documented rule
  for mid-year changes: a practice counts from the first month it is a member on
  the 1st, and lists are those at 1 January before the year). With no change in
  the year, the instalments add up exactly to the amount for the period.
* An item that cannot be computed (an input the network has not recorded, or a
  figure not published in pcnhub yet) gives one **not computed** line per period,
  saying what it needs, rather than no line at all.
* **As known on a day.** Each month is paid on the parameters known at its end
  (or on ``known_on``, if earlier). When a value published later changes earlier
  months (a backdated change), the difference for those months is an **arrears**
  line in the month it was published, so a month's line says what was due as it
  was known then, and the lines add up to the year as known on ``known_on``.
* **Totals first, lines on demand.** :func:`entitlement_year` works out what
  each network is due per item and payable period (a :class:`Due`: the amount,
  its traces, and which instalment each month pays) before any monthly line is
  made. The year's totals need no line; the lines are made only when asked for
  (a network's page, ``--explain``, an export of lines), point at the same
  traces, and add up exactly to the totals.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Container, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from pcnhub.rules import money
from pcnhub.rules.items import (
    ITEMS,
    ITEMS_BY_ID,
    NETWORK,
    PRACTICE,
    Component,
    Item,
    Period,
    payable_periods,
)
from pcnhub.rules.params import Parameters, Value
from pcnhub.rules.periods import ContractYear, month_label
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Network, Practice
from pcnhub.rules.trace import Population, Trace, number

REST = "(networks not in the register)"
#: line statuses
DUE = "due"
NOT_COMPUTED = "not computed"
ARREARS = "arrears"


@dataclass(slots=True)  # not frozen: a frozen init costs a third of a national run
class EntitlementLine:
    network: str
    month: date
    item: str
    amount: Decimal
    payee: str
    paid_to: str
    trace: Trace
    instalment: int
    practice: str = ""
    status: str = DUE
    note: str = ""

    @property
    def provisional(self) -> bool:
        """The line's amount rests on a provisional (unverified) parameter value."""
        return self.status != NOT_COMPUTED and any(
            v.provisional for v in self.trace.parameters
        )

    @property
    def computed(self) -> bool:
        return self.status != NOT_COMPUTED

    def row(self) -> dict[str, str]:
        return {
            "pcn_code": self.network,
            "practice_code": self.practice,
            "month": month_label(self.month),
            "item": self.item,
            "amount": str(self.amount) if self.computed else "",
            "payee": self.payee or "not recorded",
            "paid_to": self.paid_to,
            "status": self.status,
            "provisional": "yes" if self.provisional else "",
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Instalments:
    """One amount for a payable period (its trace's ``amount_for_period``) paid
    to one payee in the trace's ``instalments`` monthly instalments: what the
    monthly lines sharing that trace are made from."""

    item: str
    payee: str
    paid_to: str
    trace: Trace
    practice: str = ""
    status: str = DUE
    note: str = ""

    @property
    def computed(self) -> bool:
        return self.status != NOT_COMPUTED

    @property
    def provisional(self) -> bool:
        """As :attr:`EntitlementLine.provisional`, for every line made from it."""
        return self.computed and any(v.provisional for v in self.trace.parameters)

    def amounts(self) -> list[Decimal]:
        """Instalment *k* at index *k* − 1 (:func:`money.instalments`)."""
        trace = self.trace
        if trace.instalments == 1:  # an amount paid once is paid as it is
            return [trace.amount_for_period]
        return money.instalments(trace.amount_for_period, trace.instalments)


#: a line not made yet: its month, its part (an index into ``Due.parts``) and
#: which instalment of that part it pays
_Row = tuple[date, int, int]


@dataclass(frozen=True, slots=True)
class Due:
    """What one network is due for one item in one payable period (or for one
    arrears line): the amount, worked out first, and the monthly lines that pay
    it, made only when asked for (:meth:`lines`) from the same traces.

    ``total`` is exactly what the lines add up to (:func:`_due` works it out from
    the same instalments, or as the amounts for the period where every
    instalment of each is paid).
    """

    network: str
    item: str
    parts: tuple[Instalments, ...]
    #: the lines, in order
    rows: tuple[_Row, ...]
    total: Decimal

    def paid_in(self, months: Container[date]) -> tuple[Decimal, bool]:
        """What the lines in ``months`` add up to, and whether there are any."""
        amounts = [p.amounts() for p in self.parts]
        total, any_line = money.ZERO, False
        for month, i, k in self.rows:
            if month in months:
                total += amounts[i][k - 1]
                any_line = True
        return total, any_line

    def lines(self, months: Container[date] | None = None) -> list[EntitlementLine]:
        """The monthly lines (those in ``months``, if given), new objects each call."""
        code, item, line, parts = self.network, self.item, EntitlementLine, self.parts
        made = [(p.amounts(), p) for p in parts]
        return [
            line(
                code,
                month,
                item,
                made[i][0][k - 1],
                made[i][1].payee,
                made[i][1].paid_to,
                made[i][1].trace,
                k,
                made[i][1].practice,
                made[i][1].status,
                made[i][1].note,
            )
            for month, i, k in self.rows
            if months is None or month in months
        ]


def _due(
    network: str,
    item: str,
    parts: tuple[Instalments, ...],
    rows: tuple[_Row, ...],
    whole: bool = False,
) -> Due:
    """A :class:`Due`, its total worked out. ``whole``: the rows pay every
    instalment of every part once, so (for amounts to the penny, as the rules
    make them) the total is the parts' amounts: the instalments of an amount add
    up exactly to it (:mod:`pcnhub.rules.money`)."""
    if whole:
        total = money.ZERO
        for part in parts:
            amount = part.trace.amount_for_period
            if amount != amount.quantize(money.PENNY):
                break
            total += amount
        else:
            return Due(network, item, parts, rows, total)
    made = [p.amounts() for p in parts]
    total = sum((made[i][k - 1] for _, i, k in rows), money.ZERO)
    return Due(network, item, parts, rows, total)


@cache
def _steady_rows(months: tuple[date, ...], parts: int) -> tuple[_Row, ...]:
    """Every part paid in every month, month by month: shared by every steady
    network with a period of those months and that many payees."""
    return tuple(
        (month, i, k) for k, month in enumerate(months, 1) for i in range(parts)
    )


@dataclass(frozen=True)
class EntitlementYear:
    """A year of entitlements for some networks, worked out to what each network
    is due per item and payable period (with the traces) before any monthly
    line is made: :meth:`totals` needs no line; :meth:`lines` makes the lines,
    sharing the traces, and they add up exactly to the totals."""

    year: ContractYear
    #: (months, dues): each month in ``months`` is paid the lines of ``dues`` in
    #: it. One entry for the whole year, or (as paid, with values published in
    #: the year) one per state of knowledge, in order
    paid: tuple[tuple[tuple[date, ...], tuple[Due, ...]], ...]
    arrears: tuple[Due, ...] = ()
    #: lines month by month (as paid with publications in the year), else due
    #: by due (network by network)
    by_month: bool = False

    def totals(self) -> dict[tuple[str, str], Decimal]:
        """(network, item) → the year's total: :func:`annual_totals` of
        :meth:`lines`, without making them."""
        totals: dict[tuple[str, str], Decimal] = {}

        def add(due: Due, amount: Decimal) -> None:
            key = (due.network, due.item)
            totals[key] = totals.get(key, money.ZERO) + amount

        for months, dues in self.paid:
            if months == self.year.months:  # every line of every due
                for due in dues:
                    add(due, due.total)
                continue
            month_set = frozenset(months)
            for due in dues:
                amount, paid = due.paid_in(month_set)
                if paid:
                    add(due, amount)
        for due in self.arrears:
            add(due, due.total)
        return totals

    def parts(self) -> Iterator[tuple[Due, Instalments]]:
        """Each due and part with a line in the year (what notes are made from)."""
        for months, dues in self.paid:
            if months == self.year.months:  # every part of a due has a line
                for due in dues:
                    for part in due.parts:
                        yield due, part
                continue
            month_set = frozenset(months)
            for due in dues:
                used = {i for m, i, _ in due.rows if m in month_set}
                for i in sorted(used):
                    yield due, due.parts[i]
        for due in self.arrears:
            yield due, due.parts[0]

    def lines(self, networks: Collection[str] | None = None) -> list[EntitlementLine]:
        """The monthly lines (of ``networks``, if given), arrears last."""
        wanted = None if networks is None else set(networks)

        def mine(dues: Sequence[Due]) -> list[Due]:
            return [d for d in dues if wanted is None or d.network in wanted]

        out: list[EntitlementLine] = []
        with _no_collection():
            for months, dues in self.paid:
                if not self.by_month:
                    for due in mine(dues):
                        out += due.lines()
                    continue
                month_set = frozenset(months)
                by_month: dict[date, list[EntitlementLine]] = {m: [] for m in months}
                for due in mine(dues):
                    for line in due.lines(month_set):
                        by_month[line.month].append(line)
                for month in months:
                    out += by_month[month]
            for due in mine(self.arrears):
                out += due.lines()
        return out


@dataclass
class Context:
    """What a network's figures depend on beyond itself: national sums' shares."""

    pot_shares: dict[tuple[str, date], dict[str, Decimal]] = field(default_factory=dict)
    #: keyed by (parameter, start) for the whole, (parameter, start, network) for
    #: a network's base
    pot_bases: dict[tuple[str, date] | tuple[str, date, str], Decimal] = field(
        default_factory=dict
    )
    #: the share left for networks not in the register (see :func:`pot_context`)
    pot_rest: dict[tuple[str, date], Decimal] = field(default_factory=dict)


# --- populations -------------------------------------------------------------

_BASES: dict[str, Callable[[Practice], Decimal | None]] = {
    "registered": lambda p: p.registered,
    "weighted": lambda p: p.weighted,
    "adjusted": lambda p: p.adjusted_or_weighted,
}


def population(members: Sequence[Practice], basis: str) -> Population:
    """The members' total on ``basis``, naming any member with no figure."""
    read = _BASES[basis]
    found = [(p.code, read(p)) for p in members]
    parts = tuple(sorted((code, v or Decimal(0)) for code, v in found))
    missing = sorted(code for code, v in found if v is None)
    notes = []
    if missing:
        notes.append(f"no {basis} list for {', '.join(missing)} (counted as 0)")
    if basis == "adjusted" and any(p.adjusted is None for p in members):
        notes.append("weighted list used for the adjusted population (not published)")
    total = sum((v for _, v in parts), Decimal(0))
    return Population(basis, total, parts, "; ".join(notes))


def _role_sets(members: Sequence[Practice], threshold: Value | None) -> Population:
    registered = population(members, "registered")
    if threshold is None:
        note = "one role set: no large-network threshold in force"
        return Population("role sets", Decimal(1), (), note)
    large = registered.total >= threshold.value
    note = (
        f"registered {number(registered.total)} {'≥' if large else '<'} "
        f"{threshold.value:,}"
    )
    return Population("role sets", Decimal(2 if large else 1), (), note)


def _factor(value: Value, n: int) -> Decimal:
    return Decimal(n) / 12 if value.per == "year" else Decimal(1)


def _months(n: int) -> str:
    return f"{n}/12 of a year" if n != 12 else "a year"


# --- the computation ---------------------------------------------------------


class _Shared:
    """What every network's run on the same parameters shares: the texts and
    traces that depend on the item and period only (so a national year makes
    each once, and the lines of every network point at the same trace)."""

    def __init__(self) -> None:
        self._labels: dict[tuple[str, date, date], str] = {}
        #: keyed by identity; the value is kept so that the identity stays its
        self._pounds: dict[int, tuple[Value, str]] = {}
        self._traces: dict[tuple[str, date, date, str], Trace] = {}

    def label(self, item: Item, period: Period) -> str:
        """``Core PCN funding 2021-04–2022-03``."""
        key = (item.label, period.start, period.end)
        found = self._labels.get(key)
        if found is None:
            found = self._labels[key] = (
                f"{item.label} {month_label(period.start)}–"
                f"{month_label(period.months[-1])}"
            )
        return found

    def pounds(self, value: Value) -> str:
        """``£1.50``: the value as a trace writes it."""
        found = self._pounds.get(id(value))
        if found is None:
            found = self._pounds[id(value)] = (value, f"£{value.value:,}")
        return found[1]

    def not_computed(self, item: Item, period: Period, reason: str) -> Trace:
        key = (item.id, period.start, period.end, reason)
        found = self._traces.get(key)
        if found is None:
            found = self._traces[key] = Trace(
                item.id,
                f"{self.label(item, period)}: {reason}",
                period.start,
                period.end,
                money.ZERO,
                1,
                parameters=tuple(v for v in period.values if v is not None),
                notes=(reason,),
            )
        return found


class _NetworkRun:
    """Computes one network's dues for one year, caching per member set."""

    def __init__(
        self,
        network: Network,
        year: ContractYear,
        parameters: Parameters,
        context: Context,
        shared: _Shared | None = None,
    ) -> None:
        self.network = network
        self.year = year
        self.parameters = parameters
        self.context = context
        self.shared = shared or _Shared()
        self.payee = network.facts.nominated_payee or ""
        #: keyed by the identity of a member tuple this run holds (see _sets)
        self._populations: dict[tuple[int, str], Population] = {}
        self._members: dict[date, tuple[Practice, ...]] = {}
        #: one tuple per member set, so months with the same members share it
        #: (and so their traces, which are keyed by the tuple's identity)
        self._sets: dict[tuple[str, ...], tuple[Practice, ...]] = {}
        #: the members all year, when no membership starts or ends in it
        self.steady: tuple[Practice, ...] | None = None
        if all(m.start is None and m.end is None for m in network.memberships):
            self.steady = tuple(m.practice for m in network.memberships)
            self._members = dict.fromkeys(year.months, self.steady)

    def members(self, month: date) -> tuple[Practice, ...]:
        found = self._members.get(month)
        if found is None:
            on = self.network.members_on(month)
            found = self._sets.setdefault(tuple(p.code for p in on), on)
            self._members[month] = found
        return found

    def population(self, members: tuple[Practice, ...], basis: str) -> Population:
        key = (id(members), basis)
        found = self._populations.get(key)
        if found is None:
            if basis == "role sets":
                threshold = self.parameters.at(
                    "arrs.large_network_threshold", self.year.start
                )
                found = _role_sets(members, threshold)
            elif basis == "beds":
                beds = Decimal(self.network.facts.care_home_beds or 0)
                found = Population("beds", beds, (), "aligned care-home beds")
            else:
                found = population(members, basis)
            self._populations[key] = found
        return found

    def dues(self, items: Sequence[tuple[Item, list[Period]]]) -> list[Due]:
        out: list[Due] = []
        for item, periods in items:
            if item.condition and item.condition(self.network):
                continue
            missing = item.needs(self.network) if item.needs else None
            for period in periods:
                unpublished = [v for v in period.values if v and v.not_published]
                if unpublished or missing:
                    out += self.not_computed(item, period, unpublished, missing)
                elif item.achievement:
                    out += self.iif(item, period)
                elif item.paid_to == PRACTICE:
                    out += self.per_practice(item, period)
                else:
                    out += self.per_network(item, period)
        return out

    def not_computed(
        self,
        item: Item,
        period: Period,
        unpublished: list[Value],
        missing: str | None,
    ) -> list[Due]:
        """One line for the period saying what the item needs to be computed."""
        month = period.months[-1] if item.achievement else period.months[0]
        if not (self.members(month) or self.members(period.months[0])):
            return []
        if unpublished:
            names = ", ".join(f"{v.parameter} from {v.start}" for v in unpublished)
            reason = f"not computed: needs {names}, not published in pcnhub yet"
        else:
            reason = f"not computed: needs {missing}"
        trace = self.shared.not_computed(item, period, reason)
        part = Instalments(
            item.id,
            self.payee,
            item.paid_to if item.paid_to != PRACTICE else PRACTICE,
            trace,
            status=NOT_COMPUTED,
            note=reason,
        )
        return [_due(self.network.code, item.id, (part,), ((month, 0, 1),), True)]

    def per_network(self, item: Item, period: Period) -> list[Due]:
        code = self.network.code
        if self.steady is not None:  # the common case: one trace for the period
            if not self.steady:
                return []
            trace = self.network_trace(item, period, self.steady)
            part = Instalments(item.id, self.payee, NETWORK, trace)
            rows = _steady_rows(period.months, 1)
            return [_due(code, item.id, (part,), rows, True)]
        # Keyed by the identity of the month's member tuple, which this run
        # caches: months with the same members share one tuple, so one trace.
        index: dict[int, int] = {}
        parts: list[Instalments] = []
        out: list[_Row] = []
        for k, month in enumerate(period.months, start=1):
            members = self.members(month)
            if not members:
                continue
            i = index.get(id(members))
            if i is None:
                trace = self.network_trace(item, period, members)
                i = index[id(members)] = len(parts)
                parts.append(Instalments(item.id, self.payee, NETWORK, trace))
            out.append((month, i, k))
        if not out:
            return []
        return [_due(code, item.id, tuple(parts), tuple(out))]

    def network_trace(
        self, item: Item, period: Period, members: tuple[Practice, ...]
    ) -> Trace:
        n = len(period.months)
        total = Decimal(0)
        pots = Decimal(0)
        terms, used, pops, inputs, notes = [], [], [], [], []
        for component, value in zip(item.components, period.values, strict=True):
            if value is None:
                continue
            used.append(value)
            if component.pot:
                share, base, whole = self.pot_share(component, value)
                pots += share
                national_text = number(whole)
                terms.append(
                    f"{self.shared.pounds(value)} × {number(base)} ÷ {national_text} "
                    f"{component.basis}"
                )
                inputs.append((f"national {component.basis} population", national_text))
                national = self.parameters.at(
                    "national_population.weighted", value.start
                )
                if national is not None:
                    used.append(national)
                continue
            pop = self.population(members, component.basis)
            pops.append(pop)
            factor = _factor(value, n)
            total += pop.total * value.value * factor
            scale = f" × {n}/12" if value.per == "year" and n != 12 else ""
            terms.append(
                f"{number(pop.total)} {component.basis} × "
                f"{self.shared.pounds(value)}{scale}"
            )
        if item.scaled_by:
            share = getattr(self.network.facts, item.scaled_by) or Decimal(0)
            total *= share
            terms = [f"({' + '.join(terms)}) × {share} achieved"]
            inputs.append(("share assessed as achieved", str(share)))
        amount = money.penny(total) + pots
        label = self.shared.label(item, period)
        formula = f"{label}: {' + '.join(terms)} = £{amount:,}"
        if any(v.per == "year" for v in used) and n != 12:
            notes.append(f"payable for {n} months: {_months(n)}")
        return Trace(
            item.id,
            formula,
            period.start,
            period.end,
            amount,
            n,
            tuple(pops),
            tuple(used),
            tuple(inputs),
            tuple(notes),
        )

    def pot_share(
        self, component: Component, value: Value
    ) -> tuple[Decimal, Decimal, Decimal]:
        key = (component.parameter, value.start)
        if key not in self.context.pot_shares:
            raise ValueError(
                f"{component.parameter}: no share of the national sum was worked out "
                f"for {value.start}; compute the context over every network"
            )
        share = self.context.pot_shares[key].get(self.network.code, money.ZERO)
        base = self.context.pot_bases.get((*key, self.network.code), Decimal(0))
        return share, base, self.context.pot_bases[key]

    def per_practice(self, item: Item, period: Period) -> list[Due]:
        (value,) = period.values
        assert value is not None
        n = len(period.months)
        factor = _factor(value, n)
        scale = f" × {n}/12" if n != 12 and value.per == "year" else ""
        rate = f"{self.shared.pounds(value)}{scale}"
        # Each practice's trace, worked out once for the period.
        done: dict[str, Instalments] = {}

        def practice_part(practice: Practice) -> Instalments:
            found = done.get(practice.code)
            if found is None:
                pop = population((practice,), "weighted")
                amount = money.penny(pop.total * value.value * factor)
                trace = Trace(
                    item.id,
                    f"{item.label} {practice.code}: {number(pop.total)} weighted × "
                    f"{rate} = £{amount:,}",
                    period.start,
                    period.end,
                    amount,
                    n,
                    (pop,),
                    (value,),
                )
                who = practice.code
                found = done[who] = Instalments(item.id, who, PRACTICE, trace, who)
            return found

        code = self.network.code
        if self.steady is not None:  # the same members every month
            if not self.steady:
                return []
            parts = tuple(practice_part(p) for p in self.steady)
            rows = _steady_rows(period.months, len(parts))
            return [_due(code, item.id, parts, rows, True)]
        index: dict[str, int] = {}
        listed: list[Instalments] = []
        out: list[_Row] = []
        for k, month in enumerate(period.months, start=1):
            for practice in self.members(month):
                i = index.get(practice.code)
                if i is None:
                    i = index[practice.code] = len(listed)
                    listed.append(practice_part(practice))
                out.append((month, i, k))
        if not out:
            return []
        return [_due(code, item.id, tuple(listed), tuple(out))]

    def iif(self, item: Item, period: Period) -> list[Due]:
        points = self.network.facts.iif_points
        (value,) = period.values
        if points is None or value is None:  # _needs_iif says so first
            return []
        maximum = self.parameters.at("iif.maximum_points", period.start)
        if maximum is not None and points > maximum.value:
            raise ValueError(
                f"{self.network.code}: {points} IIF points is more than the "
                f"{maximum.value} available in {self.year}"
            )
        average = self.parameters.at("iif.average_list", period.start)
        members = self.members(period.start) or self.members(period.months[-1])
        pop = self.population(members, "registered")
        prevalence = self.network.facts.iif_prevalence_factor or Decimal(1)
        assert average is not None
        amount = money.penny(
            points * value.value * pop.total / Decimal(average.value) * prevalence
        )
        trace = Trace(
            item.id,
            f"{item.label} {month_label(period.start)}–"
            f"{month_label(period.months[-1])}: {points} points × £{value.value} × "
            f"({number(pop.total)} ÷ {average.value:,}) × {prevalence} = £{amount:,}",
            period.start,
            period.end,
            amount,
            1,
            (pop,),
            tuple(v for v in (value, average, maximum) if v is not None),
            (("points achieved", str(points)), ("prevalence factor", str(prevalence))),
            ("achievement payment, recorded in the last month of the IIF year",),
        )
        part = Instalments(item.id, self.payee, NETWORK, trace)
        rows = ((period.months[-1], 0, 1),)
        return [_due(self.network.code, item.id, (part,), rows, True)]


def pot_context(
    networks: Sequence[Network], year: ContractYear, parameters: Parameters
) -> Context:
    """Share each national sum in force in ``year`` between ``networks``.

    Each network's share is fixed by its population on the first day of the
    sum's period in the year (a network forming later has no share). The
    denominator is the networks' total or the national population
    (``national_population.weighted``), whichever is larger; what the networks
    do not take is left for "networks not in the register". Shares and that
    rest add up exactly to the sum (largest remainder).
    """
    context = Context()
    with _no_collection():
        _share_pots(context, networks, year, parameters)
    return context


def _share_pots(
    context: Context,
    networks: Sequence[Network],
    year: ContractYear,
    parameters: Parameters,
) -> None:
    for item in ITEMS:
        for component in item.components:
            if not component.pot:
                continue
            for period in payable_periods(
                Item(item.id, item.label, (component,)), year, parameters
            ):
                (value,) = period.values
                assert value is not None
                key = (component.parameter, value.start)
                if key in context.pot_shares:
                    continue
                read = _BASES[component.basis]
                bases = {}
                for n in networks:
                    members = n.members_on(period.start)
                    if members:  # the total population() gives, without its parts
                        bases[n.code] = sum(
                            (read(p) or Decimal(0) for p in members), Decimal(0)
                        )
                amount = value.value * _factor(value, len(period.months))
                held = sum(bases.values(), Decimal(0))
                national = parameters.at("national_population.weighted", period.start)
                whole = max(held, Decimal(national.value) if national else held)
                shares = money.largest_remainder(
                    money.penny(amount), {**bases, REST: whole - held}
                )
                context.pot_rest[key] = shares.pop(REST)
                context.pot_shares[key] = shares
                context.pot_bases[key] = whole
                for code, base in bases.items():
                    context.pot_bases[(*key, code)] = base


def entitlement_year(
    networks: Sequence[Network],
    year: ContractYear,
    parameters: Parameters | None = None,
    context: Context | None = None,
    items: Sequence[str] | None = None,
    known_on: date | None = None,
    as_paid: bool = True,
) -> EntitlementYear:
    """What ``networks`` are due in ``year``, as known on ``known_on`` (default:
    everything pcnhub holds), arrears included: each network's amounts per item
    and payable period with their traces, worked out before any monthly line is
    made. :meth:`EntitlementYear.totals` gives the year's totals without the
    lines; :meth:`EntitlementYear.lines` makes the lines when they are wanted.

    With ``as_paid=False`` every month is worked out on what is known on
    ``known_on`` (restated), with no arrears: what the year comes to.

    ``context`` carries the shares of national sums (:func:`pot_context`); without
    it they are worked out over ``networks``.
    """
    parameters = parameters or default_parameters()
    if not parameters.covers(year):
        known = ", ".join(str(y) for y in parameters.years)
        raise ValueError(f"no parameters for {year}; pcnhub covers {known}")
    chosen = [ITEMS_BY_ID[i] for i in items] if items else list(ITEMS)
    with _no_collection():
        return _entitlements(
            networks, year, parameters, context, chosen, known_on, as_paid
        )


def entitlements(
    networks: Sequence[Network],
    year: ContractYear,
    parameters: Parameters | None = None,
    context: Context | None = None,
    items: Sequence[str] | None = None,
    known_on: date | None = None,
    as_paid: bool = True,
) -> list[EntitlementLine]:
    """Every entitlement line of ``networks`` for ``year``, as known on ``known_on``
    (default: everything pcnhub holds), arrears lines included: the lines of
    :func:`entitlement_year` (which takes the same arguments)."""
    return entitlement_year(
        networks, year, parameters, context, items, known_on, as_paid
    ).lines()


@contextmanager
def _no_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while lines are built.

    A national year makes some 150,000 line objects and no reference cycles; the
    collector would otherwise walk every object made so far each time it runs
    (a third of the run). Reference counting still frees everything as usual.
    The lines are the run's long-lived result, so at the end the objects made
    go straight to the collector's oldest generation (``freeze`` then
    ``unfreeze`` moves them there without walking them), rather than being
    walked once more by the first collection after the pause. (Not when
    something else has frozen objects, e.g. a server before it forks: unfreezing
    would undo that.)
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _entitlements(
    networks: Sequence[Network],
    year: ContractYear,
    parameters: Parameters,
    context: Context | None,
    chosen: Sequence[Item],
    known_on: date | None,
    as_paid: bool,
) -> EntitlementYear:
    days = _publications(parameters, year)
    if known_on is not None:
        days = [d for d in days if d <= known_on]
    if not as_paid and known_on is not None:
        parameters = parameters.known_on(known_on)
    if not as_paid or (not days and known_on is None):
        dues = _run(networks, year, parameters, context, chosen)
        return EntitlementYear(year, ((year.months, tuple(dues)),))
    runs = _Runs(networks, year, parameters, context, chosen, days)
    # Each month is paid as known at its end; months known alike share a state.
    paid: list[tuple[list[date], tuple[Due, ...]]] = []
    for month in year.months:
        cutoff = (
            _month_end(month) if known_on is None else min(known_on, _month_end(month))
        )
        state = runs.state(cutoff)
        if paid and paid[-1][1] is state:
            paid[-1][0].append(month)
        else:
            paid.append(([month], state))
    arrears = tuple(due for day in days for due in runs.arrears(day))
    return EntitlementYear(
        year, tuple((tuple(m), s) for m, s in paid), arrears, by_month=True
    )


def _run(
    networks: Sequence[Network],
    year: ContractYear,
    parameters: Parameters,
    context: Context | None,
    chosen: Sequence[Item],
) -> tuple[Due, ...]:
    # The payable periods depend on the year's parameters only: work them out once.
    periods = [(item, payable_periods(item, year, parameters)) for item in chosen]
    if context is None:
        context = pot_context(networks, year, parameters)
    dues: list[Due] = []
    shared = _Shared()
    for network in networks:
        dues += _NetworkRun(network, year, parameters, context, shared).dues(periods)
    return tuple(dues)


def _month_end(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1) - ONE_DAY


def _publications(parameters: Parameters, year: ContractYear) -> list[date]:
    """Days a value in force in ``year`` was published (first or revised)."""
    days: set[date] = set()
    for parameter in parameters.by_name.values():
        for revisions in parameter.history:
            for value in revisions:
                ends = value.end or year.end
                if value.published and value.start < year.end and ends > year.start:
                    days.add(value.published)
    return sorted(days)


class _Runs:
    """The year's dues under each state of knowledge, worked out once each."""

    def __init__(
        self,
        networks: Sequence[Network],
        year: ContractYear,
        parameters: Parameters,
        context: Context | None,
        chosen: Sequence[Item],
        days: Sequence[date],
    ) -> None:
        self.networks, self.year, self.parameters = networks, year, parameters
        self.context, self.chosen, self.days = context, chosen, days
        self._runs: dict[tuple[date, ...], tuple[Due, ...]] = {}

    def state(self, day: date) -> tuple[Due, ...]:
        """The dues as known on ``day``."""
        key = tuple(d for d in self.days if d <= day)
        found = self._runs.get(key)
        if found is None:
            known = self.parameters.known_on(day)
            same = _same_pots(known, self.parameters, self.year)
            context = self.context if same else None
            found = _run(self.networks, self.year, known, context, self.chosen)
            self._runs[key] = found
        return found

    def arrears(self, day: date) -> list[Due]:
        """What the value(s) published on ``day`` add to the months before it."""
        month = day.replace(day=1)
        before = [m for m in self.year.months if m < month]
        if not before:
            return []
        old = _amounts(self.state(day - ONE_DAY), before)
        new = _amounts(self.state(day), before)
        out = []
        for key in sorted(new.keys() | old.keys()):
            was, now = old.get(key), new.get(key)
            difference = (now[0] if now else money.ZERO) - (
                was[0] if was else money.ZERO
            )
            if difference:
                out.append(_arrears_due(key, day, month, was, now, difference))
        return out


ONE_DAY = timedelta(days=1)
_Key = tuple[str, str, str, str, str]
#: the months' total, the trace of the first line, the months
_Paid = tuple[Decimal, Trace, list[date]]


def _amounts(dues: Sequence[Due], months: Sequence[date]) -> dict[_Key, _Paid]:
    """(network, item, practice, paid to, payee) → what the lines in ``months``
    add up to, the first line's trace and the lines' months (no line made)."""
    wanted = set(months)
    out: dict[_Key, _Paid] = {}
    for due in dues:
        made: dict[int, list[Decimal]] = {}
        for month, i, k in due.rows:
            part = due.parts[i]
            if month not in wanted or not part.computed:
                continue
            amounts = made.get(i)
            if amounts is None:
                amounts = made[i] = part.amounts()
            key = (due.network, due.item, part.practice, part.paid_to, part.payee)
            total, trace, seen = out.get(key, (money.ZERO, part.trace, []))
            out[key] = (total + amounts[k - 1], trace, [*seen, month])
    return out


def _arrears_due(
    key: _Key,
    day: date,
    month: date,
    was: _Paid | None,
    now: _Paid | None,
    difference: Decimal,
) -> Due:
    network, item, practice, paid_to, payee = key
    months = sorted({*(was[2] if was else ()), *(now[2] if now else ())})
    paid = was[0] if was else money.ZERO
    due = now[0] if now else money.ZERO
    label = ITEMS_BY_ID[item].label
    who = f" {practice}" if practice else ""
    changed = [v for v in (now[1].parameters if now else ()) if v.published == day]
    rates = "; ".join(f"{v.parameter} {v.describe()} from {v.start}" for v in changed)
    reason = (
        f"arrears: {rates or 'a value'} published {day}, backdated to "
        f"{month_label(months[0])}"
    )
    trace = Trace(
        item,
        f"{label}{who} arrears for {month_label(months[0])}–"
        f"{month_label(months[-1])}: as known on {day} £{due:,} less as known "
        f"before it £{paid:,} = £{difference:,}",
        months[0],
        month,
        difference,
        1,
        now[1].populations if now else (),
        tuple(changed) or (now[1].parameters if now else ()),
        (("paid before the change", f"£{paid:,}"), ("due as now known", f"£{due:,}")),
        (reason, f"paid in {month_label(month)}, the month the change was published"),
    )
    part = Instalments(item, payee, paid_to, trace, practice, ARREARS, reason)
    return _due(network, item, (part,), ((month, 0, 1),), True)


def _same_pots(a: Parameters, b: Parameters, year: ContractYear) -> bool:
    """Do ``a`` and ``b`` hold the same national sums in ``year``?"""
    for item in ITEMS:
        for component in item.components:
            if component.pot and any(
                a.at(component.parameter, m) != b.at(component.parameter, m)
                for m in year.months
            ):
                return False
    return True


def annual_totals(lines: Sequence[EntitlementLine]) -> dict[tuple[str, str], Decimal]:
    """(network, item) → the year's total."""
    totals: dict[tuple[str, str], Decimal] = {}
    for line in lines:
        key = (line.network, line.item)
        totals[key] = totals.get(key, money.ZERO) + line.amount
    return totals
