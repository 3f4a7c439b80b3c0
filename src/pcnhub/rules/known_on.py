"""As known on a day: the days values in force in a year were published, the
year's dues under each state of knowledge (:class:`_Runs`), and the arrears a
backdated change adds in the month it was published.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from pcnhub.rules import money
from pcnhub.rules.dues import ARREARS, Due, Instalments, _due
from pcnhub.rules.items import ITEMS_BY_ID, Item
from pcnhub.rules.network_run import _run
from pcnhub.rules.params import Parameters
from pcnhub.rules.periods import ContractYear, month_label
from pcnhub.rules.pots import Context, _same_pots
from pcnhub.rules.snapshot import Network
from pcnhub.rules.trace import Trace


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
