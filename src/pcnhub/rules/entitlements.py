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

from collections.abc import Sequence
from datetime import date

from pcnhub.rules.dues import (
    ARREARS,
    DUE,
    NOT_COMPUTED,
    Due,
    EntitlementLine,
    EntitlementYear,
    Instalments,
    _no_collection,
    annual_totals,
)
from pcnhub.rules.items import ITEMS, ITEMS_BY_ID, Item
from pcnhub.rules.known_on import ONE_DAY, _month_end, _publications, _Runs
from pcnhub.rules.network_run import _run
from pcnhub.rules.params import Parameters
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.populations import population
from pcnhub.rules.pots import REST, Context, pot_context
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Network

#: What callers import from here: the entry points defined below, and the names
#: they use from the modules the computation is split into (dues, populations,
#: pots; network_run and known_on hold the runs), re-exported.
__all__ = [
    "ARREARS",
    "DUE",
    "NOT_COMPUTED",
    "ONE_DAY",
    "REST",
    "Context",
    "Due",
    "EntitlementLine",
    "EntitlementYear",
    "Instalments",
    "annual_totals",
    "entitlement_year",
    "entitlements",
    "pot_context",
    "population",
]


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
