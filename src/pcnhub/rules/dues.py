"""What a run of the entitlements makes: the monthly lines, the instalments and
dues they are made from, and a year of dues (:mod:`pcnhub.rules.entitlements`
works them out).
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Container, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from pcnhub.rules import money
from pcnhub.rules.periods import ContractYear, month_label
from pcnhub.rules.trace import Trace

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


def annual_totals(lines: Sequence[EntitlementLine]) -> dict[tuple[str, str], Decimal]:
    """(network, item) → the year's total."""
    totals: dict[tuple[str, str], Decimal] = {}
    for line in lines:
        key = (line.network, line.item)
        totals[key] = totals.get(key, money.ZERO) + line.amount
    return totals
