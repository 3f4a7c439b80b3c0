"""The per-network computation: one network's dues for a year, per item and
payable period, with their traces (:class:`_NetworkRun`), what the runs of
every network on the same parameters share (:class:`_Shared`), and one run
over many networks (:func:`_run`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from pcnhub.rules import money
from pcnhub.rules.dues import NOT_COMPUTED, Due, Instalments, _due, _Row, _steady_rows
from pcnhub.rules.items import (
    NETWORK,
    PRACTICE,
    Component,
    Item,
    Period,
    payable_periods,
)
from pcnhub.rules.params import Parameters, Value
from pcnhub.rules.periods import ContractYear, month_label
from pcnhub.rules.populations import _factor, _months, _role_sets, population
from pcnhub.rules.pots import Context, pot_context
from pcnhub.rules.snapshot import Network, Practice
from pcnhub.rules.trace import Population, Trace, number


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
